import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, Problem, TenantDb } from '@encours/api-core';
import {
  AgeingDto,
  AgeingQuery,
  AggregateCheckDto,
  AsOfQuery,
  KpiQuery,
  KpisDto,
  CustomerPayerProfileDto,
} from './reporting.dto.js';
import { ReportingService } from './reporting.service.js';

@ApiTags('reporting')
@Controller('v1')
export class ReportingController {
  constructor(
    private readonly reporting: ReportingService,
    private readonly db: TenantDb,
  ) {}

  @Get('receivables/ageing')
  @Access({ scopes: ['receivables:read'] })
  @ApiOperation({
    summary: 'Ageing (balance âgée) at a date, optionally per group',
    description:
      'Open invoices minus open credit notes, converted into the tenant currency at the latest exchange rate on or before ' +
      'asOf (items without a rate are left out and listed in missingRates; amounts are converted per currency and bucket). ' +
      'Buckets by days past the due date (not_due, 1-30, ...) or since issue. `overdue` = items due strictly before asOf. ' +
      'Written-off items are left out. asOf = today reads trigger-maintained aggregates (groupBy=customer pages through ' +
      'an index on the per-customer balance when sorted by total or overdue); any other asOf, or groupBy businessUnit, ' +
      'salesperson or segment, recomputes from the items (slower). Allocations dated after today are ignored for today.',
  })
  @ApiOkResponse({ type: AgeingDto })
  @ApiBadRequestResponse({ type: Problem, description: 'Bad asOf, buckets, basis, groupBy or sort (field named)' })
  ageing(@Query() q: AgeingQuery): Promise<AgeingDto> {
    return this.reporting.ageing(q);
  }

  @Get('receivables/aggregates/check')
  @Access({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Checks the reporting aggregates against a recomputation from the items and allocations (this tenant)',
    description:
      'ok = true when receivable_open_balance, receivable_customer_balance, receivable_monthly_flow and ' +
      'receivable_customer_flow match a recomputation from the ledger; differences lists at most 100 of those that do not.',
  })
  @ApiOkResponse({ type: AggregateCheckDto })
  check(): Promise<AggregateCheckDto> {
    return this.reporting.verifyAggregates(this.db.tenantId);
  }

  @Get('kpis')
  @Access({ scopes: ['receivables:read'] })
  @ApiOperation({
    summary: 'Receivables KPIs at a date (DSO, BPDSO, ADD, CEI, overdue, turnover) with a monthly history',
    description:
      'Sales = invoices issued (TTC) minus credit notes, per calendar month of issue. Periods: the month of asOf counts ' +
      'its days 1..asOf (the whole month when asOf is a month end); sales3m, dsoSimple and bestPossibleDso use that ' +
      'month and the two before, days = their day count; count-back DSO consumes months latest first (24 at most); ' +
      'CEI covers the month of asOf with opening receivables at the previous month end; turnover = sales of 12 months ' +
      '/ average receivables at asOf and the 12 previous month ends. History points are month ends (the current, ' +
      'unfinished month is not one), each converted at its own rate. Formulas: @encours/domain (see DOMAIN.md). ' +
      'Receivables at the month ends and sales per month come from monthly flows kept up to date by triggers (the ledger ' +
      'as it stood, exactly); receivables at asOf = today from the balance aggregates, at another asOf rebuilt from the items.',
  })
  @ApiOkResponse({ type: KpisDto })
  @ApiBadRequestResponse({ type: Problem })
  kpis(@Query() q: KpiQuery): Promise<KpisDto> {
    return this.reporting.kpis(q);
  }

  @Get('customers/:id/payer-profile')
  @Access({ scopes: ['receivables:read'] })
  @ApiOperation({
    summary: 'Payer profile of a customer: amount-weighted days late of invoices paid in the last 6 and 12 months, trend',
    description:
      'Paid invoices = fully settled through allocations; paid date = the latest allocation date. Invoices closed by a ' +
      'snapshot (settled outside the ledger) are left out: their payment date is unknown.',
  })
  @ApiOkResponse({ type: CustomerPayerProfileDto })
  @ApiNotFoundResponse({ type: Problem })
  @ApiBadRequestResponse({ type: Problem })
  payerProfile(@Param('id') id: string, @Query() q: AsOfQuery): Promise<CustomerPayerProfileDto> {
    return this.reporting.payerProfile(id, q.asOf);
  }
}
