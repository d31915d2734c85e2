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
import { Access, ApiPageResponse, Problem, type Page } from '@encours/api-core';
import { COMMITMENT_READERS, COMMITMENT_WRITERS } from '../promises/promise.controller.js';
import { CancelCommitmentDto } from '../promises/promise.dto.js';
import { CreatePaymentPlanDto, PaymentPlanDto, PaymentPlanQuery } from './payment-plan.dto.js';
import { PaymentPlanService } from './payment-plan.service.js';

@ApiTags('dunning')
@Controller('v1')
export class PaymentPlanController {
  constructor(private readonly plans: PaymentPlanService) {}

  @Post('customers/:id/payment-plans')
  @Access({ roles: COMMITMENT_WRITERS, scopes: ['dunning:write'] })
  @ApiOperation({
    summary: 'Agree a payment plan (échéancier)',
    description:
      "For open invoices of the customer, all in one currency and in no other active plan (409). Total = open amount of the invoices + `penaltiesAmount` when `includePenalties`. Give the instalments (dates strictly increasing, the first not in the past, adding up exactly to the total: a 400 on `instalments` names the difference) or a `schedule` ({count, firstDueDate, frequency weekly|monthly}) that splits the total into equal instalments, the rounding remainder on the last one. While the plan is active the customer's dunning is paused. The allocations to its invoices from the day it is agreed pay the instalments in order; an instalment not covered by its due date + the grace days (dunning settings, default 3) breaches the plan, which resumes dunning and gives the collector a task. Sales: their own customers only.",
  })
  @ApiCreatedResponse({ type: PaymentPlanDto })
  @ApiBadRequestResponse({
    type: Problem,
    description: 'A field is invalid; `errors[].field` names it (`invoiceIds[1]`, `instalments`, `instalments[2].dueDate`...)',
  })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: 'An invoice is already in an active plan' })
  create(@Param('id') id: string, @Body() dto: CreatePaymentPlanDto): Promise<PaymentPlanDto> {
    return this.plans.create(id, dto);
  }

  @Get('customers/:id/payment-plans')
  @Access({ roles: COMMITMENT_READERS, scopes: ['dunning:read'] })
  @ApiOperation({ summary: "A customer's payment plans with their instalments, latest first" })
  @ApiPageResponse(PaymentPlanDto)
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  listForCustomer(@Param('id') id: string, @Query() q: PaymentPlanQuery): Promise<Page<PaymentPlanDto>> {
    return this.plans.listForCustomer(id, q);
  }

  @Get('payment-plans/:id')
  @Access({ roles: COMMITMENT_READERS, scopes: ['dunning:read'] })
  @ApiOperation({
    summary: 'A payment plan with its instalments and their paid amounts',
    description:
      'Paid amounts and statuses are those of the last evaluation (the daily dunning run, or POST /dunning/commitments/evaluate).',
  })
  @ApiOkResponse({ type: PaymentPlanDto })
  @ApiNotFoundResponse({ type: Problem })
  get(@Param('id') id: string): Promise<PaymentPlanDto> {
    return this.plans.get(id);
  }

  @Get('dunning/payment-plans')
  @Access({ roles: COMMITMENT_READERS, scopes: ['dunning:read'] })
  @ApiOperation({
    summary: 'Payment plans of every customer',
    description:
      '`status` filters (active, breached, completed, cancelled); `q` searches the customer name; `sort` by agreedOn (default, latest first), totalAmount, createdAt or status. Sales see their own customers only.',
  })
  @ApiPageResponse(PaymentPlanDto)
  @ApiBadRequestResponse({ type: Problem })
  list(@Query() q: PaymentPlanQuery): Promise<Page<PaymentPlanDto>> {
    return this.plans.list(q);
  }

  @Post('payment-plans/:id/cancel')
  @HttpCode(200)
  @Access({ roles: COMMITMENT_WRITERS, scopes: ['dunning:write'] })
  @ApiOperation({
    summary: 'Cancel an active payment plan',
    description: "Its invoices may then go into a new plan; dunning resumes. Logged on the customer's timeline.",
  })
  @ApiOkResponse({ type: PaymentPlanDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: 'The plan is no longer active' })
  cancel(@Param('id') id: string, @Body() dto: CancelCommitmentDto): Promise<PaymentPlanDto> {
    return this.plans.cancel(id, dto);
  }
}
