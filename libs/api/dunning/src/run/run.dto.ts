import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '@encours/api-core';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';
import { ACTION_STATUSES } from './run.entities.js';
import { STEP_ACTIONS } from '../scenarios/scenario.entities.js';

export class RunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '2026-11-25' }) runDate: string;
  @ApiProperty({ enum: ['schedule', 'manual'], example: 'schedule' }) trigger: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed'], example: 'succeeded' }) status: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: {
      customers: 812,
      actions: 57,
      actions_queued: 41,
      sent: 40,
      retrying: 1,
      skipped_waiting: 610,
      skipped_paused_promise: 12,
    },
  })
  counts: Record<string, number>;
  @ApiProperty({ example: '2026-11-25T06:00:01.204Z' }) startedAt: string;
  @ApiProperty({ type: String, nullable: true, example: '2026-11-25T06:00:09.871Z' }) finishedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
}

export class RunOutcomeDto {
  @ApiProperty({
    enum: ['succeeded', 'failed', 'skipped'],
    example: 'succeeded',
    description: 'skipped: a run of this tenant is in progress',
  })
  status: string;
  @ApiPropertyOptional({ type: RunDto }) run?: RunDto;
  @ApiPropertyOptional() error?: string;
}

export class PreviewQuery {
  @ApiPropertyOptional({ description: 'Day to preview (default: tomorrow, tenant time zone)', example: '2026-11-26' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  date?: string;
}

export class PreviewItemDto {
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'Dupont Industrie' }) customerName: string;
  @ApiProperty({ example: 'C-00042' }) customerRef: string;
  @ApiProperty({ example: 'Standard' }) scenario: string;
  @ApiProperty({ example: 3 }) stepPosition: number;
  @ApiProperty({ example: 'Relance ferme' }) stepName: string;
  @ApiProperty({ enum: STEP_ACTIONS, example: 'email' }) action: string;
  @ApiProperty({ example: true, description: 'false: waits for a validation in the worklist' }) automatic: boolean;
  @ApiProperty({ example: 16 }) daysLate: number;
  @ApiProperty({ example: '4820.00', description: 'Amount claimed (tenant currency)' }) amount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
}

export class PreviewDto {
  @ApiProperty({ example: '2026-11-26' }) date: string;
  @ApiProperty({ type: [PreviewItemDto] }) items: PreviewItemDto[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { email: 31, call: 4, formal_notice: 1 } })
  byAction: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { waiting: 640, paused_promise: 12, paused_hold: 2, below_minimum: 9, completed: 3 },
  })
  skipped: Record<string, number>;
}

/** Paging as every list (`page`, `pageSize`), plus the filters. */
export class ActionQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ACTION_STATUSES, example: 'failed' })
  @IsOptional()
  @IsIn(ACTION_STATUSES)
  status?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  runId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

export class ActionTotalDto {
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '4820.00' }) overdue: string;
  @ApiProperty({ example: '6120.00' }) open: string;
}

export class ActionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) runId: string;
  @ApiProperty({ example: '2026-11-25' }) runDate: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'Dupont Industrie' }) customerName: string;
  @ApiProperty({ example: 3 }) stepPosition: number;
  @ApiProperty({ example: 'Relance ferme' }) stepName: string;
  @ApiProperty({ enum: STEP_ACTIONS, example: 'email' }) action: string;
  @ApiProperty({ enum: ACTION_STATUSES, example: 'sent' }) status: string;
  @ApiProperty({ example: true }) automatic: boolean;
  @ApiProperty({ type: [String], format: 'uuid' }) invoiceIds: string[];
  @ApiProperty({ type: [ActionTotalDto] }) totals: ActionTotalDto[];
  @ApiProperty({ example: 16 }) daysLate: number;
  @ApiProperty({ type: String, nullable: true, example: 'compta@dupont.fr' }) recipient: string | null;
  @ApiProperty({ example: 1 }) attempts: number;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ type: String, nullable: true }) nextAttemptAt: string | null;
  @ApiProperty({ type: String, nullable: true }) sentAt: string | null;
}
