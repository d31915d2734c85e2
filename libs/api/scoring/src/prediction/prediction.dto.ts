import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsISO8601, IsNumber, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { PageQuery } from '@encours/api-core';
import { CURRENCIES } from '@encours/domain';
import { PREDICTION_BASES } from './prediction.entities.js';

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
type Basis = (typeof PREDICTION_BASES)[number];

const BASIS_DESCRIPTION =
  "What the prediction rests on: `customer` (its own settled invoices), `segment` (its segment's or country's, a customer without history), `global` (the whole tenant's), `due_date` (no settled invoice at all: the due date)";

export class InvoicePredictionDto {
  @ApiProperty({ format: 'uuid' }) invoiceId: string;
  @ApiProperty({ example: 'F2026-00042' }) number: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'Dupont Matériaux SAS' }) customerName: string;
  @ApiProperty({ example: '2026-10-15' }) issueDate: string;
  @ApiProperty({ example: '2026-11-14' }) dueDate: string;
  @ApiProperty({ example: '1200.00', description: 'What remains to be paid, invoice currency' }) openAmount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '2026-12-04', description: 'Predicted payment date (never before the day it was computed)' })
  predictedDate: string;
  @ApiProperty({ example: 20, description: 'Predicted days after the due date; negative: predicted early' })
  predictedDaysLate: number;
  @ApiProperty({
    example: 0.8731,
    description: 'Probability of being paid after the due date, 0-1 (1 once the invoice is past due and unpaid)',
  })
  lateProbability: number;
  @ApiProperty({ enum: PREDICTION_BASES, example: 'customer', description: BASIS_DESCRIPTION }) basis: Basis;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The model that set these values (a later run that finds the same values leaves them as they are)',
  })
  modelId: string | null;
  @ApiProperty({ example: '2026-11-20T01:30:00.000Z', description: 'When these values were set' }) computedAt: string;
}

/** An open invoice of a customer with its prediction (null fields: not predicted yet, within 15 minutes). */
export class OpenInvoicePredictionDto {
  @ApiProperty({ format: 'uuid' }) invoiceId: string;
  @ApiProperty({ example: 'F2026-00042' }) number: string;
  @ApiProperty({ example: '2026-10-15' }) issueDate: string;
  @ApiProperty({ example: '2026-11-14' }) dueDate: string;
  @ApiProperty({ example: '1200.00' }) openAmount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '2026-12-04', nullable: true, type: String }) predictedDate: string | null;
  @ApiProperty({ example: 20, nullable: true, type: Number, description: 'Negative: predicted early' })
  predictedDaysLate: number | null;
  @ApiProperty({ example: 0.8731, nullable: true, type: Number }) lateProbability: number | null;
  @ApiProperty({ enum: PREDICTION_BASES, nullable: true, example: 'customer', description: BASIS_DESCRIPTION })
  basis: Basis | null;
  @ApiProperty({ example: '2026-11-20T01:30:00.000Z', nullable: true, type: String }) computedAt: string | null;
}

export class PredictionQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-12-01', description: 'Predicted payment date on or after' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'from must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'from must be a valid calendar date' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Predicted payment date on or before' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'to must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'to must be a valid calendar date' })
  to?: string;

  @ApiPropertyOptional({ example: 0.5, minimum: 0, maximum: 1, description: 'Only invoices at least this likely to be late' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'lateProbabilityMin must be a number from 0 to 1' })
  @Min(0, { message: 'lateProbabilityMin must be a number from 0 to 1' })
  @Max(1, { message: 'lateProbabilityMin must be a number from 0 to 1' })
  lateProbabilityMin?: number;

  @ApiPropertyOptional({ format: 'uuid', description: "One customer's invoices" })
  @IsOptional()
  @IsUUID('all', { message: 'customerId must be a customer id (uuid)' })
  customerId?: string;

  @ApiPropertyOptional({ example: 'EUR', description: 'Invoices in this currency only' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsIn(CURRENCIES, { message: 'currency must be an ISO 4217 currency code' })
  currency?: string;
}

export class MaeDaysDto {
  @ApiProperty({ example: 3.96, description: 'The model' }) model: number;
  @ApiProperty({ example: 11.11, description: 'Baseline: paid on the due date' }) dueDate: number;
  @ApiProperty({ example: 6.71, description: "Baseline: the customer's mean days-to-pay" }) customerMean: number;
  @ApiProperty({ example: 6.47, description: "Baseline: the customer's median days-to-pay" }) customerMedian: number;
}

export class LateAccuracyDto {
  @ApiProperty({ example: 0.884, description: 'The model (late when its probability ≥ 0.5)' }) model: number;
  @ApiProperty({ example: 0.797, description: 'Baseline: late when most of the customer’s invoices were' })
  customerMajority: number;
}

export class PredictionMetricsDto {
  @ApiProperty({
    example: '2026-09-14',
    nullable: true,
    type: String,
    description:
      'Hold-out cut-off (an issue date): learn from the invoices settled before it, test on those issued on or after it (the latest ≈ 20 %)',
  })
  cutoff: string | null;
  @ApiProperty({ example: 1846, description: 'Settled invoices learnt from for the measure' }) trainCount: number;
  @ApiProperty({ example: 536, description: 'Invoices the measure was taken on' }) testCount: number;
  @ApiProperty({
    type: MaeDaysDto,
    nullable: true,
    description: 'Mean absolute error of the predicted date, days (null: too little history to measure)',
  })
  maeDays: MaeDaysDto | null;
  @ApiProperty({ type: LateAccuracyDto, nullable: true, description: 'Share of invoices correctly called late / on time' })
  lateAccuracy: LateAccuracyDto | null;
  @ApiProperty({ example: 0.42, nullable: true, type: Number, description: 'Share of the settled invoices paid late' })
  lateShare: number | null;
}

export class PredictionModelSummaryDto {
  @ApiProperty({ example: 8, description: "Recency: an invoice's weight halves every N invoices back" })
  halfLifeInvoices: number;
  @ApiProperty({ example: 0.5, description: 'Pseudo-invoices at the segment level added to each customer' })
  customerShrinkage: number;
  @ApiProperty({ example: 5, description: 'Pseudo-invoices at the global level added to each segment' })
  segmentShrinkage: number;
  @ApiProperty({ example: 6.2, description: 'Extra days to pay a disputed invoice (same customer)' }) disputedDays: number;
  @ApiProperty({ example: 0.4, description: 'Extra days per doubling of the amount is this × ln 2' }) logAmountDays: number;
  @ApiProperty({ example: 38.5, description: 'Tenant-wide level: days to pay, before invoice effects' }) globalLevelDays: number;
  @ApiProperty({ example: 4.8, description: 'Spread of the days-to-pay around each customer level' }) residualSdDays: number;
  @ApiProperty({ example: 12, description: 'Segments with a level of their own' }) segments: number;
  @ApiProperty({ example: 830, description: 'Customers with a level of their own' }) customers: number;
}

export class PredictionModelDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '2026-11-20T01:30:00.000Z' }) trainedAt: string;
  @ApiProperty({ example: 2466, description: 'Settled invoices learnt from' }) trainingCount: number;
  @ApiProperty({ type: PredictionMetricsDto }) metrics: PredictionMetricsDto;
  @ApiProperty({ type: PredictionModelSummaryDto }) model: PredictionModelSummaryDto;
  @ApiProperty({ example: 15230, description: 'Open invoices with a prediction now' }) predictedInvoices: number;
}

export class TrainResultDto {
  @ApiProperty({ type: PredictionModelDto }) model: PredictionModelDto;
  @ApiProperty({ example: 15230, description: 'Open invoices predicted' }) predicted: number;
  @ApiProperty({ example: 4210, description: 'Predictions new or changed (the others were left as they were)' })
  written: number;
  @ApiProperty({ example: 12, description: 'Predictions removed: their invoice is no longer open' }) deleted: number;
}
