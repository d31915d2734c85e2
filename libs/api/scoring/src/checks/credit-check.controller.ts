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
  CreateCreditCheckDto,
  CreditCheckDto,
  CreditCheckQuery,
  CreditCheckResultDto,
  ReleaseCreditCheckDto,
} from './credit-check.dto.js';
import { CreditCheckService } from './credit-check.service.js';

/** Who asks for a credit check (sales: their own customers only). */
export const CREDIT_CHECK_CALLERS: Role[] = ['admin', 'credit_manager', 'collector', 'sales'];
/** Who reads the log (sales: their own customers only). */
export const CREDIT_CHECK_READERS: Role[] = ['admin', 'credit_manager', 'collector', 'viewer', 'sales'];

@ApiTags('scoring')
@Controller('v1/credit-checks')
export class CreditCheckController {
  constructor(private readonly checks: CreditCheckService) {}

  @Post()
  @Access({ roles: CREDIT_CHECK_CALLERS, scopes: ['credit-checks:write'] })
  @ApiOperation({
    summary: 'Check credit for an order',
    description:
      "For order entry: may this order be taken? Name the customer by `customerId` or by the ERP's `customerRef` (exactly one). The order is converted to the currency of the customer's valid credit limit (else the customer's currency) at the latest exchange rate, then the tenant's credit-check rules (scoring settings) are applied: `over_limit` (exposure + order above the limit), `no_limit`, `overdue_days` (oldest overdue invoice more than N days late), `overdue_amount`, `account_blocked` (dunning blocked the account), `grade_e`, `grade_d`, `legal_event` (a collective proceeding in a provider's latest rating of the last 24 months). Each rule answers review or block (or is off); the decision is the worst one, accept when none fired. Every check is logged; reviewed and blocked ones go on the customer's timeline and wait for a credit manager's release. Sales: their own customers only.",
  })
  @ApiCreatedResponse({ type: CreditCheckResultDto })
  @ApiBadRequestResponse({
    type: Problem,
    description:
      '`errors[].field` names the field: `customerId`/`customerRef` (no such customer), `amount` (not > 0, too many decimals), `currency` (unknown, or no exchange rate to the limit currency), `orderRef`',
  })
  check(@Body() dto: CreateCreditCheckDto): Promise<CreditCheckResultDto> {
    return this.checks.check(dto);
  }

  @Get()
  @Access({ roles: CREDIT_CHECK_READERS, scopes: ['scoring:read', 'credit-checks:write'] })
  @ApiOperation({
    summary: 'The credit-check log',
    description:
      '`decision=review,block` and `released=false` give the orders waiting for a credit manager; `customerId`, `from`/`to` (day checked, tenant time zone) and `q` (customer name or reference, order reference) narrow it. Newest first (`sort`: checkedAt or amount, `-` for descending). Sales: their own customers only.',
  })
  @ApiPageResponse(CreditCheckDto)
  @ApiBadRequestResponse({ type: Problem })
  list(@Query() q: CreditCheckQuery): Promise<Page<CreditCheckDto>> {
    return this.checks.list(q);
  }

  @Get(':id')
  @Access({ roles: CREDIT_CHECK_READERS, scopes: ['scoring:read', 'credit-checks:write'] })
  @ApiOperation({ summary: 'One credit check', description: 'As logged, with its release if a credit manager released it.' })
  @ApiOkResponse({ type: CreditCheckDto })
  @ApiNotFoundResponse({ type: Problem })
  get(@Param('id') id: string): Promise<CreditCheckDto> {
    return this.checks.get(id);
  }

  @Post(':id/release')
  @HttpCode(200)
  @Access({ roles: ['admin', 'credit_manager'] })
  @ApiOperation({
    summary: 'Release a reviewed or blocked order',
    description:
      "A credit manager lets the order through. Recorded on the check and on the customer's timeline, and published to webhooks as `credit_check.released` (with the order reference) so the ERP can release the held order. Only a review or block decision not released yet: otherwise 409 (`credit-check-accepted`, `credit-check-already-released`).",
  })
  @ApiOkResponse({ type: CreditCheckDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: 'The check accepted the order, or was already released' })
  release(@Param('id') id: string, @Body() dto: ReleaseCreditCheckDto): Promise<CreditCheckDto> {
    return this.checks.release(id, dto);
  }
}
