import { Controller, HttpCode, Injectable, Post } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Access, AppConfig, JobsService, RequestContext, type JobOutcome, type JobRun } from '@encours/api-core';
import { INVOICE_OVERDUE_JOB, InvoiceOverdueService } from './invoice-overdue.service.js';

/** Daily at 06:00 Paris time: announce the invoices that became overdue (every tenant, one run). */
@Injectable()
export class InvoiceOverdueJob {
  constructor(
    private readonly jobs: JobsService,
    private readonly overdue: InvoiceOverdueService,
    private readonly config: AppConfig,
  ) {}

  @Cron('0 6 * * *', { name: INVOICE_OVERDUE_JOB, timeZone: 'Europe/Paris' })
  async onSchedule(): Promise<void> {
    if (this.config.jobsEnabled) await this.run('schedule');
  }

  /** Every tenant (schedule) or one (manual run by its admin). */
  run(trigger: JobRun['trigger'], tenantId?: string): Promise<JobOutcome> {
    return this.jobs.runExclusive(INVOICE_OVERDUE_JOB, () => this.overdue.announce({ tenantId }), { tenantId, trigger });
  }
}

export class JobOutcomeDto {
  @ApiProperty({ enum: ['running', 'succeeded', 'failed', 'skipped'], example: 'succeeded' }) status: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The job_run row (see GET /job-runs)' }) runId?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'integer' }, example: { announced: 3 } })
  counts?: Record<string, number>;
  @ApiPropertyOptional() error?: string;
}

@ApiTags('jobs')
@Controller('v1/receivables/jobs')
export class ReceivablesJobsController {
  constructor(private readonly job: InvoiceOverdueJob) {}

  @Post('invoice-overdue/run')
  @HttpCode(200)
  @Access({ roles: ['admin'] })
  @ApiOperation({
    summary: "Run the invoice-overdue job now for the caller's tenant",
    description:
      'Publishes `invoice.overdue` (and records it on the timeline) for every open invoice past its due date not yet announced; skipped if a run is in progress.',
  })
  @ApiOkResponse({ type: JobOutcomeDto })
  run(): Promise<JobOutcomeDto> {
    return this.job.run('manual', RequestContext.tenantId());
  }
}
