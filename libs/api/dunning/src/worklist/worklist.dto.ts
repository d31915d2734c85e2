import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '@encours/api-core';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { CALL_OUTCOMES, TASK_KINDS } from './dunning-task.entity.js';

/** Paging as every list (`page`, `pageSize`; the order is the priority), plus the filters. */
export class WorklistQuery extends PageQuery {
  @ApiPropertyOptional({
    description: '`me` (default: tasks assigned to the caller, and unassigned ones for collectors), `all`, or a user id',
    example: 'me',
  })
  @IsOptional()
  @IsString()
  @Matches(/^(me|all|[0-9a-f-]{36})$/i, { message: 'assignee must be me, all or a user id' })
  assignee?: string;

  @ApiPropertyOptional({ enum: TASK_KINDS, example: 'call' })
  @IsOptional()
  @IsIn(TASK_KINDS)
  kind?: string;

  @ApiPropertyOptional({
    description: 'Tasks due on or before this day (default: today in the tenant time zone)',
    example: '2026-11-25',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a calendar date YYYY-MM-DD' })
  date?: string;
}

export class WorklistCustomerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Dupont Industrie' }) name: string;
  @ApiProperty({ example: 'C-00042' }) externalRef: string;
  @ApiProperty({ example: false }) blocked: boolean;
}

export class WorklistItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: TASK_KINDS, example: 'call' }) kind: string;
  @ApiProperty({ example: 'Relance téléphonique' }) title: string;
  @ApiProperty({ example: '2026-11-25' }) dueDate: string;
  @ApiProperty({ enum: ['open', 'done', 'cancelled'], example: 'open' }) status: string;
  @ApiProperty({
    example: 61.5,
    description: 'Priority 0-100: amount (log scale, 50), days late (35), risk (15), + days waited (≤ 10)',
  })
  priority: number;
  @ApiProperty({ type: WorklistCustomerDto }) customer: WorklistCustomerDto;
  @ApiProperty({ example: '12500.00', description: 'Overdue amount of the customer, tenant currency' }) overdue: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: 38, description: 'Days late of the oldest overdue invoice' }) daysLate: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId: string | null;
  @ApiProperty({ type: String, example: 'Claire Martin', nullable: true }) assigneeName: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The dunning action (validation, call step, letter)',
  })
  actionId: string | null;
  @ApiProperty({ type: String, example: 'Mise en demeure', nullable: true }) stepName: string | null;
  @ApiProperty({ type: String, example: 'formal_notice', nullable: true }) action: string | null;
  @ApiPropertyOptional({ example: 1, description: 'Broken promises of the customer in the last 12 months' })
  brokenPromises: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.62,
    description:
      "Mean late probability of the customer's open undisputed invoices (payment predictions), weighted by open amount; null when none is predicted",
  })
  lateProbability: number | null;
  @ApiProperty({ type: String, nullable: true }) outcome: string | null;
  @ApiProperty({ type: String, nullable: true }) comment: string | null;
}

export class CompleteTaskDto {
  @ApiPropertyOptional({
    enum: CALL_OUTCOMES,
    example: 'reached',
    description: 'Required for a call: logged on the customer timeline',
  })
  @IsOptional()
  @IsIn(CALL_OUTCOMES)
  outcome?: string;

  @ApiPropertyOptional({ example: 'Le comptable confirme un virement vendredi.' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The contact spoken to (call)' })
  @IsOptional()
  @IsUUID()
  contactId?: string;
}

export class PostponeTaskDto {
  @ApiProperty({ example: '2026-12-01', description: 'New day (after today)' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'until must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  until: string;

  @ApiPropertyOptional({ example: 'Interlocutor on holiday until Monday' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class ReassignTaskDto {
  @ApiProperty({ format: 'uuid', example: '7b0f8a54-2f5e-4b8e-9a43-1c0f6a3e2d11' })
  @IsUUID()
  assigneeId: string;
}

export class DecisionDto {
  @ApiPropertyOptional({ example: 'Montant confirmé avec le commercial' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}
