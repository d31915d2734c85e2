import { Injectable } from '@nestjs/common';
import { DomainEvents, isUuid, type DomainEvent } from '@encours/api-core';
import { fromMinor, isCalendarDate, type CalendarDate } from '@encours/domain';
import { TimelineService, type TimelineEntry } from '@encours/receivables';
import type { EntityManager } from 'typeorm';
import { evaluatePlan, type DatedAmount, type PlanEvaluation } from '../plans/plan-rules.js';
import type { InstalmentStatus } from '../plans/payment-plan.entities.js';
import { money, numericToMinor } from './commitment-rules.js';

export interface CommitmentCounts {
  promisesKept: number;
  promisesBroken: number;
  plansBreached: number;
  plansCompleted: number;
}

/** Grace periods when the tenant has no `dunning_settings` row yet (the entity's defaults). */
export const DEFAULT_PROMISE_GRACE_DAYS = 3;
export const DEFAULT_PLAN_GRACE_DAYS = 3;

interface DecidedPromise {
  id: string;
  customer_id: string;
  amount: string;
  currency: string;
  promised_date: string;
  promised_on: string;
  invoice_ids: string[];
  status: 'pending' | 'kept' | 'broken';
  paid_amount: string;
  decided_on: string | null;
}

interface ActivePlan {
  id: string;
  customer_id: string;
  currency: string;
  total_amount: string;
  paid_amount: string;
  agreed_on: string;
  invoice_ids: string[];
  instalments: Array<{ id: string; seq: number; dueDate: string; amount: string; paidAmount: string; status: InstalmentStatus }>;
}

interface PlanChange {
  id: string;
  status: 'active' | 'breached' | 'completed';
  paid_amount: string;
  breached_on: string | null;
  completed_on: string | null;
}

interface DecidedPlan {
  plan: ActivePlan;
  result: PlanEvaluation;
}

interface TaskRow {
  customer_id: string;
  kind: 'promise_broken' | 'plan_breached';
  title: string;
  related_id: string;
}

/**
 * Decides, from the money received, whether promises to pay are kept or broken and whether
 * payment plans are on track, breached or completed. Called by the daily dunning run in its
 * transaction (before it decides steps), and by `POST /dunning/commitments/evaluate`.
 *
 * Promises: the money counted is the allocations (of payments or credit notes) dated from the day
 * the promise was made through `today`, to the promise's invoices, or to any invoice of the
 * customer in the promise's currency when it names none. Kept on the day the count reaches the
 * amount, if that day is no later than promised date + grace days; broken the day after that
 * otherwise. Plans: see `evaluatePlan` (waterfall over the instalments).
 *
 * Set-based: one UPDATE decides every pending promise of the tenant; plans are loaded in two
 * queries and written back in bulk; tasks, timeline entries and events are written with one
 * INSERT each. Idempotent: only rows that change state produce side effects, and events and
 * timeline entries carry a dedupe key, so a second evaluation the same day does nothing.
 */
@Injectable()
export class CommitmentTracker {
  constructor(
    private readonly events: DomainEvents,
    private readonly timeline: TimelineService,
  ) {}

  async evaluate(manager: EntityManager, tenantId: string, today: string): Promise<CommitmentCounts> {
    if (!isUuid(tenantId)) throw new Error(`evaluate: tenantId must be a uuid, got "${tenantId}"`);
    if (!isCalendarDate(today)) throw new Error(`evaluate: today must be a calendar date YYYY-MM-DD, got "${today}"`);
    // Two evaluations of one tenant (the run and the support route) never interleave.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('dunning.commitments'), hashtext($1))`, [tenantId]);
    const [settings]: Array<{ promise_grace_days: number; plan_grace_days: number }> = await manager.query(
      `SELECT promise_grace_days, plan_grace_days FROM dunning_settings WHERE tenant_id = $1`,
      [tenantId],
    );
    const promiseGrace = settings?.promise_grace_days ?? DEFAULT_PROMISE_GRACE_DAYS;
    const planGrace = settings?.plan_grace_days ?? DEFAULT_PLAN_GRACE_DAYS;

    const tasks: TaskRow[] = [];
    const entries: TimelineEntry[] = [];
    const events: DomainEvent[] = [];
    const promises = await this.decidePromises(manager, tenantId, today, promiseGrace);
    for (const p of promises) this.promiseEffects(p, tasks, entries, events);
    const plans = await this.decidePlans(manager, tenantId, today, planGrace);
    for (const p of plans) this.planEffects(p, tasks, entries, events);

    await this.insertTasks(manager, tenantId, today, tasks);
    await this.timeline.recordMany(manager, tenantId, entries);
    await this.events.publishMany(manager, tenantId, events);
    return {
      promisesKept: promises.filter((p) => p.status === 'kept').length,
      promisesBroken: promises.filter((p) => p.status === 'broken').length,
      plansBreached: plans.filter((p) => p.result.outcome === 'breached').length,
      plansCompleted: plans.filter((p) => p.result.outcome === 'completed').length,
    };
  }

  /** One statement: counts the money of every pending promise and writes the decisions; returns the promises decided. */
  private async decidePromises(
    manager: EntityManager,
    tenantId: string,
    today: CalendarDate,
    grace: number,
  ): Promise<DecidedPromise[]> {
    const rows = updated<DecidedPromise>(
      await manager.query(
        `WITH p AS (
         SELECT t.id, t.customer_id, t.amount, t.currency, t.promised_on, t.invoice_ids, t.promised_date + $3::int AS deadline
           FROM promise_to_pay t
          WHERE t.tenant_id = $1 AND t.status = 'pending' AND t.promised_on <= $2::date),
       counted AS (
         SELECT p.id, a.date, a.amount
           FROM p CROSS JOIN LATERAL unnest(p.invoice_ids) AS inv(id)
           JOIN allocation a ON a.tenant_id = $1 AND a.invoice_id = inv.id
          WHERE cardinality(p.invoice_ids) > 0 AND a.date >= p.promised_on AND a.date <= $2::date
         UNION ALL
         SELECT p.id, a.date, a.amount
           FROM p
           JOIN receivable_item i ON i.tenant_id = $1 AND i.customer_id = p.customer_id AND i.kind = 'invoice' AND i.currency = p.currency
           JOIN allocation a ON a.tenant_id = $1 AND a.invoice_id = i.id
          WHERE cardinality(p.invoice_ids) = 0 AND a.date >= p.promised_on AND a.date <= $2::date),
       daily AS (SELECT id, date, sum(amount) AS amount FROM counted GROUP BY id, date),
       running AS (SELECT id, date, sum(amount) OVER (PARTITION BY id ORDER BY date) AS total FROM daily),
       measured AS (
         SELECT p.id, p.deadline,
                coalesce(max(r.total), 0) AS paid,
                coalesce(max(r.total) FILTER (WHERE r.date <= p.deadline), 0) AS paid_in_time,
                min(r.date) FILTER (WHERE r.total >= p.amount) AS reached_on
           FROM p LEFT JOIN running r ON r.id = p.id
          GROUP BY p.id, p.deadline),
       decided AS (
         SELECT id,
                CASE WHEN reached_on <= deadline THEN 'kept' WHEN $2::date > deadline THEN 'broken' ELSE 'pending' END AS status,
                CASE WHEN reached_on <= deadline THEN paid WHEN $2::date > deadline THEN paid_in_time ELSE paid END AS paid,
                CASE WHEN reached_on <= deadline THEN reached_on WHEN $2::date > deadline THEN deadline + 1 END AS decided_on
           FROM measured)
       UPDATE promise_to_pay t
          SET status = d.status, paid_amount = d.paid, decided_on = d.decided_on, updated_at = now()
         FROM decided d
        WHERE t.id = d.id AND t.tenant_id = $1 AND t.status = 'pending'
          AND (d.status <> 'pending' OR t.paid_amount <> d.paid)
       RETURNING t.id, t.customer_id, t.amount::text AS amount, t.currency::text AS currency, t.promised_date::text AS promised_date,
                 t.promised_on::text AS promised_on, t.invoice_ids, t.status, t.paid_amount::text AS paid_amount,
                 t.decided_on::text AS decided_on`,
        [tenantId, today, grace],
      ),
    );
    return rows.filter((r) => r.status !== 'pending');
  }

  private promiseEffects(p: DecidedPromise, tasks: TaskRow[], entries: TimelineEntry[], events: DomainEvent[]): void {
    const amount = money(p.amount, p.currency);
    const paid = money(p.paid_amount, p.currency);
    const decidedOn = p.decided_on!;
    const payload = {
      promiseId: p.id,
      customerId: p.customer_id,
      amount,
      currency: p.currency,
      promisedDate: p.promised_date,
      promisedOn: p.promised_on,
      invoiceIds: p.invoice_ids,
      paidAmount: paid,
      decidedOn,
    };
    const related = { kind: 'promise', id: p.id, label: `Promise of ${amount} ${p.currency} for ${p.promised_date}` };
    if (p.status === 'kept') {
      entries.push({
        customerId: p.customer_id,
        type: 'promise.kept',
        occurredAt: new Date(`${decidedOn}T00:00:00Z`),
        title: `Promise kept: ${amount} ${p.currency} promised for ${p.promised_date}`,
        amount,
        currency: p.currency,
        data: payload,
        source: 'dunning',
        related,
        dedupeKey: p.id,
      });
      events.push({ type: 'promise.kept', payload, dedupeKey: p.id, occurredAt: new Date(`${decidedOn}T00:00:00Z`) });
      return;
    }
    tasks.push({
      customer_id: p.customer_id,
      kind: 'promise_broken',
      title: `Broken promise: ${amount} ${p.currency} promised for ${p.promised_date} (${paid} ${p.currency} received)`,
      related_id: p.id,
    });
    entries.push({
      customerId: p.customer_id,
      type: 'promise.broken',
      occurredAt: new Date(`${decidedOn}T00:00:00Z`),
      title: `Promise broken: ${amount} ${p.currency} promised for ${p.promised_date}, ${paid} ${p.currency} received`,
      amount,
      currency: p.currency,
      data: payload,
      source: 'dunning',
      related,
      dedupeKey: p.id,
    });
    events.push({ type: 'promise.broken', payload, dedupeKey: p.id, occurredAt: new Date(`${decidedOn}T00:00:00Z`) });
  }

  /** Loads the active plans and their money (two queries), applies the waterfall, writes the changes in bulk. */
  private async decidePlans(
    manager: EntityManager,
    tenantId: string,
    today: CalendarDate,
    grace: number,
  ): Promise<DecidedPlan[]> {
    const plans: ActivePlan[] = await manager.query(
      `SELECT p.id, p.customer_id, p.currency::text AS currency, p.total_amount::text AS total_amount, p.paid_amount::text AS paid_amount,
              p.agreed_on::text AS agreed_on, p.invoice_ids,
              json_agg(json_build_object('id', i.id, 'seq', i.seq, 'dueDate', i.due_date::text, 'amount', i.amount::text,
                                         'paidAmount', i.paid_amount::text, 'status', i.status) ORDER BY i.seq) AS instalments
         FROM payment_plan p
         JOIN payment_plan_instalment i ON i.tenant_id = $1 AND i.plan_id = p.id
        WHERE p.tenant_id = $1 AND p.status = 'active' AND p.agreed_on <= $2::date
        GROUP BY p.id`,
      [tenantId, today],
    );
    if (!plans.length) return [];
    const received: Array<{ plan_id: string; date: string; amount: string }> = await manager.query(
      // Allocations to the plan's invoices; for a plan that includes penalties, also the money the
      // customer paid on account (unallocated) since the plan was agreed: penalties have no invoice.
      `SELECT plan_id, date, sum(amount)::text AS amount FROM (
         SELECT p.id AS plan_id, a.date::text AS date, a.amount
           FROM payment_plan p CROSS JOIN LATERAL unnest(p.invoice_ids) AS inv(id)
           JOIN allocation a ON a.tenant_id = $1 AND a.invoice_id = inv.id
          WHERE p.tenant_id = $1 AND p.status = 'active' AND p.agreed_on <= $2::date
            AND a.date >= p.agreed_on AND a.date <= $2::date
         UNION ALL
         SELECT p.id, pay.date::text, pay.unallocated_amount
           FROM payment_plan p
           JOIN payment pay ON pay.tenant_id = $1 AND pay.customer_id = p.customer_id AND pay.currency = p.currency
          WHERE p.tenant_id = $1 AND p.status = 'active' AND p.agreed_on <= $2::date AND p.penalties_amount > 0
            AND pay.unallocated_amount > 0 AND pay.date >= p.agreed_on AND pay.date <= $2::date) m
        GROUP BY plan_id, date`,
      [tenantId, today],
    );
    const byPlan = new Map<string, Array<{ date: string; amount: string }>>();
    for (const m of received) {
      const list = byPlan.get(m.plan_id);
      if (list) list.push(m);
      else byPlan.set(m.plan_id, [m]);
    }

    const changes: PlanChange[] = [];
    const instalmentChanges: Array<{ id: string; plan_id: string; paid_amount: string; status: InstalmentStatus }> = [];
    const evaluated = new Map<string, DecidedPlan>();
    for (const plan of plans) {
      const cur = plan.currency;
      const payments: DatedAmount[] = (byPlan.get(plan.id) ?? []).map((m) => ({
        date: m.date,
        amount: numericToMinor(m.amount, cur),
      }));
      const result = evaluatePlan(
        plan.instalments.map((i) => ({ seq: i.seq, dueDate: i.dueDate, amount: numericToMinor(i.amount, cur) })),
        payments,
        today,
        grace,
      );
      evaluated.set(plan.id, { plan, result });
      let changed = result.outcome !== 'active' || result.paid !== numericToMinor(plan.paid_amount, cur);
      for (const inst of plan.instalments) {
        const e = result.instalments.find((x) => x.seq === inst.seq)!;
        if (e.paidAmount !== numericToMinor(inst.paidAmount, cur) || e.status !== inst.status) {
          instalmentChanges.push({ id: inst.id, plan_id: plan.id, paid_amount: fromMinor(e.paidAmount, cur), status: e.status });
          changed = true;
        }
      }
      if (changed)
        changes.push({
          id: plan.id,
          status: result.outcome,
          paid_amount: fromMinor(result.paid, cur),
          breached_on: result.breachedOn,
          completed_on: result.completedOn,
        });
    }
    if (!changes.length) return [];
    // Only plans still active are written (a plan cancelled meanwhile stays cancelled).
    const written = updated<{ id: string }>(
      await manager.query(
        `UPDATE payment_plan p
          SET status = c.status, paid_amount = c.paid_amount, breached_on = c.breached_on, completed_on = c.completed_on, updated_at = now()
         FROM jsonb_to_recordset($2::jsonb) AS c(id uuid, status text, paid_amount numeric, breached_on date, completed_on date)
        WHERE p.tenant_id = $1 AND p.id = c.id AND p.status = 'active'
       RETURNING p.id`,
        [tenantId, JSON.stringify(changes)],
      ),
    );
    const writtenIds = new Set(written.map((w) => w.id));
    const instalmentRows = instalmentChanges.filter((i) => writtenIds.has(i.plan_id));
    if (instalmentRows.length)
      await manager.query(
        `UPDATE payment_plan_instalment i
            SET paid_amount = c.paid_amount, status = c.status, updated_at = now()
           FROM jsonb_to_recordset($2::jsonb) AS c(id uuid, paid_amount numeric, status text)
          WHERE i.tenant_id = $1 AND i.id = c.id`,
        [tenantId, JSON.stringify(instalmentRows)],
      );
    return changes.filter((c) => writtenIds.has(c.id) && c.status !== 'active').map((c) => evaluated.get(c.id)!);
  }

  private planEffects({ plan, result }: DecidedPlan, tasks: TaskRow[], entries: TimelineEntry[], events: DomainEvent[]): void {
    const cur = plan.currency;
    const total = money(plan.total_amount, cur);
    const paid = fromMinor(result.paid, cur);
    const count = plan.instalments.length;
    const related = { kind: 'payment_plan', id: plan.id, label: `Payment plan of ${total} ${cur} agreed on ${plan.agreed_on}` };
    if (result.outcome === 'completed') {
      const payload = {
        planId: plan.id,
        customerId: plan.customer_id,
        currency: cur,
        totalAmount: total,
        paidAmount: paid,
        completedOn: result.completedOn,
      };
      entries.push({
        customerId: plan.customer_id,
        type: 'payment_plan.completed',
        occurredAt: new Date(`${result.completedOn}T00:00:00Z`),
        title: `Payment plan completed: ${total} ${cur} paid in ${count} instalment${count > 1 ? 's' : ''}`,
        amount: total,
        currency: cur,
        data: payload,
        source: 'dunning',
        related,
        dedupeKey: plan.id,
      });
      events.push({
        type: 'payment_plan.completed',
        payload,
        dedupeKey: plan.id,
        occurredAt: new Date(`${result.completedOn}T00:00:00Z`),
      });
      return;
    }
    const position = plan.instalments.findIndex((i) => i.seq === result.missedSeq);
    const missed = plan.instalments[position];
    const missedAmount = money(missed.amount, cur);
    const missedPaid = fromMinor(result.instalments.find((i) => i.seq === missed.seq)?.paidAmount ?? 0n, cur);
    const payload = {
      planId: plan.id,
      customerId: plan.customer_id,
      currency: cur,
      totalAmount: total,
      paidAmount: paid,
      breachedOn: result.breachedOn,
      missedInstalment: { seq: missed.seq, dueDate: missed.dueDate, amount: missedAmount, paidAmount: missedPaid },
    };
    const label = `instalment ${position + 1} of ${count} (${missedAmount} ${cur} due ${missed.dueDate}, ${missedPaid} ${cur} received)`;
    tasks.push({
      customer_id: plan.customer_id,
      kind: 'plan_breached',
      title: `Payment plan breached: ${label}`,
      related_id: plan.id,
    });
    entries.push({
      customerId: plan.customer_id,
      type: 'payment_plan.breached',
      occurredAt: new Date(`${result.breachedOn}T00:00:00Z`),
      title: `Payment plan breached: ${label}`,
      amount: missedAmount,
      currency: cur,
      data: payload,
      source: 'dunning',
      related,
      dedupeKey: plan.id,
    });
    events.push({
      type: 'payment_plan.breached',
      payload,
      dedupeKey: plan.id,
      occurredAt: new Date(`${result.breachedOn}T00:00:00Z`),
    });
  }

  /** One INSERT; a task already open for the same promise or plan is not duplicated. */
  private async insertTasks(manager: EntityManager, tenantId: string, today: CalendarDate, tasks: TaskRow[]): Promise<void> {
    if (!tasks.length) return;
    await manager.query(
      `INSERT INTO dunning_task (tenant_id, customer_id, kind, title, assignee_id, due_date, status, related_id)
       SELECT $1, r.customer_id, r.kind, left(r.title, 300), cd.collector_id, $3::date, 'open', r.related_id
         FROM jsonb_to_recordset($2::jsonb) AS r(customer_id uuid, kind text, title text, related_id uuid)
         LEFT JOIN customer_dunning cd ON cd.tenant_id = $1 AND cd.customer_id = r.customer_id
        WHERE NOT EXISTS (SELECT 1 FROM dunning_task t WHERE t.tenant_id = $1 AND t.kind = r.kind AND t.related_id = r.related_id)`,
      [tenantId, JSON.stringify(tasks), today],
    );
  }
}

/** The rows of an UPDATE ... RETURNING: TypeORM answers `[rows, affected]` for UPDATE statements. */
function updated<T>(result: unknown): T[] {
  return (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) ? result[0] : result) as T[];
}
