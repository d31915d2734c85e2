import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access, Problem } from '@encours/api-core';
import { CustomerPenaltiesDto, PenaltyQuery } from './penalty.dto.js';
import { PenaltyService } from './penalty.service.js';
import { ReferenceRateQuery, ReferenceRateTableDto, ReplaceReferenceRatesDto } from './reference-rate.dto.js';
import { ReferenceRateService } from './reference-rate.service.js';

@ApiTags('dunning')
@Controller('v1')
export class PenaltyController {
  constructor(
    private readonly penalties: PenaltyService,
    private readonly rates: ReferenceRateService,
  ) {}

  @Get('customers/:id/penalties')
  @Access({ roles: ['admin', 'credit_manager', 'collector', 'sales'], scopes: ['receivables:read', 'dunning:read'] })
  @ApiOperation({
    summary: 'Late-payment penalties a customer owes (sales: their own customers)',
    description:
      "Per open overdue invoice (open amount, up to `asOf`) and per amount paid after its due date in the last 5 years: the days late split by half-year with the rate of each, the interest (amount x rate x days / 365, rounded once per invoice), the 40 EUR recovery indemnity (once per invoice, in EUR), totals per currency. Rates: ECB rate + 10 points (France) or + 8 points (other EU countries), or the contractual rate (floored at 3x the legal interest rate in France), from the tenant's reference-rate tables. Example: 10,000.00 EUR due 2024-06-15 paid 2024-08-14 → 15 days at 14.50 % + 45 days at 14.25 % = 235.27 EUR, plus 40 EUR.",
  })
  @ApiOkResponse({ type: CustomerPenaltiesDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: 'A reference rate is missing for a period' })
  forCustomer(@Param('id') id: string, @Query() q: PenaltyQuery): Promise<CustomerPenaltiesDto> {
    return this.penalties.forCustomer(id, q.asOf);
  }

  @Get('dunning/reference-rates')
  @Access({ roles: ['admin', 'credit_manager'], scopes: ['dunning:read'] })
  @ApiOperation({
    summary: "The tenant's reference rates for penalties (ECB main refinancing rate, French legal interest rate)",
    description: 'Seeded from the tables shipped with Encours; check the ECB and Banque de France sites and add later changes.',
  })
  @ApiOkResponse({ type: [ReferenceRateTableDto] })
  @ApiBadRequestResponse({ type: Problem })
  listRates(@Query() q: ReferenceRateQuery): Promise<ReferenceRateTableDto[]> {
    return this.rates.list(q.kind);
  }

  @Put('dunning/reference-rates')
  @Access({ roles: ['admin', 'credit_manager'] })
  @ApiOperation({
    summary: 'Replace the table of one kind of reference rate',
    description:
      'Dates must be unique (`fr_legal_pro`: 1 January or 1 July), rates between -1 and 100 percent with up to 4 decimals.',
  })
  @ApiOkResponse({ type: ReferenceRateTableDto })
  @ApiBadRequestResponse({ type: Problem, description: '`errors[].field` names the row, e.g. `rates[3].effectiveDate`' })
  replaceRates(@Body() dto: ReplaceReferenceRatesDto): Promise<ReferenceRateTableDto> {
    return this.rates.replace(dto);
  }
}
