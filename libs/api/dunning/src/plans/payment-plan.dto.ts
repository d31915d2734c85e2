import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '@encours/api-core';
import { DATE_RE, DECIMAL_RE } from '../promises/promise.dto.js';
import { INSTALMENT_STATUSES, PLAN_STATUSES, type InstalmentStatus, type PlanStatus } from './payment-plan.entities.js';
import { MAX_INSTALMENTS, PLAN_FREQUENCIES, type PlanFrequency } from './plan-rules.js';

export class InstalmentInputDto {
  @ApiProperty({ example: '2026-12-15' })
  @Matches(DATE_RE, { message: 'dueDate must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'dueDate must be a valid calendar date' })
  dueDate: string;

  @ApiProperty({ example: '500.00', description: 'Decimal string, > 0' })
  @IsString()
  @Matches(DECIMAL_RE, { message: 'amount must be a positive decimal amount such as 500.00' })
  amount: string;
}

export class ScheduleInputDto {
  @ApiProperty({ example: 3, minimum: 1, maximum: MAX_INSTALMENTS })
  @IsInt()
  @Min(1)
  @Max(MAX_INSTALMENTS)
  count: number;

  @ApiProperty({ example: '2026-12-15', description: 'Due date of the first instalment (not in the past)' })
  @Matches(DATE_RE, { message: 'firstDueDate must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'firstDueDate must be a valid calendar date' })
  firstDueDate: string;

  @ApiProperty({
    enum: PLAN_FREQUENCIES,
    example: 'monthly',
    description: 'monthly keeps the day of the month (clamped to shorter months)',
  })
  @IsIn(PLAN_FREQUENCIES)
  frequency: PlanFrequency;
}

export class CreatePaymentPlanDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    example: ['3f1c2b9e-6a55-4d0e-9a43-1c0f6a3e2d11'],
    description: 'Open invoices of the customer, all in one currency, in no other active plan',
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'invoiceIds must name at least one invoice' })
  @ArrayMaxSize(500)
  @ArrayUnique({ message: 'invoiceIds must not name an invoice twice' })
  @IsUUID('all', { each: true, message: 'each of invoiceIds must be an invoice id (uuid)' })
  invoiceIds: string[];

  @ApiPropertyOptional({ example: false, description: 'Add late-payment penalties (penaltiesAmount) to the plan total' })
  @IsOptional()
  @IsBoolean()
  includePenalties?: boolean;

  @ApiPropertyOptional({
    example: '120.00',
    description: 'Penalties added to the total when includePenalties is true (default 0)',
  })
  @IsOptional()
  @IsString()
  @Matches(DECIMAL_RE, { message: 'penaltiesAmount must be a decimal amount such as 120.00 (0 or more)' })
  penaltiesAmount?: string;

  @ApiPropertyOptional({
    type: [InstalmentInputDto],
    description: 'The instalments, dates strictly increasing, adding up exactly to the total (give this or schedule)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INSTALMENTS)
  @ValidateNested({ each: true })
  @Type(() => InstalmentInputDto)
  instalments?: InstalmentInputDto[];

  @ApiPropertyOptional({
    type: ScheduleInputDto,
    description:
      'Generates `count` equal instalments of the total, the rounding remainder on the last one (give this or instalments)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ScheduleInputDto)
  schedule?: ScheduleInputDto;

  @ApiPropertyOptional({ example: 'Accord téléphonique avec la DAF' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  note?: string;
}

export class InstalmentDto {
  @ApiProperty({ example: 1 }) seq: number;
  @ApiProperty({ example: '2026-12-15' }) dueDate: string;
  @ApiProperty({ example: '333.33' }) amount: string;
  @ApiProperty({ example: '333.33', description: 'Applied to it at the last evaluation (waterfall, in order)' })
  paidAmount: string;
  @ApiProperty({ enum: INSTALMENT_STATUSES, example: 'paid' }) status: InstalmentStatus;
}

export class PaymentPlanDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'Dupont Matériaux SAS' }) customerName: string;
  @ApiProperty({ type: [String], format: 'uuid' }) invoiceIds: string[];
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '1000.00', description: 'Open amount of the invoices when the plan was agreed' })
  invoicesAmount: string;
  @ApiProperty({ example: '0.00' }) penaltiesAmount: string;
  @ApiProperty({ example: '1000.00' }) totalAmount: string;
  @ApiProperty({
    example: '333.33',
    description: 'Allocations to the invoices since the plan was agreed, at the last evaluation',
  })
  paidAmount: string;
  @ApiProperty({ example: '2026-12-01' }) agreedOn: string;
  @ApiProperty({ enum: PLAN_STATUSES, example: 'active' }) status: PlanStatus;
  @ApiProperty({ nullable: true, type: String, example: null }) breachedOn: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) completedOn: string | null;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) createdById: string | null;
  @ApiProperty({ example: '2026-12-01T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ type: [InstalmentDto] }) instalments: InstalmentDto[];
}

export class PaymentPlanQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PLAN_STATUSES, example: 'active' })
  @IsOptional()
  @IsIn(PLAN_STATUSES)
  status?: PlanStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}
