import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  containsPattern,
  Access,
  ApiPageResponse,
  ConflictError,
  NotFoundError,
  PageQuery,
  Problem,
  RequestContext,
  TenantDb,
  toPage,
  type Page,
} from '@encours/api-core';
import { ActionDto, ActionQuery, PreviewDto, PreviewQuery, RunDto, RunOutcomeDto } from './run.dto.js';
import { DeliveryService } from './delivery.service.js';
import { Clock } from '@encours/api-core';
import { DunningRunService } from './dunning-run.service.js';

const READERS = ['admin', 'credit_manager', 'collector'] as const;

interface RunRow {
  id: string;
  run_date: string;
  trigger: string;
  status: string;
  counts: Record<string, number>;
  created_at: Date;
  finished_at: Date | null;
  error: string | null;
}

function runDto(r: RunRow): RunDto {
  return {
    id: r.id,
    runDate: r.run_date,
    trigger: r.trigger,
    status: r.status,
    counts: r.counts,
    startedAt: new Date(r.created_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    error: r.error,
  };
}

@ApiTags('dunning')
@Controller('v1/dunning')
export class DunningRunController {
  constructor(
    private readonly db: TenantDb,
    private readonly runs: DunningRunService,
    private readonly delivery: DeliveryService,
    private readonly clock: Clock,
  ) {}

  @Post('runs')
  @HttpCode(200)
  @Access({ roles: ['admin', 'credit_manager'] })
  @ApiOperation({
    summary: "Run today's dunning now",
    description:
      'The same run as the scheduled one (it is idempotent: a customer gets at most one step per day, so running it again the same day sends nothing more). `skipped` when a run of the tenant is in progress.',
  })
  @ApiOkResponse({ type: RunOutcomeDto })
  async run(): Promise<RunOutcomeDto> {
    const p = RequestContext.principal();
    const outcome = await this.runs.runNow(this.db.tenantId, 'manual', p?.kind === 'user' ? p.userId : null);
    const run = outcome.dunningRunId ? await this.get(outcome.dunningRunId) : undefined;
    return { status: outcome.status, run, error: outcome.error };
  }

  @Get('runs')
  @Access({ roles: [...READERS], scopes: ['dunning:read'] })
  @ApiOperation({ summary: 'Run history, newest first' })
  @ApiPageResponse(RunDto)
  @ApiBadRequestResponse({ type: Problem })
  async list(@Query() q: PageQuery): Promise<Page<RunDto>> {
    const rows: Array<RunRow & { total: string }> = await this.db.dataSource.query(
      `SELECT *, run_date::text AS run_date, count(*) OVER () AS total FROM dunning_run WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT $2 OFFSET $3`,
      [this.db.tenantId, q.pageSize, (q.page - 1) * q.pageSize],
    );
    return toPage(rows.map(runDto), Number(rows[0]?.total ?? 0), q);
  }

  @Get('runs/preview')
  @Access({ roles: [...READERS], scopes: ['dunning:read'] })
  @ApiOperation({
    summary: "Preview of a day's run (default: tomorrow)",
    description:
      'What the run would do on that day with the ledger as it is now: one line per customer and step; nothing is written or sent.',
  })
  @ApiOkResponse({ type: PreviewDto })
  @ApiBadRequestResponse({ type: Problem })
  async preview(@Query() q: PreviewQuery): Promise<PreviewDto> {
    const p = await this.runs.preview(this.db.tenantId, q.date);
    return {
      date: p.date,
      byAction: p.byAction,
      skipped: p.skipped,
      items: p.items.map((i) => ({
        customerId: i.customerId,
        customerName: i.customerName,
        customerRef: i.customerRef,
        scenario: i.step.scenarioName,
        stepPosition: i.step.position,
        stepName: i.step.name,
        action: i.step.action,
        automatic: i.step.automatic,
        daysLate: i.daysLate,
        amount: i.amount,
        currency: i.currency,
      })),
    };
  }

  @Get('runs/:id')
  @Access({ roles: [...READERS], scopes: ['dunning:read'] })
  @ApiOperation({ summary: 'One run with its counts' })
  @ApiOkResponse({ type: RunDto })
  @ApiNotFoundResponse({ type: Problem })
  async get(@Param('id') id: string): Promise<RunDto> {
    const [row]: RunRow[] = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.db.dataSource.query(`SELECT *, run_date::text AS run_date FROM dunning_run WHERE tenant_id = $1 AND id = $2`, [
          this.db.tenantId,
          id,
        ])
      : [];
    if (!row) throw new NotFoundError('DunningRun', id);
    return runDto(row);
  }

  @Get('actions')
  @Access({ roles: [...READERS], scopes: ['dunning:read'] })
  @ApiOperation({ summary: 'Reminders decided by the runs (filter by status, run, customer), newest first' })
  @ApiPageResponse(ActionDto)
  @ApiBadRequestResponse({ type: Problem })
  actions(@Query() q: ActionQuery): Promise<Page<ActionDto>> {
    return this.queryActions(q);
  }

  private async queryActions(q: ActionQuery, id: string | null = null): Promise<Page<ActionDto>> {
    const rows: Array<Record<string, unknown>> = await this.db.dataSource.query(
      `SELECT a.*, a.run_date::text AS run_date_text, c.name AS customer_name, count(*) OVER () AS total
         FROM dunning_action a JOIN customer c ON c.id = a.customer_id
        WHERE a.tenant_id = $1 AND ($2::text IS NULL OR a.status = $2) AND ($3::uuid IS NULL OR a.run_id = $3)
          AND ($4::uuid IS NULL OR a.customer_id = $4) AND ($7::uuid IS NULL OR a.id = $7)
          AND ($8::text IS NULL OR c.name ILIKE $8 OR c.external_ref ILIKE $8)
        ORDER BY a.created_at DESC, a.id LIMIT $5 OFFSET $6`,
      [
        this.db.tenantId,
        q.status ?? null,
        q.runId ?? null,
        q.customerId ?? null,
        q.pageSize,
        (q.page - 1) * q.pageSize,
        id,
        q.q ? containsPattern(q.q) : null,
      ],
    );
    const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);
    return {
      items: rows.map((r) => ({
        id: r.id as string,
        runId: r.run_id as string,
        runDate: r.run_date_text as string,
        customerId: r.customer_id as string,
        customerName: r.customer_name as string,
        stepPosition: r.step_position as number,
        stepName: r.step_name as string,
        action: r.action as string,
        status: r.status as string,
        automatic: r.automatic as boolean,
        invoiceIds: r.invoice_ids as string[],
        totals: r.totals as ActionDto['totals'],
        daysLate: r.days_late as number,
        recipient: r.recipient as string | null,
        attempts: r.attempts as number,
        lastError: r.last_error as string | null,
        nextAttemptAt: iso(r.next_attempt_at),
        sentAt: iso(r.sent_at),
      })),
      total: Number(rows[0]?.total ?? 0),
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  @Post('actions/:id/retry')
  @HttpCode(200)
  @Access({ roles: ['admin', 'credit_manager', 'collector'], scopes: ['dunning:write'] })
  @ApiOperation({
    summary: 'Send a failed (or retrying) reminder again now',
    description: 'After fixing the contact or the SMTP settings.',
  })
  @ApiOkResponse({ type: ActionDto })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem })
  async retry(@Param('id') id: string): Promise<ActionDto> {
    const tenantId = this.db.tenantId;
    const [row] = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.db.dataSource.query(`SELECT status FROM dunning_action WHERE tenant_id = $1 AND id = $2`, [tenantId, id])
      : [];
    if (!row) throw new NotFoundError('DunningAction', id);
    if (!['failed', 'queued'].includes(row.status))
      throw new ConflictError('not_retryable', `Only a failed or retrying reminder can be retried (it is ${row.status})`);
    await this.db.dataSource.query(
      `UPDATE dunning_action SET status = 'queued', next_attempt_at = NULL, attempts = 0 WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    await this.db.dataSource.query(
      `UPDATE dunning_task SET status = 'done', outcome = 'retried', completed_at = now() WHERE tenant_id = $1 AND action_id = $2 AND kind = 'send_failed' AND status = 'open'`,
      [tenantId, id],
    );
    await this.delivery.deliverDue(tenantId, this.clock.now(), { actionIds: [id] });
    const page = await this.queryActions(Object.assign(new ActionQuery(), { page: 1, pageSize: 1 }), id);
    return page.items[0];
  }
}
