import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, ApiPageResponse, Problem, type Page, type Role } from '@encours/api-core';
import { PREDICTION_READERS } from '../prediction/prediction.controller.js';
import {
  CashCollectedDto,
  CashCollectedQuery,
  GoodPayerDto,
  GoodPayersQuery,
  MAX_BADGE_CUSTOMERS,
  RiskBadgesBody,
  RiskBadgesDto,
  RiskBadgesQuery,
} from './sales.dto.js';
import { GOOD_PAYER_MAX_DAYS_OVERDUE, MAX_CASH_MONTHS, SalesService } from './sales.service.js';

/** Who reads the cash collected per salesperson (sales: their own line only). */
export const CASH_READERS: Role[] = ['admin', 'credit_manager', 'viewer', 'sales'];

@ApiTags('scoring')
@Controller('v1/sales')
export class SalesController {
  constructor(private readonly sales: SalesService) {}

  @Get('good-payers')
  @Access({ roles: PREDICTION_READERS, scopes: ['scoring:read'] })
  @ApiOperation({
    summary: 'Good payers: customers to sell more to',
    description: `Customers graded A or B with nothing overdue for more than ${GOOD_PAYER_MAX_DAYS_OVERDUE} days, best score first, with their open amount (tenant currency, at today's rates) and average days late over the last 12 months. \`salespersonId\` narrows to one salesperson's customers; sales users see their own customers only.`,
  })
  @ApiPageResponse(GoodPayerDto)
  @ApiBadRequestResponse({ type: Problem })
  goodPayers(@Query() q: GoodPayersQuery): Promise<Page<GoodPayerDto>> {
    return this.sales.goodPayers(q);
  }

  @Get('risk-badges')
  @Access({ roles: PREDICTION_READERS, scopes: ['scoring:read'] })
  @ApiOperation({
    summary: 'Risk badges for a list of customers',
    description: `For up to ${MAX_BADGE_CUSTOMERS} customers (\`customerIds\`, comma-separated): grade and score, over-limit flag (an active credit limit used at 100 % or more), collective proceeding, and the mean late probability of their open invoices. Customers unknown or outside the caller's portfolio are left out.`,
  })
  @ApiOkResponse({ type: RiskBadgesDto })
  @ApiBadRequestResponse({ type: Problem, description: '`customerIds` missing, not uuids, or too many' })
  riskBadges(@Query() q: RiskBadgesQuery): Promise<RiskBadgesDto> {
    return this.sales.riskBadges(q);
  }

  @Post('risk-badges')
  @HttpCode(200)
  @Access({ roles: PREDICTION_READERS, scopes: ['scoring:read'] })
  @ApiOperation({
    summary: 'Risk badges for a list of customers (ids in the body)',
    description: `The same answer as GET /sales/risk-badges, for lists too long for a URL (servers take about 16 KB, some proxies 8 KB: some 200 to 400 ids): \`{ "customerIds": [...] }\`, 1 to ${MAX_BADGE_CUSTOMERS}. Reads only.`,
  })
  @ApiOkResponse({ type: RiskBadgesDto })
  @ApiBadRequestResponse({ type: Problem, description: '`customerIds` missing, not uuids, or too many' })
  riskBadgesFor(@Body() body: RiskBadgesBody): Promise<RiskBadgesDto> {
    return this.sales.riskBadges(body);
  }

  @Get('cash-collected')
  @Access({ roles: CASH_READERS, scopes: ['receivables:read'] })
  @ApiOperation({
    summary: 'Cash collected per salesperson per month (commissions)',
    description: `Per salesperson of the customers and per month from \`from\` to \`to\` (YYYY-MM, at most ${MAX_CASH_MONTHS} months; default the last 12): the payments allocated to their customers' invoices, by payment date (credit notes are not cash), converted exactly to the tenant currency at the latest rate on or before each payment's date (payments without a rate are left out and counted in \`missingRates\`), and the invoices fully paid in the month. Totals per month. Sales users see their own line only.`,
  })
  @ApiOkResponse({ type: CashCollectedDto })
  @ApiBadRequestResponse({ type: Problem, description: '`from`/`to` not months (YYYY-MM), reversed or too far apart' })
  cashCollected(@Query() q: CashCollectedQuery): Promise<CashCollectedDto> {
    return this.sales.cashCollected(q);
  }
}
