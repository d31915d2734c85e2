import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { PageQuery } from '@encours/api-core';
import { CURRENCIES } from '@encours/domain';
import { PROMISE_CHANNELS, PROMISE_STATUSES, type PromiseChannel, type PromiseStatus } from './promise.entity.js';

export const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
/** A positive decimal written with a dot: "1500", "1500.5", "1500.00". */
export const DECIMAL_RE = /^\d{1,17}(\.\d{1,20})?$/;
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export class CreatePromiseDto {
  @ApiProperty({
    example: '1500.00',
    description: 'Amount promised (decimal string, > 0); with invoices, at most their open total',
  })
  @IsString()
  @Matches(DECIMAL_RE, { message: 'amount must be a positive decimal amount such as 1500.00' })
  amount: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 currency; the invoices named must be in it' })
  @Transform(upper)
  @IsIn(CURRENCIES, { message: 'currency must be an ISO 4217 currency code' })
  currency: string;

  @ApiProperty({ example: '2026-12-15', description: 'Day the customer promised to pay by: from today to one year ahead' })
  @Matches(DATE_RE, { message: 'promisedDate must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'promisedDate must be a valid calendar date' })
  promisedDate: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    example: ['3f1c2b9e-6a55-4d0e-9a43-1c0f6a3e2d11'],
    description: "Open invoices of the customer the promise covers (same currency); none: the customer's account",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ArrayUnique({ message: 'invoiceIds must not name an invoice twice' })
  @IsUUID('all', { each: true, message: 'each of invoiceIds must be an invoice id (uuid)' })
  invoiceIds?: string[];

  @ApiPropertyOptional({ format: 'uuid', description: 'The contact who made the promise' })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @ApiProperty({ enum: PROMISE_CHANNELS, example: 'phone', description: 'How the promise was made' })
  @IsIn(PROMISE_CHANNELS)
  channel: PromiseChannel;

  @ApiPropertyOptional({ example: 'Virement annoncé par le comptable, M. Durand' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  note?: string;
}

export class CancelCommitmentDto {
  @ApiPropertyOptional({ example: 'Saisie en double', description: 'Why it is cancelled (shown on the timeline)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class PromiseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'Dupont Matériaux SAS' }) customerName: string;
  @ApiProperty({ example: '1500.00' }) amount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '2026-12-15' }) promisedDate: string;
  @ApiProperty({ example: '2026-12-01', description: 'Day the promise was made: payments from this day count' })
  promisedOn: string;
  @ApiProperty({ type: [String], format: 'uuid', description: "Empty: the customer's account" }) invoiceIds: string[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) contactId: string | null;
  @ApiProperty({ enum: PROMISE_CHANNELS, example: 'phone' }) channel: PromiseChannel;
  @ApiProperty({ enum: PROMISE_STATUSES, example: 'pending' }) status: PromiseStatus;
  @ApiProperty({ example: '500.00', description: 'Money counted towards the promise at the last evaluation' }) paidAmount: string;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'Day it was kept, broken or cancelled' })
  decidedOn: string | null;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'User who recorded it (null: an API key)' })
  createdById: string | null;
  @ApiProperty({ example: '2026-12-01T10:00:00.000Z' }) createdAt: string;
}

export class PromiseQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PROMISE_STATUSES, example: 'pending' })
  @IsOptional()
  @IsIn(PROMISE_STATUSES)
  status?: PromiseStatus;

  @ApiPropertyOptional({ example: '2026-12-01', description: 'Promised date on or after' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'from must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'from must be a valid calendar date' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Promised date on or before' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'to must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'to must be a valid calendar date' })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

export class PromiseStatsQuery {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'Promises made on or after (default: 89 days before `to`)' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'from must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'from must be a valid calendar date' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-03-31', description: 'Promises made on or before (default: today)' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'to must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'to must be a valid calendar date' })
  to?: string;
}

export class PromiseAmountsDto {
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '25000.00', description: 'Sum of the amounts promised' }) amountPromised: string;
  @ApiProperty({ example: '18000.00', description: 'Sum of the amounts of the promises kept' }) amountKept: string;
}

export class PromiseCountsDto {
  @ApiProperty({ example: 12, description: 'Promises made in the period (all statuses)' }) made: number;
  @ApiProperty({ example: 7 }) kept: number;
  @ApiProperty({ example: 2 }) broken: number;
  @ApiProperty({ example: 2 }) pending: number;
  @ApiProperty({ example: 1 }) cancelled: number;
  @ApiProperty({
    example: 0.7778,
    nullable: true,
    type: Number,
    description: 'kept / (kept + broken), 4 decimals; null when none was decided',
  })
  keptRate: number | null;
  @ApiProperty({ type: [PromiseAmountsDto] }) amounts: PromiseAmountsDto[];
}

export class CollectorPromiseStatsDto extends PromiseCountsDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'User who recorded the promises (null: API keys)' })
  userId: string | null;
  @ApiProperty({ example: 'Claire Martin', nullable: true, type: String }) name: string | null;
}

export class PromiseStatsDto extends PromiseCountsDto {
  @ApiProperty({ example: '2026-01-01' }) from: string;
  @ApiProperty({ example: '2026-03-31' }) to: string;
  @ApiProperty({ type: [CollectorPromiseStatsDto], description: 'The same figures by user who recorded the promises' })
  byCollector: CollectorPromiseStatsDto[];
}
