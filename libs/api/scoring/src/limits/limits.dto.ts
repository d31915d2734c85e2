import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQuery } from '@encours/api-core';
import { CURRENCIES } from '@encours/domain';
import { LIMIT_SOURCES, LIMIT_STATUSES, type LimitSource, type LimitStatus } from './credit-limit.entity.js';

const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/** A non-negative decimal written with a dot: "50000", "50000.5", "50000.00". */
const AMOUNT_RE = /^\d{1,17}(\.\d{1,3})?$/;

export class CreateCreditLimitDto {
  @ApiProperty({ example: '50000.00', description: 'The limit (decimal string, >= 0; 0 = no credit)' })
  @IsString({ message: 'amount must be a decimal string such as "50000.00"' })
  @Matches(AMOUNT_RE, { message: 'amount must be a non-negative decimal amount such as 50000.00' })
  amount: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 currency' })
  @Transform(upper)
  @IsIn(CURRENCIES, { message: 'currency must be an ISO 4217 currency code such as EUR' })
  currency: string;

  @ApiProperty({
    enum: LIMIT_SOURCES,
    example: 'internal',
    description: 'internal (credit policy), insurer (credit insurance cover) or provider (a rating provider recommendation)',
  })
  @IsIn(LIMIT_SOURCES, { message: `source must be one of ${LIMIT_SOURCES.join(', ')}` })
  source: LimitSource;

  @ApiPropertyOptional({ example: '2026-03-01', description: 'First day it applies (default today)' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'validFrom must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'validFrom must be a valid calendar date' })
  validFrom?: string;

  @ApiPropertyOptional({ example: '2027-02-28', description: 'Last day it applies (none: open-ended)' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'validTo must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'validTo must be a valid calendar date' })
  validTo?: string;

  @ApiPropertyOptional({ example: '2026-12-01', description: 'When to look at it again (reminders before it)' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'reviewOn must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'reviewOn must be a valid calendar date' })
  reviewOn?: string;

  @ApiPropertyOptional({ example: 'Bilan 2025 solide, garantie Allianz Trade 40 k€' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string;
}

export class DecideCreditLimitDto {
  @ApiPropertyOptional({ example: 'Accord après revue du bilan' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string;
}

export class CreditLimitDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'C00042' }) customerRef: string;
  @ApiProperty({ example: 'Industrie Alpes SAS' }) customerName: string;
  @ApiProperty({ example: '50000.00' }) amount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({
    example: '30000.00',
    nullable: true,
    type: String,
    description: 'The customer\'s active limit now (null: none), to read a request as "from current to amount"',
  })
  currentAmount: string | null;
  @ApiProperty({ example: 'EUR', nullable: true, type: String }) currentCurrency: string | null;
  @ApiProperty({ enum: LIMIT_SOURCES, example: 'internal' }) source: LimitSource;
  @ApiProperty({ example: '2026-03-01' }) validFrom: string;
  @ApiProperty({ example: null, nullable: true, type: String }) validTo: string | null;
  @ApiProperty({ example: '2026-12-01', nullable: true, type: String }) reviewOn: string | null;
  @ApiProperty({
    enum: LIMIT_STATUSES,
    example: 'active',
    description: 'pending (waits for approval) → active → superseded by the next one; or rejected',
  })
  status: LimitStatus;
  @ApiProperty({ nullable: true, type: String }) comment: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'User who asked for it (null: an API key)' })
  requestedById: string | null;
  @ApiProperty({ example: 'Claire Martin', nullable: true, type: String }) requestedByName: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Credit manager who approved or rejected it' })
  decidedById: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) decisionComment: string | null;
  @ApiProperty({ example: '2026-03-01T09:30:00.000Z' }) createdAt: string;
}

export class CreditLimitRequestDto extends CreditLimitDto {
  @ApiProperty({
    enum: ['decrease', 'within_threshold', 'trusted_requester', 'needs_approval'],
    example: 'within_threshold',
    description:
      'Why it applied at once (a decrease, an increase within the threshold, a credit manager / admin / API feed) or waits (needs_approval)',
  })
  decision: string;
  @ApiProperty({ example: '10000.00', description: 'New amount − the current active amount (in this currency; 0 when none)' })
  increase: string;
  @ApiProperty({
    example: '20000.00',
    nullable: true,
    type: String,
    description: "The tenant's approval threshold in this currency; null when none is set or it could not be converted",
  })
  threshold: string | null;
}

export class CreditLimitQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LIMIT_STATUSES, example: 'pending' })
  @IsOptional()
  @IsIn(LIMIT_STATUSES)
  status?: LimitStatus;

  @ApiPropertyOptional({ enum: LIMIT_SOURCES })
  @IsOptional()
  @IsIn(LIMIT_SOURCES)
  source?: LimitSource;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

export class LimitExposureDto {
  @ApiProperty({ example: 'EUR', description: "The limit's currency (else the customer's)" }) currency: string;
  @ApiProperty({ example: '32000.00', description: 'Open invoices less open credit notes' }) receivables: string;
  @ApiProperty({ example: '8000.00', description: 'Open orders not invoiced yet' }) orders: string;
  @ApiProperty({ example: '40000.00' }) total: string;
  @ApiProperty({ example: '5000.00' }) overdue: string;
  @ApiProperty({ example: 12 }) maxDaysLate: number;
  @ApiProperty({ type: [String], example: [], description: 'Currencies left out for want of an exchange rate' })
  missingRates: string[];
}

export class CurrentCreditLimitDto {
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ type: CreditLimitDto, nullable: true, description: 'The active limit (null: none)' })
  limit: CreditLimitDto | null;
  @ApiProperty({ description: 'The active limit applies today (between validFrom and validTo)' }) valid: boolean;
  @ApiProperty({ type: LimitExposureDto }) exposure: LimitExposureDto;
  @ApiProperty({ example: '10000.00', nullable: true, type: String, description: 'limit − exposure (negative: over the limit)' })
  available: string | null;
  @ApiProperty({ example: '80.00', nullable: true, type: String, description: 'exposure / limit in percent, 2 decimals' })
  usagePercent: string | null;
  @ApiProperty({ example: 80, description: 'Highest alert level at or under the usage (0: under every level)' }) level: number;
  @ApiProperty({ type: [Number], example: [50, 80, 100] }) alertLevels: number[];
  @ApiProperty({ example: 0, description: 'Requests waiting for approval' }) pendingRequests: number;
}

export class CreditLimitUsageDto {
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'C00042' }) customerRef: string;
  @ApiProperty({ example: 'Industrie Alpes SAS' }) customerName: string;
  @ApiProperty({ format: 'uuid' }) limitId: string;
  @ApiProperty({ example: '50000.00' }) limit: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '46000.00' }) exposure: string;
  @ApiProperty({ example: '4000.00' }) available: string;
  @ApiProperty({ example: '92.00' }) usagePercent: string;
  @ApiProperty({ example: 80 }) level: number;
  @ApiProperty({ example: null, nullable: true, type: String }) validTo: string | null;
  @ApiProperty({ example: '2026-12-01', nullable: true, type: String }) reviewOn: string | null;
  @ApiProperty({ example: '2026-03-01T09:30:00.000Z', description: 'When the usage last changed' }) evaluatedAt: string;
}

export class CreditLimitUsageQuery extends PageQuery {
  @ApiPropertyOptional({ example: 80, default: 0, description: 'Usage in percent at least' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({}, { message: 'minUsage must be a number' })
  @Min(0)
  minUsage?: number;

  @ApiPropertyOptional({ example: 100, description: 'Stored alert level at least' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000)
  minLevel?: number;
}
