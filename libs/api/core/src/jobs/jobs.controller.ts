import { Controller, Get, Injectable, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Access } from '../auth/access.decorator.js';
import { RequestContext } from '../context/request-context.js';
import { ApiPageResponse, PageQuery, toPage, type Page } from '../http/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { JobRun } from './job-run.entity.js';
import { JobsService } from './jobs.service.js';

export class JobRunQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'auth.refresh-token-cleanup' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;
}

export class JobRunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'auth.refresh-token-cleanup' }) name: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed', 'skipped'] }) status: string;
  @ApiProperty({ enum: ['schedule', 'manual', 'startup'] }) trigger: string;
  @ApiProperty({ type: String, format: 'date-time' }) startedAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { deleted: 12 } }) counts: Record<
    string,
    number
  >;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ description: 'true for platform-wide jobs (not specific to the tenant)' }) platform: boolean;
}

/** Job-run history: the tenant's own runs and the platform jobs that serve every tenant. */
@Injectable()
export class JobRunsService {
  constructor(private readonly dataSource: DataSource) {}

  async list(q: JobRunQuery): Promise<Page<JobRunDto>> {
    const qb = this.dataSource
      .getRepository(JobRun)
      .createQueryBuilder('j')
      .where('(j.tenant_id = :tenantId OR j.tenant_id IS NULL)', { tenantId: RequestContext.tenantId() })
      .orderBy('j.started_at', 'DESC');
    if (q.name) qb.andWhere('j.name = :name', { name: q.name });
    const [rows, total] = await qb
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return toPage(
      rows.map((r) => ({
        id: r.id,
        name: r.name,
        status: r.status,
        trigger: r.trigger,
        startedAt: r.startedAt.toISOString(),
        finishedAt: r.finishedAt?.toISOString() ?? null,
        counts: r.counts,
        error: r.error,
        platform: r.tenantId === null,
      })),
      total,
      q,
    );
  }
}

@ApiTags('jobs')
@Controller('v1/job-runs')
@Access({ roles: ['admin'] })
export class JobsController {
  constructor(private readonly runs: JobRunsService) {}

  @Get()
  @ApiOperation({ summary: 'History of scheduled and background job runs' })
  @ApiPageResponse(JobRunDto)
  list(@Query() q: JobRunQuery): Promise<Page<JobRunDto>> {
    return this.runs.list(q);
  }
}

/** Daily: delete refresh tokens that expired more than 7 days ago. */
@Injectable()
export class RefreshTokenCleanupJob {
  constructor(
    private readonly jobs: JobsService,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  @Cron(CronExpression.EVERY_DAY_AT_3AM, { name: 'auth.refresh-token-cleanup' })
  async onSchedule(): Promise<void> {
    if (this.config.jobsEnabled) await this.run('schedule');
  }

  run(trigger: JobRun['trigger']) {
    return this.jobs.runExclusive(
      'auth.refresh-token-cleanup',
      async () => {
        const res = await this.dataSource.query(`DELETE FROM refresh_token WHERE expires_at < now() - interval '7 days'`);
        return { deleted: Number(res?.[1] ?? 0) };
      },
      { trigger },
    );
  }
}
