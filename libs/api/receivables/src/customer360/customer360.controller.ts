import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, Problem } from '@encours/api-core';
import { Customer360Dto } from './customer360.dto.js';
import { Customer360Service } from './customer360.service.js';

@ApiTags('customers')
@Controller('v1/customers')
export class Customer360Controller {
  constructor(private readonly customer360: Customer360Service) {}

  @Get(':id/summary')
  @Access({ scopes: ['receivables:read'] })
  @ApiOperation({
    summary: 'Customer 360: the customer, its contacts, exposure, payer profile, last payment and first open items',
    description:
      "Amounts are decimal strings in the customer's currency (items in other currencies are listed in exposure.otherCurrencies); overdue = due date before today in the tenant's time zone.",
  })
  @ApiOkResponse({ type: Customer360Dto })
  @ApiNotFoundResponse({ type: Problem })
  summary(@Param('id') id: string): Promise<Customer360Dto> {
    return this.customer360.summary(id);
  }
}
