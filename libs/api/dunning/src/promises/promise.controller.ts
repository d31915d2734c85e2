import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access, ApiPageResponse, Problem, type Page, type Role } from '@encours/api-core';
import {
  CancelCommitmentDto,
  CreatePromiseDto,
  PromiseDto,
  PromiseQuery,
  PromiseStatsDto,
  PromiseStatsQuery,
} from './promise.dto.js';
import { PromiseService } from './promise.service.js';

/** Who reads promises and plans (sales: their own customers only). */
export const COMMITMENT_READERS: Role[] = ['admin', 'credit_manager', 'collector', 'sales', 'viewer'];
/** Who records and cancels them (sales: their own customers only). */
export const COMMITMENT_WRITERS: Role[] = ['admin', 'credit_manager', 'collector', 'sales'];

@ApiTags('dunning')
@Controller('v1')
export class PromiseController {
  constructor(private readonly promises: PromiseService) {}

  @Post('customers/:id/promises')
  @Access({ roles: COMMITMENT_WRITERS, scopes: ['dunning:write'] })
  @ApiOperation({
    summary: 'Record a promise to pay',
    description:
      "An amount by a date (today to one year ahead), for open invoices of the customer in the promise's currency (the amount at most their open total) or for its account. While a promise is pending the customer's dunning is paused. It is kept as soon as the allocations (payments or credit notes) dated from today to those invoices, or to any invoice of the customer in that currency when none is named, reach the amount by the promised date + the grace days (dunning settings, default 3); broken the day after otherwise, which resumes dunning and gives the collector a task. Sales: their own customers only.",
  })
  @ApiCreatedResponse({ type: PromiseDto })
  @ApiBadRequestResponse({
    type: Problem,
    description: 'A field is invalid; `errors[].field` names it (`invoiceIds[2]`, `promisedDate`...)',
  })
  @ApiNotFoundResponse({ type: Problem })
  create(@Param('id') id: string, @Body() dto: CreatePromiseDto): Promise<PromiseDto> {
    return this.promises.create(id, dto);
  }

  @Get('customers/:id/promises')
  @Access({ roles: COMMITMENT_READERS, scopes: ['dunning:read'] })
  @ApiOperation({ summary: "A customer's promises to pay, latest promised date first" })
  @ApiPageResponse(PromiseDto)
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  listForCustomer(@Param('id') id: string, @Query() q: PromiseQuery): Promise<Page<PromiseDto>> {
    return this.promises.listForCustomer(id, q);
  }

  @Get('dunning/promises')
  @Access({ roles: COMMITMENT_READERS, scopes: ['dunning:read'] })
  @ApiOperation({
    summary: 'Promises to pay of every customer',
    description:
      '`status` filters (pending, kept, broken, cancelled); `from`/`to` bound the promised date; `q` searches the customer name; `sort` by promisedDate (default, latest first), promisedOn, amount, createdAt or status. Sales see their own customers only.',
  })
  @ApiPageResponse(PromiseDto)
  @ApiBadRequestResponse({ type: Problem })
  list(@Query() q: PromiseQuery): Promise<Page<PromiseDto>> {
    return this.promises.list(q);
  }

  @Get('dunning/promises/stats')
  @Access({ roles: COMMITMENT_READERS, scopes: ['dunning:read'] })
  @ApiOperation({
    summary: 'Promises-kept rate',
    description:
      'Over the promises made (the day they were recorded) from `from` to `to` (default: the last 90 days to today): made = kept + broken + pending + cancelled, and **keptRate = kept / (kept + broken)**, rounded to 4 decimals, null when no promise of the period has been decided yet (pending and cancelled promises are left out of the rate). amountPromised sums the amounts of every promise made, amountKept those of the kept promises, per currency (never converted). `byCollector` gives the same figures by user who recorded the promises (userId null: API keys). Sales: their own customers only.',
  })
  @ApiOkResponse({ type: PromiseStatsDto })
  @ApiBadRequestResponse({ type: Problem })
  stats(@Query() q: PromiseStatsQuery): Promise<PromiseStatsDto> {
    return this.promises.stats(q);
  }

  @Post('promises/:id/cancel')
  @HttpCode(200)
  @Access({ roles: COMMITMENT_WRITERS, scopes: ['dunning:write'] })
  @ApiOperation({
    summary: 'Cancel a pending promise',
    description:
      "Recorded by mistake, or superseded (e.g. by a payment plan). Dunning resumes if no other commitment holds it. Logged on the customer's timeline.",
  })
  @ApiOkResponse({ type: PromiseDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: 'The promise is no longer pending' })
  cancel(@Param('id') id: string, @Body() dto: CancelCommitmentDto): Promise<PromiseDto> {
    return this.promises.cancel(id, dto);
  }
}
