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

export class CreditCheckReasonDto {
  @ApiProperty({ enum: CREDIT_CHECK_REASON_CODES, example: 'over_limit' }) code: string;
  @ApiProperty({ enum: ['review', 'block'], example: 'block', description: 'What this rule asks for (tenant settings)' })
  outcome: 'review' | 'block';
  @ApiProperty({
    example: 'The order would take exposure to 61500.00 EUR, above the credit limit of 50000.00 EUR by 11500.00 EUR',
  })
  message: string;
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
  @ApiProperty({ example: 'EUR', description: "Currency of exposure, limit and available: the limit's, else the customer's" })
  limitCurrency: string;
  @ApiProperty({ example: 'C', nullable: true, type: String, description: 'Risk grade A..E when the check was made' })
  grade: string | null;
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

/** The answer to a credit check (POST): the logged check plus the figures computed for the decision. */
export class CreditCheckResultDto extends CreditCheckDto {
  @ApiProperty({ example: '12500.00', description: 'The order converted to the limit currency' }) orderAmount: string;
  @ApiProperty({ example: '61500.00', description: 'exposure + orderAmount' }) exposureAfter: string;
  @ApiProperty({ example: '-11500.00', nullable: true, type: String, description: 'limit − exposureAfter; null without a limit' })
  availableAfter: string | null;
  @ApiProperty({ example: 58, nullable: true, type: Number, description: 'Risk score 0-100; null when not scored yet' })
  score: number | null;
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
