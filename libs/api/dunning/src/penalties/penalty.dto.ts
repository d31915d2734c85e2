import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { PENALTY_REGIMES, type PenaltyRegime } from '../state/customer-dunning.entity.js';

export class PenaltyQuery {
  @ApiPropertyOptional({
    example: '2026-11-25',
    description: "End of lateness for the open invoices (default: today in the tenant's time zone)",
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'asOf must be a date as YYYY-MM-DD' })
  asOf?: string;
}

export class PenaltySegmentDto {
  @ApiProperty({ example: '2024-06-16', description: 'First day late in the segment' }) from: string;
  @ApiProperty({ example: '2024-06-30', description: 'Last day late in the segment (inclusive)' }) to: string;
  @ApiProperty({ example: 15 }) days: number;
  @ApiProperty({ example: '14.50', description: 'Annual rate applied, percent' }) rate: string;
  @ApiProperty({ example: '59.59', description: "This segment's share of the interest" }) interest: string;
  @ApiPropertyOptional({
    example: '15.21',
    description: 'The floor (3x legal interest rate) that replaced a lower contractual rate',
  })
  floorRate?: string;
}

export class PenaltyLineDto {
  @ApiProperty({ format: 'uuid' }) invoiceId: string;
  @ApiProperty({ example: 'F2024-0612' }) number: string;
  @ApiProperty({
    enum: ['open', 'paid_late'],
    example: 'paid_late',
    description: 'An open overdue amount, or an amount paid after the due date',
  })
  kind: 'open' | 'paid_late';
  @ApiProperty({ example: '2024-06-15' }) dueDate: string;
  @ApiProperty({ example: '10000.00', description: 'Amount the interest runs on (open amount, or amount paid late)' })
  amount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ nullable: true, type: String, example: '2024-08-14', description: 'Payment date (paid late); null while open' })
  paidDate: string | null;
  @ApiProperty({ example: false }) disputed: boolean;
  @ApiProperty({ example: 60 }) daysLate: number;
  @ApiProperty({ type: [PenaltySegmentDto] }) segments: PenaltySegmentDto[];
  @ApiProperty({ example: '235.27' }) interest: string;
  @ApiProperty({ example: '40.00', description: 'Fixed recovery indemnity, in EUR (once per invoice)' }) indemnity: string;
  @ApiProperty({ example: 'EUR', enum: ['EUR'] }) indemnityCurrency: 'EUR';
  @ApiProperty({ example: '275.27', description: 'Interest + indemnity for a EUR invoice; the interest alone otherwise' })
  total: string;
  @ApiProperty({ enum: ['legal_default', 'contractual', 'contractual_floored', 'none'], example: 'legal_default' })
  rateSource: string;
  @ApiPropertyOptional({ example: '15.21' }) floorRate?: string;
}

export class PenaltyTotalDto {
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '235.27' }) interest: string;
  @ApiProperty({ example: '40.00' }) indemnity: string;
  @ApiProperty({ example: '275.27' }) total: string;
}

export class PenaltyIndemnityDto {
  @ApiProperty({ example: 1 }) count: number;
  @ApiProperty({ example: '40.00' }) amount: string;
  @ApiProperty({ example: 'EUR', enum: ['EUR'] }) currency: 'EUR';
}

export class CustomerPenaltiesDto {
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: '2026-11-25' }) asOf: string;
  @ApiProperty({
    example: '2021-11-25',
    description: 'Amounts paid late before this date are time-barred (5 years) and left out',
  })
  limitationFrom: string;
  @ApiProperty({ enum: PENALTY_REGIMES, example: 'fr', description: 'fr: Code de commerce; eu: Directive 2011/7/EU; none' })
  regime: PenaltyRegime;
  @ApiProperty({
    enum: ['customer', 'country'],
    example: 'country',
    description: "The customer's dunning setting, or deduced from its country",
  })
  regimeSource: 'customer' | 'country';
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Contractual rate in percent, when set' })
  contractualRate: string | null;
  @ApiProperty({
    example: 'tenant',
    description: "Rates come from the tenant's reference-rate tables (see /dunning/reference-rates)",
  })
  rateTables: 'tenant';
  @ApiProperty({ type: [PenaltyLineDto] }) lines: PenaltyLineDto[];
  @ApiProperty({ type: [PenaltyTotalDto], description: 'Per currency; the indemnities are on the EUR row' })
  totals: PenaltyTotalDto[];
  @ApiProperty({ type: PenaltyIndemnityDto }) indemnity: PenaltyIndemnityDto;
  @ApiProperty({ type: [String], example: [] }) warnings: string[];
}
