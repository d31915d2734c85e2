import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsDefined,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { PageQuery } from '@encours/api-core';
import { CREDIT_CHECK_REASON_CODES, CURRENCIES } from '@encours/domain';
import { DECISIONS, type Decision } from './credit-check.entity.js';

const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
const list = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export class CreateCreditCheckDto {
  @ApiPropertyOptional({
    format: 'uuid',
    example: '3f1c2b9e-6a55-4d0e-9a43-1c0f6a3e2d11',
    description: 'The customer, by its Encours id; give this or `customerRef`, not both',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  customerId?: string;

  @ApiPropertyOptional({
    example: 'C000042',
    description: "The customer, by the ERP's reference (`externalRef`); give this or `customerId`, not both",
  })
  @IsOptional()
  @IsString()
  @Transform(trim)
  @MaxLength(100)
  customerRef?: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'number' }],
    example: '12500.00',
    description: "Amount of the order, greater than 0, with at most the currency's decimals (decimal string, or a JSON number)",
  })
  @IsDefined({ message: 'amount is required' })
  amount: string | number;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 currency of the order' })
  @Transform(upper)
  @IsIn(CURRENCIES, { message: 'currency must be an ISO 4217 currency code' })
  currency: string;

  @ApiPropertyOptional({ example: 'SO-2026-001234', description: "The ERP's order reference (logged and sent back)" })
  @IsOptional()
  @IsString()
  @Transform(trim)
  @MaxLength(100)
  orderRef?: string;
}

/**
 * The figures that made a rule fire; which fields are present depends on the reason's code. Amounts are exact
 * decimal strings in `currency` (the check's limit currency).
 */
export class CreditCheckReasonDataDto {
  @ApiPropertyOptional({
    example: 'EUR',
    description: 'over_limit, overdue_amount: currency of the amounts (the limit currency of the check)',
  })
  currency?: string;
  @ApiPropertyOptional({ example: '61500.00', description: 'over_limit: exposure + order, in `currency`' })
  exposureAfter?: string;
  @ApiPropertyOptional({ example: '50000.00', description: 'over_limit: the valid credit limit, in `currency`' })
  limit?: string;
  @ApiPropertyOptional({ example: '11500.00', description: 'over_limit: exposureAfter − limit, in `currency`' })
  excess?: string;
  @ApiPropertyOptional({ example: 75, type: Number, description: 'overdue_days: days past due of the oldest overdue invoice' })
  days?: number;
  @ApiPropertyOptional({
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    example: 60,
    description:
      "overdue_days: the tenant's number of days (integer); overdue_amount: the tenant's overdue amount, a decimal string in `currency`",
  })
  threshold?: number | string;
  @ApiPropertyOptional({ example: '1200.50', description: 'overdue_amount: total of the overdue invoices, in `currency`' })
  overdue?: string;
  @ApiPropertyOptional({ example: 'altares', description: 'legal_event: the provider that reported the proceeding' })
  provider?: string;
  @ApiPropertyOptional({
    example: 'receivership',
    description: 'legal_event: the collective proceeding: safeguard, receivership or liquidation',
  })
  event?: string;
  @ApiPropertyOptional({
    example: '2026-03-02',
    nullable: true,
    type: String,
    description: 'legal_event: date of the proceeding (YYYY-MM-DD), null when the provider gave none',
  })
  since?: string | null;
  @ApiPropertyOptional({ example: 'E', description: 'grade_e, grade_d: the risk grade' })
  grade?: string;
}

export class CreditCheckReasonDto {
  @ApiProperty({ enum: CREDIT_CHECK_REASON_CODES, example: 'over_limit' }) code: string;
  @ApiProperty({ enum: ['review', 'block'], example: 'block', description: 'What this rule asks for (tenant settings)' })
  outcome: 'review' | 'block';
  @ApiProperty({
    example: 'The order would take exposure to 61500.00 EUR, above the credit limit of 50000.00 EUR by 11500.00 EUR',
    description: 'The reason in English, for logs; word it for users from `data`',
  })
  message: string;
  @ApiPropertyOptional({
    type: CreditCheckReasonDataDto,
    example: { currency: 'EUR', exposureAfter: '61500.00', limit: '50000.00', excess: '11500.00' },
    description:
      'The figures that made the rule fire. over_limit: currency, exposureAfter, limit, excess; overdue_days: days, ' +
      'threshold; overdue_amount: currency, overdue, threshold; legal_event: provider, event, since; grade_e, grade_d: ' +
      'grade; no_limit, account_blocked: {}. Absent on checks logged before the figures were kept',
  })
  data?: CreditCheckReasonDataDto;
}

export class CreditCheckCustomerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'C000042' }) externalRef: string;
  @ApiProperty({ example: 'Dupont Matériaux SAS' }) name: string;
}

/** A logged credit check (GET), with its release. */
export class CreditCheckDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: DECISIONS, example: 'block' }) decision: Decision;
  @ApiProperty({ type: [CreditCheckReasonDto], description: 'The rules that fired; empty when accepted' })
  reasons: CreditCheckReasonDto[];
  @ApiProperty({ type: CreditCheckCustomerDto }) customer: CreditCheckCustomerDto;
  @ApiProperty({ example: 'SO-2026-001234', nullable: true, type: String }) orderRef: string | null;
  @ApiProperty({ example: '12500.00', description: 'The order, in its own currency' }) amount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '49000.00', description: 'Exposure before the order (limit currency)' }) exposure: string;
  @ApiProperty({ example: '50000.00', nullable: true, type: String, description: 'The valid credit limit; null: none' })
  limit: string | null;
  @ApiProperty({
    example: '1000.00',
    nullable: true,
    type: String,
    description: 'limit − exposure before the order (may be negative); null without a limit',
  })
  available: string | null;
  @ApiProperty({
    example: 'EUR',
    description:
      "Currency of orderAmount, exposure, exposureAfter, limit, available and availableAfter: the limit's, else the customer's",
  })
  limitCurrency: string;
  @ApiProperty({
    example: '12500.00',
    nullable: true,
    type: String,
    description: 'The order converted to the limit currency; null on checks logged before it was kept',
  })
  orderAmount: string | null;
  @ApiProperty({
    example: '61500.00',
    nullable: true,
    type: String,
    description: 'exposure + orderAmount; null on checks logged before it was kept',
  })
  exposureAfter: string | null;
  @ApiProperty({
    example: '-11500.00',
    nullable: true,
    type: String,
    description: 'limit − exposureAfter (negative: over the limit); null without a limit, or on checks logged before it was kept',
  })
  availableAfter: string | null;
  @ApiProperty({ example: 'C', nullable: true, type: String, description: 'Risk grade A..E when the check was made' })
  grade: string | null;
  @ApiProperty({
    example: 58,
    nullable: true,
    type: Number,
    description: 'Risk score 0-100 when the check was made; null when not scored yet, or on checks logged before it was kept',
  })
  score: number | null;
  @ApiProperty({ enum: ['user', 'api_key'], example: 'api_key' }) requestedByKind: 'user' | 'api_key';
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The user or API key that asked' })
  requestedById: string | null;
  @ApiProperty({ example: '2026-11-25T09:30:00.000Z' }) checkedAt: string;
  @ApiProperty({ example: false, description: 'A credit manager let the order through' }) released: boolean;
  @ApiProperty({ example: null, nullable: true, type: String }) releasedAt: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The user who released it' })
  releasedById: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) releaseComment: string | null;
}

/**
 * The answer to a credit check (POST): the check as logged, its figures always there (orderAmount and exposureAfter
 * are never null on a new check).
 */
export class CreditCheckResultDto extends CreditCheckDto {
  // `nullable: false`: the property's options merge with the parent's, which say nullable.
  @ApiProperty({ example: '12500.00', nullable: false, type: String, description: 'The order converted to the limit currency' })
  override orderAmount: string;
  @ApiProperty({ example: '61500.00', nullable: false, type: String, description: 'exposure + orderAmount' })
  override exposureAfter: string;
  @ApiProperty({ example: '-11500.00', nullable: true, type: String, description: 'limit − exposureAfter; null without a limit' })
  override availableAfter: string | null;
  @ApiProperty({ example: 58, nullable: true, type: Number, description: 'Risk score 0-100; null when not scored yet' })
  override score: number | null;
}

export class CreditCheckQuery extends PageQuery {
  @ApiPropertyOptional({ type: String, example: 'review,block', description: 'Comma-separated decisions: accept, review, block' })
  @IsOptional()
  @Transform(list)
  @ArrayMaxSize(3)
  @IsIn(DECISIONS, { each: true, message: 'decision must be a comma-separated list of accept, review, block' })
  decision?: Decision[];

  @ApiPropertyOptional({ example: false, description: 'true: released checks only; false: not released yet' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean({ message: 'released must be true or false' })
  released?: boolean;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'customerId must be a customer id (uuid)' })
  customerId?: string;

  @ApiPropertyOptional({ example: '2026-11-01', description: 'Checked on or after this day (tenant time zone)' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'from must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'from must be a valid calendar date' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Checked on or before this day (tenant time zone)' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'to must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'to must be a valid calendar date' })
  to?: string;
}

export class ReleaseCreditCheckDto {
  @ApiPropertyOptional({
    example: 'Acompte de 30 % reçu, commande libérée',
    description: 'Why the order may go (logged and sent with the event)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string;
}
