import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Access, TenantDb } from '@encours/api-core';
import { TenantToday } from '@encours/api-core';
import { CommitmentTracker } from './commitment-tracker.service.js';

export class EvaluationDto {
  @ApiProperty({ example: '2026-12-18', description: 'The day evaluated (today in the tenant time zone)' }) date: string;
  @ApiProperty({ example: 3 }) promisesKept: number;
  @ApiProperty({ example: 1 }) promisesBroken: number;
  @ApiProperty({ example: 0 }) plansBreached: number;
  @ApiProperty({ example: 1 }) plansCompleted: number;
}

@ApiTags('dunning')
@Controller('v1/dunning/commitments')
export class CommitmentsController {
  constructor(
    private readonly db: TenantDb,
    private readonly clock: TenantToday,
    private readonly tracker: CommitmentTracker,
  ) {}

  @Post('evaluate')
  @HttpCode(200)
  @Access({ roles: ['admin', 'credit_manager'] })
  @ApiOperation({
    summary: "Evaluate today's promises and payment plans now",
    description:
      'What the daily dunning run does first (for support): decides kept and broken promises, breached and completed plans from the allocations received, with their tasks, timeline entries and events. Idempotent: running it again the same day changes nothing more.',
  })
  @ApiOkResponse({ type: EvaluationDto })
  async evaluate(): Promise<EvaluationDto> {
    const date = await this.clock.today(this.db.tenantId);
    const counts = await this.db.transaction((tx) => this.tracker.evaluate(tx.manager, tx.tenantId, date));
    return { date, ...counts };
  }
}
