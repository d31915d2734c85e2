import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { AppConfig, JobsService, type JobOutcome, type JobRun } from '@encours/api-core';
import { addDays, type CalendarDate } from '@encours/domain';
import { DataSource } from 'typeorm';
import { CommitmentTracker } from '../promises/commitment-tracker.service.js';
import { DunningSetupService } from '../settings/dunning-setup.service.js';
import { DeliveryService, type DeliveryCounts } from './delivery.service.js';
import { Clock } from '@encours/api-core';
import { RunPlannerService, type PlannedStep } from './run-planner.service.js';

export const DUNNING_RUN_JOB = 'dunning.daily-run';

export interface RunSummary {
  runId: string;
  runDate: CalendarDate;
  counts: Record<string, number>;
}

export interface RunPreview {
  date: CalendarDate;
  items: PlannedStep[];
  byAction: Record<string, number>;
  skipped: Record<string, number>;
}

interface TenantClock {
  id: string;
  timezone: string;
  default_currency: string;
}

/**
 * The daily dunning run of a tenant: decide (commitments evaluated, next steps, actions, tasks
 * and levels written in one transaction), then deliver the queued actions. Idempotent per day.
 * Scheduled at each tenant's chosen local time (checked every minute), protected by an advisory
 * lock per tenant and recorded in the job-run history as well as in `dunning_run`.
 */
@Injectable()
export class DunningRunService {
  private readonly logger = new Logger('DunningRun');

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly setup: DunningSetupService,
    private readonly planner: RunPlannerService,
    private readonly delivery: DeliveryService,
    private readonly tracker: CommitmentTracker,
  ) {}

  private async tenant(tenantId: string): Promise<TenantClock> {
    const [t]: TenantClock[] = await this.dataSource.query(`SELECT id, timezone, default_currency FROM tenant WHERE id = $1`, [
      tenantId,
    ]);
    return t;
  }

  /** Runs the tenant's daily run now (through the job lock); `skipped` when one is already running. */
  runNow(
    tenantId: string,
    trigger: JobRun['trigger'],
    startedById: string | null = null,
  ): Promise<JobOutcome & { dunningRunId?: string }> {
    let dunningRunId: string | undefined;
    return this.jobs
      .runExclusive(
        DUNNING_RUN_JOB,
        async () => {
          const summary = await this.execute(tenantId, trigger === 'schedule' ? 'schedule' : 'manual', startedById);
          dunningRunId = summary.runId;
          return summary.counts;
        },
        { tenantId, trigger },
      )
      .then((o) => ({ ...o, dunningRunId }));
  }

  /** The run itself (callers hold the job lock). */
  async execute(tenantId: string, trigger: 'schedule' | 'manual', startedById: string | null): Promise<RunSummary> {
    const t = await this.tenant(tenantId);
    const now = this.clock.now();
    const runDate = this.clock.today(t.timezone);
    await this.dataSource.transaction((m) => this.setup.ensure(m, tenantId));
    const { runId, counts } = await this.dataSource.transaction(async (m) => {
      const commitments = await this.tracker.evaluate(m, tenantId, runDate);
      const [run]: Array<{ id: string }> = await m.query(
        `INSERT INTO dunning_run (tenant_id, run_date, trigger, status, started_by_id) VALUES ($1, $2, $3, 'running', $4) RETURNING id`,
        [tenantId, runDate, trigger, startedById],
      );
      const plan = await this.planner.plan(m, tenantId, runDate, t.default_currency);
      const { inserted } = await this.planner.write(m, tenantId, run.id, runDate, plan, `Dunning run of ${runDate}`, now);
      const byStatus: Record<string, number> = {};
      for (const r of inserted) byStatus[`actions_${r.status}`] = (byStatus[`actions_${r.status}`] ?? 0) + 1;
      return {
        runId: run.id,
        counts: {
          customers: plan.situations.size + (plan.skipped.done_today ?? 0),
          planned: plan.planned.length,
          actions: inserted.length,
          alreadyDoneToday: plan.planned.length - inserted.length + (plan.skipped.done_today ?? 0),
          ...byStatus,
          ...Object.fromEntries(
            Object.entries(plan.skipped)
              .filter(([k]) => k !== 'done_today')
              .map(([k, v]) => [`skipped_${k}`, v]),
          ),
          ...Object.fromEntries(Object.entries(commitments).map(([k, v]) => [k, Number(v)])),
        } as Record<string, number>,
      };
    });
    let delivery: DeliveryCounts;
    try {
      delivery = await this.delivery.deliverDue(tenantId, now, { today: runDate });
    } catch (err) {
      await this.dataSource.query(
        `UPDATE dunning_run SET status = 'failed', error = $2, finished_at = now(), counts = $3 WHERE id = $1`,
        [runId, err instanceof Error ? err.message : String(err), counts],
      );
      throw err;
    }
    const all = { ...counts, sent: delivery.sent, failed: delivery.failed, retrying: delivery.retrying };
    await this.dataSource.query(`UPDATE dunning_run SET status = 'succeeded', finished_at = now(), counts = $2 WHERE id = $1`, [
      runId,
      all,
    ]);
    this.logger.log({ tenantId, runDate, ...all }, 'Dunning run done');
    return { runId, runDate, counts: all };
  }

  /** What the run would do on `date` (default: tomorrow), without writing anything. */
  async preview(tenantId: string, date?: CalendarDate): Promise<RunPreview> {
    const t = await this.tenant(tenantId);
    const day = date ?? addDays(this.clock.today(t.timezone), 1);
    await this.dataSource.transaction((m) => this.setup.ensure(m, tenantId));
    const plan = await this.dataSource
      .transaction('REPEATABLE READ', async (m) => {
        // Commitments are evaluated as they would be on that day; throwing rolls all of it back.
        await this.tracker.evaluate(m, tenantId, day);
        throw new PreviewDone(await this.planner.plan(m, tenantId, day, t.default_currency));
      })
      .catch((e: unknown) => {
        if (e instanceof PreviewDone) return e.plan;
        throw e;
      });
    const byAction: Record<string, number> = {};
    for (const p of plan.planned) byAction[p.step.action] = (byAction[p.step.action] ?? 0) + 1;
    return { date: day, items: plan.planned, byAction, skipped: plan.skipped };
  }

  /** Every minute: start the run of each tenant whose local run time has come and that has not run today. */
  @Cron('* * * * *', { name: 'dunning.scheduler' })
  async onSchedule(): Promise<void> {
    if (!this.config.jobsEnabled) return;
    await this.runScheduled();
  }

  /** Starts the due scheduled runs (also called by tests with a moved clock, limited to their tenants). */
  async runScheduled(options: { tenantIds?: string[] } = {}): Promise<string[]> {
    const now = this.clock.now();
    const due: Array<{ tenant_id: string; local_day: string }> = await this.dataSource.query(
      `SELECT s.tenant_id, (($1::timestamptz AT TIME ZONE t.timezone)::date)::text AS local_day
         FROM dunning_settings s JOIN tenant t ON t.id = s.tenant_id
        WHERE s.enabled
          AND to_char($1::timestamptz AT TIME ZONE t.timezone, 'HH24:MI') >= s.run_time
          AND (s.last_scheduled_run_date IS NULL OR s.last_scheduled_run_date < ($1::timestamptz AT TIME ZONE t.timezone)::date)
          AND ($2::uuid[] IS NULL OR s.tenant_id = ANY($2::uuid[]))`,
      [now, options.tenantIds ?? null],
    );
    const started: string[] = [];
    for (const d of due) {
      // Claim the day first: another process that saw the same row updates nothing and moves on.
      const [claimed]: [unknown[], number] = await this.dataSource.query(
        `UPDATE dunning_settings SET last_scheduled_run_date = $2
          WHERE tenant_id = $1 AND (last_scheduled_run_date IS NULL OR last_scheduled_run_date < $2) RETURNING id`,
        [d.tenant_id, d.local_day],
      );
      if (!claimed.length) continue;
      const outcome = await this.runNow(d.tenant_id, 'schedule');
      if (outcome.status === 'failed')
        this.logger.error({ tenantId: d.tenant_id, error: outcome.error }, 'Scheduled dunning run failed');
      started.push(d.tenant_id);
    }
    return started;
  }
}

class PreviewDone extends Error {
  constructor(readonly plan: Awaited<ReturnType<RunPlannerService['plan']>>) {
    super('preview');
  }
}
