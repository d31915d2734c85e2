import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  Access,
  ApiPageResponse,
  ConflictError,
  PageQuery,
  Problem,
  RequestContext,
  type Page,
  type Role,
} from '@encours/api-core';
import {
  InvoicePredictionDto,
  OpenInvoicePredictionDto,
  PredictionModelDto,
  PredictionQuery,
  TrainResultDto,
} from './prediction.dto.js';
import { PredictionJobs } from './prediction.jobs.js';
import { PredictionReadService } from './prediction-read.service.js';

/** Who reads predictions (sales: their own customers only). */
export const PREDICTION_READERS: Role[] = ['admin', 'credit_manager', 'collector', 'viewer', 'sales'];

@ApiTags('scoring')
@Controller('v1')
export class PredictionController {
  constructor(
    private readonly reads: PredictionReadService,
    private readonly jobs: PredictionJobs,
  ) {}

  @Get('invoices/:id/prediction')
  @Access({ roles: PREDICTION_READERS, scopes: ['scoring:read'] })
  @ApiOperation({
    summary: "An open invoice's predicted payment date",
    description:
      "Predicted payment date, days after the due date (negative: early) and probability of being paid late, learnt from the tenant's settled invoices (the customer's own, else its segment's, else the tenant's; the due date with no history at all). Computed nightly with a new model and every 15 minutes for new invoices and customers with new payments. 404 when the invoice is not open or not predicted yet. Sales: their own customers only.",
  })
  @ApiOkResponse({ type: InvoicePredictionDto })
  @ApiNotFoundResponse({ type: Problem })
  forInvoice(@Param('id') id: string): Promise<InvoicePredictionDto> {
    return this.reads.forInvoice(id);
  }

  @Get('customers/:id/predictions')
  @Access({ roles: PREDICTION_READERS, scopes: ['scoring:read'] })
  @ApiOperation({
    summary: "A customer's open invoices with their predicted payment dates",
    description:
      'Every open invoice of the customer (number, due date, open amount) with its predicted date, days late and late probability, by predicted date (invoices not predicted yet last, with null predictions). Sales: their own customers only.',
  })
  @ApiPageResponse(OpenInvoicePredictionDto)
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  forCustomer(@Param('id') id: string, @Query() q: PageQuery): Promise<Page<OpenInvoicePredictionDto>> {
    return this.reads.forCustomer(id, q);
  }

  @Get('predictions')
  @Access({ roles: PREDICTION_READERS, scopes: ['scoring:read'] })
  @ApiOperation({
    summary: 'Open invoices by predicted payment date (cash planning)',
    description:
      '`from`/`to` bound the predicted date, `lateProbabilityMin` keeps the invoices at least that likely to be paid late; `customerId`, `currency` narrow further. Ordered by predicted date. Amounts are in each invoice’s currency. Sales: their own customers only.',
  })
  @ApiPageResponse(InvoicePredictionDto)
  @ApiBadRequestResponse({ type: Problem, description: 'A parameter is invalid; `errors[].field` names it' })
  list(@Query() q: PredictionQuery): Promise<Page<InvoicePredictionDto>> {
    return this.reads.list(q);
  }

  @Get('scoring/prediction-model')
  @Access({ roles: PREDICTION_READERS, scopes: ['scoring:read'] })
  @ApiOperation({
    summary: 'The latest payment-date model and how good it is',
    description:
      'When it was trained, on how many settled invoices, and its measure on a time-based hold-out (the latest ~20 % of settlements): mean absolute error of the date in days next to three baselines (due date, customer mean, customer median) and late/on-time accuracy next to the customer-majority baseline. 404 before the first training.',
  })
  @ApiOkResponse({ type: PredictionModelDto })
  @ApiNotFoundResponse({ type: Problem })
  model(): Promise<PredictionModelDto> {
    return this.reads.latestModel();
  }

  @Post('scoring/prediction-model/train')
  @HttpCode(200)
  @Access({ roles: ['admin', 'credit_manager'] })
  @ApiOperation({
    summary: 'Train the payment-date model now and predict every open invoice',
    description:
      'What the nightly job does, now: learns from the settled invoices, measures, stores the model, predicts every open invoice and removes the predictions of invoices no longer open, in one transaction. 409 while a training or a refresh of the tenant is running.',
  })
  @ApiOkResponse({ type: TrainResultDto })
  @ApiConflictResponse({ type: Problem, description: 'A training or refresh is already running' })
  async train(): Promise<TrainResultDto> {
    const outcome = await this.jobs.trainNow(RequestContext.tenantId(), 'manual');
    if (outcome.status === 'skipped')
      throw new ConflictError('prediction_running', 'A training or refresh of the predictions is already running');
    if (outcome.status !== 'succeeded' || !outcome.result) throw new Error(outcome.error ?? 'The training failed');
    return {
      model: await this.reads.latestModel(),
      predicted: outcome.result.predictions.predicted,
      written: outcome.result.predictions.written,
      deleted: outcome.result.predictions.deleted,
    };
  }
}
