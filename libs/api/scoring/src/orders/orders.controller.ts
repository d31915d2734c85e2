import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { Access, ApiPageResponse, Problem, type Page, type Role } from '@encours/api-core';
import type { Request } from 'express';
import { readRows } from '../limits/bulk-input.js';
import { OpenOrderDto, OpenOrderImportQuery, OpenOrderImportResultDto, OpenOrderQuery } from './orders.dto.js';
import { OpenOrdersService } from './orders.service.js';

const ORDER_READERS: Role[] = ['admin', 'credit_manager', 'collector', 'sales', 'viewer'];

const EXAMPLE = [
  {
    externalRef: 'CMD-2026-0457',
    customerRef: 'C00042',
    orderDate: '2026-03-02',
    amount: '12000.00',
    currency: 'EUR',
    expectedInvoiceDate: '2026-03-20',
  },
  { externalRef: 'CMD-2026-0311', customerRef: 'C00042', orderDate: '2026-02-11', amount: '0', currency: 'EUR' },
];

@ApiTags('scoring')
@Controller('v1')
export class OpenOrdersController {
  constructor(private readonly orders: OpenOrdersService) {}

  @Post('open-orders/import')
  @HttpCode(200)
  @Access({ roles: ['admin', 'credit_manager'], scopes: ['imports:write', 'scoring:write'] })
  @ApiOperation({
    summary: 'Push open orders (taken, not yet invoiced) from the ERP',
    description:
      'JSON array of {externalRef, customerRef | customerId, orderDate, amount, currency, expectedInvoiceDate, closed}. Upsert by externalRef: counts created / updated / unchanged / closed / failed; a replay changes nothing. amount 0 or `closed: true` closes the order (it leaves the exposure). mode=snapshot: the batch is the full list of open orders and those absent from it are closed, at most maxClose of them (default: 5% of the open orders or 100, whichever is larger; above it: 422 and nothing written). All or nothing: a row error answers 422 with `errors[]` ({row, field, message}), unless partial=true. dryRun=true writes nothing. The credit-limit usage of the customers touched is re-evaluated at once (usage alerts, `credit_limit.threshold_crossed`).',
  })
  @ApiConsumes('application/json')
  @ApiBody({
    schema: { type: 'array', items: { type: 'object', additionalProperties: true } },
    examples: { orders: { summary: 'One open order, one closed', value: EXAMPLE } },
  })
  @ApiOkResponse({ type: OpenOrderImportResultDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiUnsupportedMediaTypeResponse({ type: Problem })
  @ApiUnprocessableEntityResponse({ type: Problem, description: 'Row errors or snapshot limit: nothing written' })
  async import(@Query() q: OpenOrderImportQuery, @Req() req: Request): Promise<OpenOrderImportResultDto> {
    return this.orders.import(await readRows(req, { allowFile: false }), q);
  }

  @Get('customers/:id/open-orders')
  @Access({ roles: ORDER_READERS, scopes: ['scoring:read'] })
  @ApiOperation({ summary: "A customer's open orders (status=closed or all for the others), latest order first" })
  @ApiPageResponse(OpenOrderDto)
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  list(@Param('id') id: string, @Query() q: OpenOrderQuery): Promise<Page<OpenOrderDto>> {
    return this.orders.listForCustomer(id, q);
  }
}
