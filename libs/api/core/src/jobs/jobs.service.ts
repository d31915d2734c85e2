import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { runAsSystem } from '../context/request-context.js';
import { Metrics } from '../http/metrics.js';
import { JobRun } from './job-run.entity.js';

export interface JobOutcome {
  status: JobRun['status'];
  runId?: string;
  counts?: Record<string, number>;
  error?: string;
}

/**
 * Runs a job at most once at a time across every API process: a PostgreSQL advisory lock keyed
 * by the job name (and tenant), held on one connection for the job's duration. Each run is
 * recorded in `job_run` with its counts or its error.
 */
@Injectable()
export class JobsService {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: Metrics,
  ) {}

  async runExclusive(
    name: string,
    fn: () => Promise<Record<string, number> | void>,
    options: { tenantId?: string; trigger?: JobRun['trigger'] } = {},
  ): Promise<JobOutcome> {
    const lockKey = options.tenantId ? `${name}:${options.tenantId}` : name;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [lockKey]);
      if (!locked) {
        this.logger.log({ job: name, tenantId: options.tenantId }, 'Job already running elsewhere; skipped');
        this.metrics.jobRuns.inc({ job: name, status: 'skipped' });
        return { status: 'skipped' };
      }
      const repo = this.dataSource.getRepository(JobRun);
      const run = await repo.save(
        repo.create({ name, tenantId: options.tenantId ?? null, status: 'running', trigger: options.trigger ?? 'schedule' }),
      );
      try {
        const counts = (await runAsSystem(`job:${name}`, options.tenantId, fn)) ?? {};
        await repo.update(run.id, { status: 'succeeded', finishedAt: new Date(), counts });
        this.metrics.jobRuns.inc({ job: name, status: 'succeeded' });
        return { status: 'succeeded', runId: run.id, counts };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.logger.error({ job: name, err }, 'Job failed');
        await repo.update(run.id, { status: 'failed', finishedAt: new Date(), error: message.slice(0, 4000) });
        this.metrics.jobRuns.inc({ job: name, status: 'failed' });
        return { status: 'failed', runId: run.id, error: message };
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]);
      }
    } finally {
      await runner.release();
    }
  }
}
