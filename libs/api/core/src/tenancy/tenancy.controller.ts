import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { Problem } from '../errors/problem.js';
import {
  BusinessUnitDto,
  CreateBusinessUnitDto,
  CreateLegalEntityDto,
  LegalEntityDto,
  TenantDto,
  UpdateBusinessUnitDto,
  UpdateLegalEntityDto,
  UpdateTenantDto,
} from './tenancy.dto.js';
import { TenancyService } from './tenancy.service.js';

@ApiTags('tenant')
@Controller('v1')
export class TenancyController {
  constructor(private readonly tenancy: TenancyService) {}

  @Get('tenant')
  @Access({})
  @ApiOperation({ summary: 'My tenant (organisation) settings' })
  @ApiOkResponse({ type: TenantDto })
  getTenant(): Promise<TenantDto> {
    return this.tenancy.getTenant();
  }

  @Patch('tenant')
  @Access({ roles: ['admin'] })
  @ApiOperation({ summary: 'Change the tenant name, default language, currency or time zone' })
  @ApiOkResponse({ type: TenantDto })
  @ApiBadRequestResponse({ type: Problem })
  updateTenant(@Body() dto: UpdateTenantDto): Promise<TenantDto> {
    return this.tenancy.updateTenant(dto);
  }

  @Get('legal-entities')
  @Access({ scopes: ['tenant:read'] })
  @ApiOperation({ summary: 'Legal entities (the companies that issue invoices)' })
  @ApiOkResponse({ type: [LegalEntityDto] })
  listLegalEntities(): Promise<LegalEntityDto[]> {
    return this.tenancy.listLegalEntities();
  }

  @Get('legal-entities/:id')
  @Access({ scopes: ['tenant:read'] })
  @ApiOperation({ summary: 'One legal entity' })
  @ApiOkResponse({ type: LegalEntityDto })
  @ApiNotFoundResponse({ type: Problem })
  getLegalEntity(@Param('id') id: string): Promise<LegalEntityDto> {
    return this.tenancy.getLegalEntity(id);
  }

  @Post('legal-entities')
  @Access({ roles: ['admin'] })
  @ApiOperation({ summary: 'Add a legal entity' })
  @ApiCreatedResponse({ type: LegalEntityDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem })
  createLegalEntity(@Body() dto: CreateLegalEntityDto): Promise<LegalEntityDto> {
    return this.tenancy.createLegalEntity(dto);
  }

  @Patch('legal-entities/:id')
  @Access({ roles: ['admin'] })
  @ApiOperation({ summary: 'Change a legal entity' })
  @ApiOkResponse({ type: LegalEntityDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem })
  updateLegalEntity(@Param('id') id: string, @Body() dto: UpdateLegalEntityDto): Promise<LegalEntityDto> {
    return this.tenancy.updateLegalEntity(id, dto);
  }

  @Get('business-units')
  @Access({ scopes: ['tenant:read'] })
  @ApiOperation({ summary: 'Business units (divisions, regions, branches)' })
  @ApiOkResponse({ type: [BusinessUnitDto] })
  listBusinessUnits(): Promise<BusinessUnitDto[]> {
    return this.tenancy.listBusinessUnits();
  }

  @Post('business-units')
  @Access({ roles: ['admin'] })
  @ApiOperation({ summary: 'Add a business unit' })
  @ApiCreatedResponse({ type: BusinessUnitDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem })
  createBusinessUnit(@Body() dto: CreateBusinessUnitDto): Promise<BusinessUnitDto> {
    return this.tenancy.createBusinessUnit(dto);
  }

  @Patch('business-units/:id')
  @Access({ roles: ['admin'] })
  @ApiOperation({ summary: 'Change a business unit' })
  @ApiOkResponse({ type: BusinessUnitDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem })
  updateBusinessUnit(@Param('id') id: string, @Body() dto: UpdateBusinessUnitDto): Promise<BusinessUnitDto> {
    return this.tenancy.updateBusinessUnit(id, dto);
  }
}
