import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { AppConfig, Clock, ConflictError, JobsService, type JobOutcome, type JobRun } from '@encours/api-core';
import { DataSource } from 'typeorm';
import { ScoreService, type RefreshSummary } from './score.service.js';

export const SCORING_DAILY_JOB = 'scoring.daily-recompute';
export const SCORING_CHANGED_JOB = 'scoring.refresh-changed';
/** Local hour (tenant time zone) from which the day's full recompute of a tenant may run. */
export const SCORING_NIGHT_HOUR = 2;

/** The summary as job-run counts; `day` as the number YYYYMMDD (how the scheduler knows the day is done). */
export function summaryCounts(s: RefreshSummary): Record<string, number> {
  return {
    day: Number(s.day.replaceAll('-', '')),
    customers: s.customers,
    ...s.byGrade,
    gradeChanges: s.gradeChanges,
    alerts: s.alerts,
  };
}

/**
 * When scores are recomputed without anyone asking:
 * - every tenant once a day, from 02:00 in its time zone (days late grow with time even when
 *   nothing else changes), in one transaction (`scoring.daily-recompute`);
 * - every 5 minutes, the customers whose inputs changed since their score was computed
 *   (`scoring.refresh-changed`, run only when there are some).
 * Both go through the job lock (one process per tenant at a time) and the job-run history.
 * Off when JOBS_ENABLED is false (tests call `runScheduled` or the service directly).
 */
@Injectable()
export class ScoringJobs {
  private readonly logger = new Logger('ScoringJobs');

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly scores: ScoreService,
  ) {}

  @Cron('*/5 * * * *', { name: 'scoring.scheduler' })
  async onSchedule(): Promise<void> {
    if (!this.config.jobsEnabled) return;
    await this.runScheduled();
  }

  /** One tick: the due daily recomputes, else the changed customers, of every tenant (or these). */
  async runScheduled(options: { tenantIds?: string[] } = {}): Promise<{ daily: string[]; changed: string[] }> {
    const tenants: Array<{ id: string; local_day: string; local_hour: number }> = await this.dataSource.query(
      `SELECT t.id, (($1::timestamptz AT TIME ZONE t.timezone)::date)::text AS local_day,
              extract(hour FROM $1::timestamptz AT TIME ZONE t.timezone)::int AS local_hour
         FROM tenant t WHERE $2::uuid[] IS NULL OR t.id = ANY ($2::uuid[])
        ORDER BY t.id`,
      [this.clock.now(), options.tenantIds ?? null],
    );
    const done = { daily: [] as string[], changed: [] as string[] };
    for (const t of tenants) {
      try {
        if (t.local_hour >= SCORING_NIGHT_HOUR && !(await this.dailyDone(t.id, t.local_day))) {
          const outcome = await this.recomputeTenant(t.id, 'schedule');
          if (outcome.status === 'succeeded') done.daily.push(t.id);
          continue;
        }
        const outcome = await this.refreshChanged(t.id, 'schedule');
        if (outcome.counts?.refreshed) done.changed.push(t.id);
      } catch (err) {
        this.logger.error({ tenantId: t.id, err }, 'Scoring schedule failed for a tenant');
      }
    }
    return done;
  }

  /** The tenant's full recompute, through the job lock. */
  recomputeTenant(tenantId: string, trigger: JobRun['trigger']): Promise<JobOutcome> {
    return this.jobs.runExclusive(
      SCORING_DAILY_JOB,
      async () => summaryCounts(await this.dataSource.transaction((m) => this.scores.compute(m, tenantId, null))),
      { tenantId, trigger },
    );
  }

  /**
   * The tenant's full recompute now (POST /scoring/recompute), through the same lock as the daily
   * one (409 while one runs); it counts as the day's recompute.
   */
  async recomputeNow(tenantId: string): Promise<RefreshSummary> {
    let summary: RefreshSummary | null = null;
    const outcome = await this.jobs.runExclusive(
      SCORING_DAILY_JOB,
      async () => {
        summary = await this.dataSource.transaction((m) => this.scores.compute(m, tenantId, null));
        return summaryCounts(summary);
      },
      { tenantId, trigger: 'manual' },
    );
    if (outcome.status === 'skipped')
      throw new ConflictError(
        'scoring-recompute-running',
        'The scores of this tenant are being recomputed; try again in a moment',
      );
    if (outcome.status === 'failed' || !summary) throw new Error(`Scoring recompute failed: ${outcome.error ?? 'no result'}`);
    return summary;
  }

  /** `ScoreService.refreshChanged` through the job lock; no job run is recorded when nothing changed. */
  async refreshChanged(tenantId: string, trigger: JobRun['trigger']): Promise<JobOutcome> {
    const ids = await this.scores.changedCustomers(this.dataSource.manager, tenantId);
    if (!ids.length) return { status: 'succeeded', counts: { refreshed: 0 } };
    return this.jobs.runExclusive(
      SCORING_CHANGED_JOB,
      async () => {
        const s = await this.dataSource.transaction((m) => this.scores.compute(m, tenantId, ids));
        return { ...summaryCounts(s), refreshed: s.customers };
      },
      { tenantId, trigger },
    );
  }

  private async dailyDone(tenantId: string, day: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM job_run WHERE name = $1 AND tenant_id = $2 AND status = 'succeeded' AND counts ->> 'day' = $3 LIMIT 1`,
      [SCORING_DAILY_JOB, tenantId, day.replaceAll('-', '')],
    );
    return rows.length > 0;
  }
}
