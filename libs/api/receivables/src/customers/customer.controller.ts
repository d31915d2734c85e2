import { Body, Controller, Get, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Access, ApiPageResponse, FINANCE_WRITERS, Problem, type Page } from '@encours/api-core';
import type { Request, Response } from 'express';
import { listOrCsv } from '../shared/list.js';
import { CreateCustomerDto, CustomerDto, CustomerQuery, UpdateCustomerDto } from './customer.dto.js';
import { CustomerService } from './customer.service.js';

@ApiTags('customers')
@Controller('v1/customers')
export class CustomerController {
  constructor(private readonly customers: CustomerService) {}

  @Get()
  @Access({ scopes: ['receivables:read'] })
  @ApiOperation({ summary: 'Customers (search on name, ERP reference or SIREN); CSV export with Accept: text/csv or format=csv' })
  @ApiPageResponse(CustomerDto)
  @ApiProduces('application/json', 'text/csv')
  async list(
    @Query() q: CustomerQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Page<CustomerDto> | string> {
    return listOrCsv<CustomerDto>(req, res, q, 'customers', (all) => this.customers.list(q, all), [
      'id',
      'externalRef',
      'name',
      'siren',
      'siret',
      'vatNumber',
      'country',
      'language',
      'currency',
      'paymentTermsDays',
      'segment',
      'tags',
      'blocked',
    ]);
  }

  @Get(':id')
  @Access({ scopes: ['receivables:read'] })
  @ApiOperation({ summary: 'One customer with its contacts' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiNotFoundResponse({ type: Problem })
  get(@Param('id') id: string): Promise<CustomerDto> {
    return this.customers.get(id);
  }

  @Post()
  @Access({ roles: FINANCE_WRITERS, scopes: ['receivables:write'] })
  @ApiOperation({ summary: 'Add a customer' })
  @ApiCreatedResponse({ type: CustomerDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem })
  create(@Body() dto: CreateCustomerDto): Promise<CustomerDto> {
    return this.customers.create(dto);
  }

  @Patch(':id')
  @Access({ roles: FINANCE_WRITERS, scopes: ['receivables:write'] })
  @ApiOperation({ summary: 'Change a customer (contacts are replaced when given)' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem })
  update(@Param('id') id: string, @Body() dto: UpdateCustomerDto): Promise<CustomerDto> {
    return this.customers.update(id, dto);
  }
}
