import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, FINANCE_WRITERS, Problem } from '@encours/api-core';
import { CustomerDunningDto, UpdateCustomerDunningDto } from './customer-dunning.dto.js';
import { CustomerDunningService } from './customer-dunning.service.js';

@ApiTags('dunning')
@Controller('v1/customers/:id/dunning')
export class CustomerDunningController {
  constructor(private readonly service: CustomerDunningService) {}

  @Get()
  @Access({ roles: ['admin', 'credit_manager', 'collector', 'sales'], scopes: ['dunning:read'] })
  @ApiOperation({
    summary: "A customer's dunning settings, level and resolved scenario (sales: their own customers)",
  })
  @ApiOkResponse({ type: CustomerDunningDto })
  @ApiNotFoundResponse({ type: Problem })
  get(@Param('id') id: string): Promise<CustomerDunningDto> {
    return this.service.get(id);
  }

  @Put()
  @Access({ roles: FINANCE_WRITERS, scopes: ['dunning:write'] })
  @ApiOperation({
    summary: "Change a customer's dunning settings (hold, exclusion, scenario, collector, penalties)",
    description:
      'Fields left out keep their value; null clears. Putting on hold, lifting a hold and excluding or including the customer are logged on its timeline (`dunning.hold`, `dunning.excluded`).',
  })
  @ApiOkResponse({ type: CustomerDunningDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  update(@Param('id') id: string, @Body() dto: UpdateCustomerDunningDto): Promise<CustomerDunningDto> {
    return this.service.update(id, dto);
  }
}
