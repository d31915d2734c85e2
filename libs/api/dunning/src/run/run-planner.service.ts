import { Injectable } from '@nestjs/common';
import {
  currencyDigits,
  decideNextStep,
  toMinor,
  type CalendarDate,
  type NextStepDecision,
  type PauseReason,
  type StepRule,
} from '@encours/domain';
import { TimelineService, type TimelineEntry } from '@encours/receivables';
import type { EntityManager } from 'typeorm';
import { scenarioAssignmentSql } from '../scenarios/scenario-assignment.js';
import type { StepAction, StepActor } from '../scenarios/scenario.entities.js';

/** A step of a scenario as the run needs it. */
export interface RunStep {
  id: string;
  scenarioId: string;
  scenarioName: string;
  position: number;
  name: string;
  offsetDays: number;
  action: StepAction;
  templateCode: string | null;
  minOverdueAmount: string;
  actor: StepActor;
  automatic: boolean;
}

/** What the run decides for one customer (also what the dry run lists). */
export interface PlannedStep {
  customerId: string;
  customerName: string;
  customerRef: string;
  step: RunStep;
  daysLate: number;
  /** Amount claimed, in the tenant currency (comparison amount). */
  amount: string;
  currency: string;
}

export interface Situation {
  customer_id: string;
  customer_name: string;
  customer_ref: string;
  salesperson_id: string | null;
  collector_id: string | null;
  scenario_id: string;
  level: number;
  level_scenario_id: string | null;
  days_since_level: number | null;
  days_late: number | null;
  overdue_cmp: string;
  due_soon_cmp: string;
  has_disputed_late: boolean;
  /** Already had its step today (a replayed run): left alone. */
  done_today: boolean;
  paused_by: PauseReason | null;
}

export interface Plan {
  planned: PlannedStep[];
  /** Customers whose level changes without an action (cycle ended, oldest invoice settled). */
  levelChanges: Array<{ customerId: string; scenarioId: string; level: number }>;
  skipped: Record<string, number>;
  situations: Map<string, Situation>;
}

/** Statuses an action starts with, by kind and by whether a person must validate it first. */
function initialStatus(step: RunStep): 'queued' | 'pending_validation' | 'task' | 'done' {
  if (!step.automatic) return 'pending_validation';
  if (step.action === 'call') return 'task';
  if (step.action === 'legal_escalation' || step.action === 'account_block') return 'done';
  return 'queued';
}

const TASK_FOR: Partial<Record<StepAction, string>> = { call: 'call' };

/**
 * Phase 1 of the daily run: for every customer of the tenant, in a handful of set-based
 * statements (no query per customer), find its situation (oldest eligible late invoice, amounts,
 * pauses, scenario and level), apply the next-step rule, and write the day's actions, the tasks
 * they need and the new levels. One action per customer and day (unique key): replaying the run
 * the same day inserts nothing.
 */
@Injectable()
export class RunPlannerService {
  constructor(private readonly timeline: TimelineService) {}

  async loadSteps(m: EntityManager, tenantId: string, digits = 3): Promise<Map<string, RunStep[]>> {
    const rows: Array<RunStep & { minOverdueAmount: string }> = await m.query(
      `SELECT s.id, s.scenario_id AS "scenarioId", sc.name AS "scenarioName", s.position, s.name, s.offset_days AS "offsetDays",
              s.action, s.template_code AS "templateCode", round(s.min_overdue_amount, $2::int)::text AS "minOverdueAmount", s.actor, s.automatic
         FROM dunning_step s JOIN dunning_scenario sc ON sc.id = s.scenario_id AND sc.tenant_id = s.tenant_id
        WHERE s.tenant_id = $1
        ORDER BY s.scenario_id, s.position`,
      [tenantId, digits],
    );
    const out = new Map<string, RunStep[]>();
    for (const r of rows) {
      const list = out.get(r.scenarioId) ?? [];
      list.push(r);
      out.set(r.scenarioId, list);
    }
    return out;
  }

  /** Every customer with something open (or a level to reset), with its situation on `today`. */
  async situations(
    m: EntityManager,
    tenantId: string,
    today: CalendarDate,
    preventiveDays: number,
    digits: number,
  ): Promise<Situation[]> {
    return m.query(
      `WITH ${scenarioAssignmentSql()},
       tenant_ccy AS (SELECT default_currency AS ccy FROM tenant WHERE id = $1),
       fx AS (
         SELECT DISTINCT ON (r.from_currency) r.from_currency, r.rate
           FROM exchange_rate r, tenant_ccy t
          WHERE r.tenant_id = $1 AND r.to_currency = t.ccy AND r.date <= $2::date
          ORDER BY r.from_currency, r.date DESC),
       inv AS (
         SELECT i.customer_id,
                min(i.due_date) FILTER (WHERE NOT i.disputed) AS oldest_due,
                coalesce(sum(i.open_amount * coalesce(fx.rate, 1)) FILTER (WHERE NOT i.disputed AND i.due_date < $2::date), 0) AS overdue_cmp,
                coalesce(sum(i.open_amount * coalesce(fx.rate, 1))
                         FILTER (WHERE NOT i.disputed AND i.due_date >= $2::date AND i.due_date <= $2::date + $3::int), 0) AS due_soon_cmp,
                coalesce(bool_or(i.disputed AND i.due_date < $2::date), false) AS has_disputed_late
           FROM receivable_item i
           LEFT JOIN fx ON fx.from_currency = i.currency
          WHERE i.tenant_id = $1 AND i.kind = 'invoice' AND i.status IN ('open', 'partially_paid') AND i.open_amount > 0
          GROUP BY i.customer_id),
       pending_promise AS (
         SELECT DISTINCT customer_id FROM promise_to_pay WHERE tenant_id = $1 AND status = 'pending'),
       active_plan AS (
         SELECT DISTINCT customer_id FROM payment_plan WHERE tenant_id = $1 AND status = 'active'),
       done_today AS (
         SELECT customer_id FROM dunning_action WHERE tenant_id = $1 AND run_date = $2::date),
       awaiting AS (
         SELECT DISTINCT customer_id FROM dunning_action WHERE tenant_id = $1 AND status = 'pending_validation'),
       touched AS (
         SELECT customer_id FROM inv
          UNION
         SELECT customer_id FROM customer_dunning WHERE tenant_id = $1 AND level > 0)
       SELECT t.customer_id, c.name AS customer_name, c.external_ref AS customer_ref, c.salesperson_id,
              cd.collector_id, cs.scenario_id, coalesce(cd.level, 0) AS level, cd.level_scenario_id,
              ($2::date - cd.level_reached_on) AS days_since_level,
              ($2::date - inv.oldest_due) AS days_late,
              round(coalesce(inv.overdue_cmp, 0), $4::int)::text AS overdue_cmp,
              round(coalesce(inv.due_soon_cmp, 0), $4::int)::text AS due_soon_cmp,
              coalesce(inv.has_disputed_late, false) AS has_disputed_late,
              (dt.customer_id IS NOT NULL) AS done_today,
              CASE WHEN cd.excluded THEN 'excluded'
                   WHEN cd.in_legal_collection THEN 'legal_collection'
                   WHEN cd.hold_until >= $2::date THEN 'hold'
                   WHEN pp.customer_id IS NOT NULL THEN 'promise'
                   WHEN ap.customer_id IS NOT NULL THEN 'payment_plan'
                   WHEN aw.customer_id IS NOT NULL THEN 'validation'
              END AS paused_by
         FROM touched t
         JOIN customer c ON c.id = t.customer_id AND c.tenant_id = $1
         JOIN customer_scenario cs ON cs.customer_id = t.customer_id
         LEFT JOIN inv ON inv.customer_id = t.customer_id
         LEFT JOIN customer_dunning cd ON cd.tenant_id = $1 AND cd.customer_id = t.customer_id
         LEFT JOIN pending_promise pp ON pp.customer_id = t.customer_id
         LEFT JOIN active_plan ap ON ap.customer_id = t.customer_id
         LEFT JOIN awaiting aw ON aw.customer_id = t.customer_id
         LEFT JOIN done_today dt ON dt.customer_id = t.customer_id`,
      [tenantId, today, preventiveDays, digits],
    );
  }

  async plan(m: EntityManager, tenantId: string, today: CalendarDate, currency: string): Promise<Plan> {
    const digits = currencyDigits(currency);
    const steps = await this.loadSteps(m, tenantId, digits);
    let preventiveDays = 0;
    for (const list of steps.values()) for (const s of list) preventiveDays = Math.max(preventiveDays, -s.offsetDays);
    const rules = new Map<string, StepRule[]>();
    for (const [id, list] of steps)
      rules.set(
        id,
        list.map((s) => ({
          position: s.position,
          offsetDays: s.offsetDays,
          minAmountMinor: toMinor(trim(s.minOverdueAmount), currency),
        })),
      );
    const rows = await this.situations(m, tenantId, today, preventiveDays, digits);
    const plan: Plan = { planned: [], levelChanges: [], skipped: {}, situations: new Map() };
    for (const row of rows) {
      if (row.done_today) {
        plan.skipped.done_today = (plan.skipped.done_today ?? 0) + 1;
        continue;
      }
      plan.situations.set(row.customer_id, row);
      const level = row.level_scenario_id && row.level_scenario_id !== row.scenario_id ? 0 : Number(row.level);
      const decision: NextStepDecision = decideNextStep(rules.get(row.scenario_id) ?? [], {
        level,
        oldestDaysLate: row.days_late === null ? null : Number(row.days_late),
        overdueMinor: toMinor(trim(row.overdue_cmp), currency),
        dueSoonMinor: toMinor(trim(row.due_soon_cmp), currency),
        onlyDisputedLate: row.has_disputed_late,
        daysSinceLevel: row.days_since_level === null ? null : Number(row.days_since_level),
        pausedBy: row.paused_by,
      });
      if (decision.kind === 'step') {
        const step = steps.get(row.scenario_id)!.find((s) => s.position === decision.position)!;
        plan.planned.push({
          customerId: row.customer_id,
          customerName: row.customer_name,
          customerRef: row.customer_ref,
          step,
          daysLate: Number(row.days_late),
          amount: step.offsetDays < 0 ? row.due_soon_cmp : row.overdue_cmp,
          currency,
        });
      } else {
        const key = decision.reason === 'paused' ? `paused_${decision.pausedBy}` : decision.reason;
        plan.skipped[key] = (plan.skipped[key] ?? 0) + 1;
        if (decision.level !== Number(row.level) || (row.level_scenario_id && row.level_scenario_id !== row.scenario_id))
          plan.levelChanges.push({ customerId: row.customer_id, scenarioId: row.scenario_id, level: decision.level });
      }
    }
    return plan;
  }

  /**
   * Writes the planned actions of the day (skipping customers that already have one today), the
   * tasks, the new levels and the immediate effects (account block, legal collection). Returns the
   * ids of the actions inserted, by initial status.
   */
  async write(
    m: EntityManager,
    tenantId: string,
    runId: string,
    today: CalendarDate,
    plan: Plan,
    runLabel: string,
    now: Date = new Date(),
  ): Promise<{ inserted: Array<{ id: string; customer_id: string; status: string; action: StepAction }> }> {
    const p = plan.planned;
    if (p.length === 0) {
      await this.applyLevelChanges(m, tenantId, today, plan.levelChanges);
      return { inserted: [] };
    }
    const inserted: Array<{ id: string; customer_id: string; status: string; action: StepAction }> = await m.query(
      `WITH d AS (
         SELECT * FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::int[], $7::text[], $8::text[], $9::text[], $10::boolean[],
                              $11::text[], $12::int[], $13::int[])
                    AS d(customer_id, scenario_id, step_id, position, step_name, action, template_code, automatic, status, days_late, offset_days))
       INSERT INTO dunning_action AS a (tenant_id, run_id, run_date, customer_id, scenario_id, step_id, step_position, step_name,
                                        action, template_code, automatic, status, invoice_ids, totals, days_late)
       SELECT $1, $2, $14::date, d.customer_id, d.scenario_id, d.step_id, d.position, d.step_name, d.action, d.template_code,
              d.automatic, d.status, st.ids, st.totals, d.days_late
         FROM d
         CROSS JOIN LATERAL (
           SELECT coalesce(array_agg(x.id ORDER BY x.due_date, x.number), '{}') AS ids,
                  coalesce((SELECT jsonb_agg(jsonb_build_object('currency', y.currency, 'overdue', y.overdue, 'open', y.open) ORDER BY y.currency)
                              FROM (SELECT i2.currency, sum(i2.open_amount) FILTER (WHERE i2.due_date < $14::date)::text AS overdue,
                                           sum(i2.open_amount)::text AS open
                                      FROM receivable_item i2
                                     WHERE i2.tenant_id = $1 AND i2.customer_id = d.customer_id AND i2.kind = 'invoice'
                                       AND i2.status IN ('open', 'partially_paid') AND i2.open_amount > 0 AND NOT i2.disputed
                                     GROUP BY i2.currency) y), '[]') AS totals
             FROM receivable_item x
            WHERE x.tenant_id = $1 AND x.customer_id = d.customer_id AND x.kind = 'invoice'
              AND x.status IN ('open', 'partially_paid') AND x.open_amount > 0 AND NOT x.disputed
              AND (CASE WHEN d.offset_days < 0 THEN x.due_date >= $14::date AND x.due_date <= $14::date - d.offset_days
                        ELSE x.due_date < $14::date END)) st
       ON CONFLICT (tenant_id, customer_id, run_date) DO NOTHING
       RETURNING a.id, a.customer_id, a.status, a.action`,
      [
        tenantId,
        runId,
        p.map((x) => x.customerId),
        p.map((x) => x.step.scenarioId),
        p.map((x) => x.step.id),
        p.map((x) => x.step.position),
        p.map((x) => x.step.name),
        p.map((x) => x.step.action),
        p.map((x) => x.step.templateCode),
        p.map((x) => x.step.automatic),
        p.map((x) => initialStatus(x.step)),
        p.map((x) => x.daysLate),
        p.map((x) => x.step.offsetDays),
        today,
      ],
    );
    const byCustomer = new Map(p.map((x) => [x.customerId, x]));
    const done = inserted.map((r) => byCustomer.get(r.customer_id)!);
    // New levels: the step reached (only for the actions really inserted).
    await this.applyLevelChanges(m, tenantId, today, [
      ...plan.levelChanges,
      ...done.map((x) => ({ customerId: x.customerId, scenarioId: x.step.scenarioId, level: x.step.position })),
    ]);
    // Tasks: calls, validations; effects of automatic blocks and escalations.
    const tasks: Array<{ actionId: string; customerId: string; kind: string; title: string; assignee: string | null }> = [];
    const blocks: string[] = [];
    const escalations: string[] = [];
    const timeline: TimelineEntry[] = [];
    for (const r of inserted) {
      const x = byCustomer.get(r.customer_id)!;
      const s = plan.situations.get(r.customer_id)!;
      const assignee = x.step.actor === 'salesperson' ? (s.salesperson_id ?? s.collector_id) : s.collector_id;
      if (r.status === 'pending_validation')
        tasks.push({
          actionId: r.id,
          customerId: r.customer_id,
          kind: 'validation',
          title: x.step.name,
          assignee,
        });
      else if (TASK_FOR[x.step.action])
        tasks.push({ actionId: r.id, customerId: r.customer_id, kind: TASK_FOR[x.step.action]!, title: x.step.name, assignee });
      if (r.status === 'done' && x.step.action === 'account_block') blocks.push(r.customer_id);
      if (r.status === 'done' && x.step.action === 'legal_escalation') {
        escalations.push(r.customer_id);
        tasks.push({ actionId: r.id, customerId: r.customer_id, kind: 'legal_escalation', title: x.step.name, assignee });
      }
      if (r.status !== 'queued')
        timeline.push({
          customerId: r.customer_id,
          type: `dunning.${r.status === 'pending_validation' ? 'awaiting_validation' : x.step.action}`,
          title:
            r.status === 'pending_validation'
              ? `${x.step.name}: awaiting validation`
              : x.step.action === 'call'
                ? `${x.step.name}: call to make`
                : x.step.action === 'account_block'
                  ? `${x.step.name}: account blocked`
                  : `${x.step.name}: handed to legal collection`,
          occurredAt: now,
          amount: x.amount,
          currency: x.currency,
          source: 'dunning',
          data: { step: x.step.position, stepName: x.step.name, scenario: x.step.scenarioName, daysLate: x.daysLate },
          related: { kind: 'dunning_action', id: r.id, label: runLabel },
          dedupeKey: r.id,
        });
    }
    if (tasks.length)
      await m.query(
        `INSERT INTO dunning_task (tenant_id, customer_id, action_id, kind, title, assignee_id, due_date)
         SELECT $1, t.customer_id, t.action_id, t.kind, t.title, t.assignee_id, $7::date
           FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::uuid[]) AS t(customer_id, action_id, kind, title, assignee_id)
         ON CONFLICT DO NOTHING`,
        [
          tenantId,
          tasks.map((t) => t.customerId),
          tasks.map((t) => t.actionId),
          tasks.map((t) => t.kind),
          tasks.map((t) => t.title.slice(0, 300)),
          tasks.map((t) => t.assignee),
          today,
        ],
      );
    if (blocks.length)
      await m.query(`UPDATE customer SET blocked = true WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, blocks]);
    if (escalations.length)
      await m.query(
        `UPDATE customer_dunning SET in_legal_collection = true WHERE tenant_id = $1 AND customer_id = ANY($2::uuid[])`,
        [tenantId, escalations],
      );
    await this.timeline.recordMany(m, tenantId, timeline);
    return { inserted };
  }

  private async applyLevelChanges(
    m: EntityManager,
    tenantId: string,
    today: CalendarDate,
    changes: Array<{ customerId: string; scenarioId: string; level: number }>,
  ): Promise<void> {
    if (!changes.length) return;
    await m.query(
      `INSERT INTO customer_dunning AS cd (tenant_id, customer_id, level, level_scenario_id, level_reached_on)
       SELECT $1, c.customer_id, c.level, c.scenario_id, $5::date
         FROM unnest($2::uuid[], $3::uuid[], $4::int[]) AS c(customer_id, scenario_id, level)
       ON CONFLICT (tenant_id, customer_id) DO UPDATE
          SET level = EXCLUDED.level, level_scenario_id = EXCLUDED.level_scenario_id,
              level_reached_on = EXCLUDED.level_reached_on, updated_at = now()`,
      [tenantId, changes.map((c) => c.customerId), changes.map((c) => c.scenarioId), changes.map((c) => c.level), today],
    );
  }
}

/** numeric(20,3) text → a decimal string the money helpers accept for the currency ("12.500" → "12.5"). */
function trim(v: string): string {
  return v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v;
}
