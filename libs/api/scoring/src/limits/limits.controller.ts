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
  CreateCreditLimitDto,
  CreditLimitDto,
  CreditLimitQuery,
  CreditLimitRequestDto,
  CreditLimitUsageDto,
  CreditLimitUsageQuery,
  CurrentCreditLimitDto,
  DecideCreditLimitDto,
} from './limits.dto.js';
import { CreditLimitsService } from './limits.service.js';

/** Who may ask for a limit (sales: their own customers). */
const LIMIT_REQUESTERS: Role[] = ['admin', 'credit_manager', 'collector', 'sales'];
/** Who approves or rejects a pending request. */
const LIMIT_DECIDERS: Role[] = ['admin', 'credit_manager'];
const LIMIT_READERS: Role[] = ['admin', 'credit_manager', 'collector', 'sales', 'viewer'];

@ApiTags('scoring')
@Controller('v1')
export class CreditLimitsController {
  constructor(private readonly limits: CreditLimitsService) {}

  @Post('customers/:id/credit-limits')
  @Access({ roles: LIMIT_REQUESTERS, scopes: ['scoring:write'] })
  @ApiOperation({
    summary: 'Set or request a credit limit',
    description:
      "increase = amount − the current active limit (converted to this currency at the latest exchange rate; 0 when there is none). The limit applies at once (status active, the previous one superseded) when it is a decrease, when the increase is at most the tenant's approvalThreshold (scoring settings, in the tenant currency, converted to this currency at the latest rate), or when a credit manager, an admin or an API key (an insurer or provider feed, scope scoring:write) sets it. Otherwise it is `pending` and a `limit_approval` risk alert asks a credit manager to approve or reject it. With no threshold set, or no rate to convert it, every increase asked by a collector or a salesperson waits. Usage alerts are re-evaluated at once. Sales: their own customers only.",
  })
  @ApiCreatedResponse({ type: CreditLimitRequestDto })
  @ApiBadRequestResponse({
    type: Problem,
    description: 'A field is invalid (amount, currency, source, dates); `errors[].field` names it',
  })
  @ApiNotFoundResponse({ type: Problem })
  create(@Param('id') id: string, @Body() dto: CreateCreditLimitDto): Promise<CreditLimitRequestDto> {
    return this.limits.create(id, dto);
  }

  @Post('credit-limits/:id/approve')
  @HttpCode(200)
  @Access({ roles: LIMIT_DECIDERS })
  @ApiOperation({
    summary: 'Approve a pending credit limit',
    description: 'It becomes the active limit (the previous one is superseded) and usage alerts are re-evaluated.',
  })
  @ApiOkResponse({ type: CreditLimitDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: 'Not pending (already decided), or its validity already ended' })
  approve(@Param('id') id: string, @Body() dto: DecideCreditLimitDto): Promise<CreditLimitDto> {
    return this.limits.approve(id, dto);
  }

  @Post('credit-limits/:id/reject')
  @HttpCode(200)
  @Access({ roles: LIMIT_DECIDERS })
  @ApiOperation({ summary: 'Reject a pending credit limit', description: 'The active limit stays as it is.' })
  @ApiOkResponse({ type: CreditLimitDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: 'Not pending (already decided)' })
  reject(@Param('id') id: string, @Body() dto: DecideCreditLimitDto): Promise<CreditLimitDto> {
    return this.limits.reject(id, dto);
  }

  @Get('credit-limits/usage')
  @Access({ roles: LIMIT_READERS, scopes: ['scoring:read'] })
  @ApiOperation({
    summary: 'Customers by usage of their credit limit, highest first',
    description:
      'From the last usage evaluation (after each limit change and open-orders import, and every 10 minutes): `minUsage=80` lists the customers near or over their limit. Sales: their own customers only.',
  })
  @ApiPageResponse(CreditLimitUsageDto)
  @ApiBadRequestResponse({ type: Problem })
  usage(@Query() q: CreditLimitUsageQuery): Promise<Page<CreditLimitUsageDto>> {
    return this.limits.usageList(q);
  }

  @Get('credit-limits')
  @Access({ roles: LIMIT_READERS, scopes: ['scoring:read'] })
  @ApiOperation({
    summary: 'Credit limits of every customer, latest first',
    description: '`status=pending` is the approval queue; `source`, `customerId` filter; `q` searches the customer.',
  })
  @ApiPageResponse(CreditLimitDto)
  @ApiBadRequestResponse({ type: Problem })
  list(@Query() q: CreditLimitQuery): Promise<Page<CreditLimitDto>> {
    return this.limits.list(q);
  }

  @Get('customers/:id/credit-limits')
  @Access({ roles: LIMIT_READERS, scopes: ['scoring:read'] })
  @ApiOperation({ summary: "A customer's credit limits (history), latest first" })
  @ApiPageResponse(CreditLimitDto)
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  history(@Param('id') id: string, @Query() q: CreditLimitQuery): Promise<Page<CreditLimitDto>> {
    return this.limits.history(id, q);
  }

  @Get('customers/:id/credit-limit')
  @Access({ roles: LIMIT_READERS, scopes: ['scoring:read'] })
  @ApiOperation({
    summary: "A customer's current credit limit, exposure and what is left",
    description:
      'Exposure = open receivables (invoices less credit notes) + open orders not yet invoiced, in the limit currency (converted at the latest exchange rates; currencies without a rate are listed in missingRates). available = limit − exposure; usagePercent and level are computed now. A limit outside its validity dates is returned with valid=false and no usage.',
  })
  @ApiOkResponse({ type: CurrentCreditLimitDto })
  @ApiNotFoundResponse({ type: Problem })
  current(@Param('id') id: string): Promise<CurrentCreditLimitDto> {
    return this.limits.current(id);
  }
}
