import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '@encours/api-core';

export const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
export const MAX_BADGE_CUSTOMERS = 500;

export class GoodPayersQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "One salesperson's customers (sales: always their own)" })
  @IsOptional()
  @IsUUID('all', { message: 'salespersonId must be a user id (uuid)' })
  salespersonId?: string;
}

export class GoodPayerDto {
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'Dupont Matériaux SAS' }) name: string;
  @ApiProperty({ example: 'C-1042' }) externalRef: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) salespersonId: string | null;
  @ApiProperty({ example: 'Claire Martin', nullable: true, type: String }) salespersonName: string | null;
  @ApiProperty({ enum: ['A', 'B'], example: 'A' }) grade: string;
  @ApiProperty({ example: 86, description: 'Risk score 0-100 (higher is safer)' }) score: number;
  @ApiProperty({
    example: '12500.00',
    nullable: true,
    type: String,
    description: 'Open invoices less open credit notes, in `currency`; null when a rate is missing (see missingRates)',
  })
  openAmount: string | null;
  @ApiProperty({ example: 'EUR', description: 'The tenant currency' }) currency: string;
  @ApiProperty({ type: [String], example: [], description: 'Currencies of open items left out for lack of a rate' })
  missingRates: string[];
  @ApiProperty({
    example: 1.5,
    nullable: true,
    type: Number,
    description:
      'Average days late of the invoices paid in the last 12 months, weighted by amount (invoices in the customer currency); null without any',
  })
  averageDaysLate: number | null;
  @ApiProperty({ example: 3, description: 'Days past due of its oldest overdue invoice (at most 15 here)' })
  maxDaysOverdue: number;
}

const splitIds = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : value;

export class RiskBadgesQuery {
  @ApiProperty({
    type: String,
    example: '3f1c2b9e-6a55-4d0e-9a43-1c0f6a3e2d11,7a0d4c2e-1b3f-4e5a-8c9d-0e1f2a3b4c5d',
    description: `Customer ids, comma-separated (1 to ${MAX_BADGE_CUSTOMERS})`,
  })
  @Transform(splitIds)
  @IsArray({ message: 'customerIds must be a comma-separated list of customer ids' })
  @ArrayNotEmpty({ message: 'customerIds must name at least one customer' })
  @ArrayMaxSize(MAX_BADGE_CUSTOMERS, { message: `customerIds must name at most ${MAX_BADGE_CUSTOMERS} customers` })
  @IsUUID('all', { each: true, message: 'each of customerIds must be a customer id (uuid)' })
  customerIds: string[];
}

export class RiskBadgesBody {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    example: ['3f1c2b9e-6a55-4d0e-9a43-1c0f6a3e2d11'],
    description: `Customer ids (1 to ${MAX_BADGE_CUSTOMERS})`,
  })
  @IsArray({ message: 'customerIds must be a list of customer ids' })
  @ArrayNotEmpty({ message: 'customerIds must name at least one customer' })
  @ArrayMaxSize(MAX_BADGE_CUSTOMERS, { message: `customerIds must name at most ${MAX_BADGE_CUSTOMERS} customers` })
  @IsUUID('all', { each: true, message: 'each of customerIds must be a customer id (uuid)' })
  customerIds: string[];
}

export class RiskBadgeDto {
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({
    enum: ['A', 'B', 'C', 'D', 'E'],
    nullable: true,
    type: String,
    example: 'B',
    description: 'null: not scored yet',
  })
  grade: string | null;
  @ApiProperty({ example: 71, nullable: true, type: Number }) score: number | null;
  @ApiProperty({ example: false, description: 'An active credit limit is used at 100 % or more (last evaluation)' })
  overLimit: boolean;
  @ApiProperty({ example: '64.20', nullable: true, type: String, description: 'Limit usage in percent at the last evaluation' })
  limitUsagePercent: string | null;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    enum: ['safeguard', 'receivership', 'liquidation'],
    description: "A collective proceeding carried by a provider's latest rating (24 months); null: none",
  })
  legalEvent: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) legalEventDate: string | null;
  @ApiProperty({
    example: 0.35,
    nullable: true,
    type: Number,
    description: 'Mean late probability of its open invoices, weighted by open amount; null when none is predicted',
  })
  lateProbability: number | null;
}

export class RiskBadgesDto {
  @ApiProperty({ type: [RiskBadgeDto], description: 'One per known customer the caller may see, in the order asked' })
  items: RiskBadgeDto[];
}

export class CashCollectedQuery {
  @ApiPropertyOptional({ example: '2026-01', description: 'First month, YYYY-MM (default: 11 months before `to`)' })
  @IsOptional()
  @Matches(MONTH_RE, { message: 'from must be a month as YYYY-MM' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12', description: 'Last month, YYYY-MM (default: the current month)' })
  @IsOptional()
  @Matches(MONTH_RE, { message: 'to must be a month as YYYY-MM' })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'One salesperson (sales: always their own)' })
  @IsOptional()
  @IsUUID('all', { message: 'salespersonId must be a user id (uuid)' })
  salespersonId?: string;
}

export class CashMonthDto {
  @ApiProperty({ example: '2026-03' }) month: string;
  @ApiProperty({ example: '48250.00', description: 'Payments allocated in the month (by payment date), tenant currency' })
  cashCollected: string;
  @ApiProperty({ example: 31, description: 'Invoices fully paid in the month (with cash)' }) invoicesSettled: number;
}

export class SalespersonCashDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null: customers without a salesperson' })
  salespersonId: string | null;
  @ApiProperty({ example: 'Claire Martin', nullable: true, type: String }) name: string | null;
  @ApiProperty({ type: [CashMonthDto], description: 'Every month of the period, in order' }) months: CashMonthDto[];
  @ApiProperty({ example: '152000.00' }) cashCollected: string;
  @ApiProperty({ example: 97 }) invoicesSettled: number;
}

export class MissingCashRateDto {
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: 2, description: 'Payments left out: no rate to the tenant currency on or before their date' })
  count: number;
}

export class CashCollectedDto {
  @ApiProperty({ example: 'EUR', description: 'The tenant currency' }) currency: string;
  @ApiProperty({ example: '2026-01' }) from: string;
  @ApiProperty({ example: '2026-12' }) to: string;
  @ApiProperty({ type: [String], example: ['2026-01', '2026-02'] }) months: string[];
  @ApiProperty({ type: [SalespersonCashDto], description: 'Salespeople with cash or settled invoices in the period' })
  salespeople: SalespersonCashDto[];
  @ApiProperty({ type: [CashMonthDto], description: 'All the lines above, per month' }) totals: CashMonthDto[];
  @ApiProperty({ example: '152000.00' }) cashCollected: string;
  @ApiProperty({ example: 97 }) invoicesSettled: number;
  @ApiProperty({ type: [MissingCashRateDto] }) missingRates: MissingCashRateDto[];
}
