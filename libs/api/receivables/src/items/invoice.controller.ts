import { Body, Controller, Get, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access, ApiPageResponse, FINANCE_WRITERS, Problem, type Page } from '@encours/api-core';
import type { Request, Response } from 'express';
import { listOrCsv } from '../shared/list.js';
import {
  AllocationDto,
  CreateAllocationDto,
  CreateInvoiceDto,
  DisputeFlagDto,
  InvoiceDto,
  InvoiceQuery,
  PaymentDto,
  PaymentQuery,
} from './invoice.dto.js';
import { InvoiceService } from './invoice.service.js';

@ApiTags('receivables')
@Controller('v1')
export class InvoiceController {
  constructor(private readonly invoices: InvoiceService) {}

  @Get('invoices')
  @Access({ scopes: ['receivables:read'] })
  @ApiOperation({
    summary: 'Invoices and credit notes (filters, sort, pagination); CSV export with Accept: text/csv or format=csv',
  })
  @ApiPageResponse(InvoiceDto)
  @ApiProduces('application/json', 'text/csv')
  async list(
    @Query() q: InvoiceQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Page<InvoiceDto> | string> {
    return listOrCsv<InvoiceDto>(req, res, q, 'invoices', (all) => this.invoices.list(q, all), [
      'id',
      'kind',
      'externalRef',
      'number',
      'customerName',
      'issueDate',
      'dueDate',
      'currency',
      'amount',
      'openAmount',
      'status',
      'disputed',
    ]);
  }

  @Get('invoices/:id')
  @Access({ scopes: ['receivables:read'] })
  @ApiOperation({ summary: 'One invoice or credit note with its allocations' })
  @ApiOkResponse({ type: InvoiceDto })
  @ApiNotFoundResponse({ type: Problem })
  get(@Param('id') id: string): Promise<InvoiceDto> {
    return this.invoices.get(id);
  }

  @Post('invoices')
  @Access({ roles: FINANCE_WRITERS, scopes: ['receivables:write'] })
  @ApiOperation({ summary: 'Enter an invoice or a credit note by hand' })
  @ApiCreatedResponse({ type: InvoiceDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem })
  create(@Body() dto: CreateInvoiceDto): Promise<InvoiceDto> {
    return this.invoices.create(dto);
  }

  @Put('invoices/:id/disputed')
  @Access({ roles: FINANCE_WRITERS, scopes: ['receivables:write'] })
  @ApiOperation({
    summary: 'Flag an invoice as disputed (or clear the flag)',
    description:
      "A disputed invoice stays in receivables but leaves dunning: it is not claimed in reminders, and a customer whose only late invoices are disputed is paused. The change is logged on the customer's timeline with its reason.",
  })
  @ApiOkResponse({ type: InvoiceDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  setDisputed(@Param('id') id: string, @Body() dto: DisputeFlagDto): Promise<InvoiceDto> {
    return this.invoices.setDisputed(id, dto);
  }

  @Get('payments')
  @Access({ scopes: ['receivables:read'] })
  @ApiOperation({ summary: 'Payments received; CSV export with Accept: text/csv or format=csv' })
  @ApiPageResponse(PaymentDto)
  @ApiProduces('application/json', 'text/csv')
  async payments(
    @Query() q: PaymentQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Page<PaymentDto> | string> {
    return listOrCsv<PaymentDto>(req, res, q, 'payments', (all) => this.invoices.payments(q, all), [
      'id',
      'externalRef',
      'customerId',
      'date',
      'currency',
      'amount',
      'unallocatedAmount',
      'method',
      'bankReference',
    ]);
  }

  @Post('allocations')
  @Access({ roles: FINANCE_WRITERS, scopes: ['receivables:write'] })
  @ApiOperation({ summary: 'Apply part of a payment or of a credit note to an invoice' })
  @ApiCreatedResponse({ type: AllocationDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ description: 'More than the open or unallocated amount', type: Problem })
  @ApiUnprocessableEntityResponse({ description: 'Currencies differ', type: Problem })
  allocate(@Body() dto: CreateAllocationDto): Promise<AllocationDto> {
    return this.invoices.allocate(dto);
  }
}
