import { Injectable } from '@nestjs/common';
import {
  containsPattern,
  ConflictError,
  RequestContext,
  TenantDb,
  ValidationFailed,
  type Page,
  type TenantTx,
} from '@encours/api-core';
import { customerRisk, taskPriority, type CalendarDate } from '@encours/domain';
import { assertInPortfolio, Customer, CustomerContact, TimelineService } from '@encours/receivables';
import { TenantToday } from '@encours/api-core';
import { Clock } from '@encours/api-core';
import { DeliveryService } from '../run/delivery.service.js';
import { DunningAction } from '../run/run.entities.js';
import { DunningTask } from './dunning-task.entity.js';
import type { CompleteTaskDto, PostponeTaskDto, WorklistItemDto, WorklistQuery } from './worklist.dto.js';

interface Row {
  id: string;
  kind: string;
  title: string;
  due_date: string;
  status: string;
  assignee_id: string | null;
  assignee_name: string | null;
  action_id: string | null;
  step_name: string | null;
  action: string | null;
  outcome: string | null;
  comment: string | null;
  customer_id: string;
  customer_name: string;
  customer_ref: string;
  blocked: boolean;
  overdue: string;
  days_late: number | null;
  broken_promises: number;
  late_probability: string | null;
}

const OUTCOME_LABEL: Record<string, string> = {
  reached: 'reached',
  promise: 'promise to pay',
  dispute: 'dispute raised',
  no_answer: 'no answer',
  wrong_contact: 'wrong contact',
  voicemail: 'voicemail left',
};

/**
 * The collector's worklist: today's open tasks (calls, validations, letters to post, formal
 * notices to send, broken promises...), ordered by priority (amount, days late, risk: broken promises and the
 * predicted late payment of the customer's open invoices, see `customerRisk`), and what a
 * collector does with them: done (a call's outcome goes on the timeline), postponed, reassigned,
 * and for a validation, approved (the reminder is sent at once) or rejected.
 */
@Injectable()
export class WorklistService {
  constructor(
    private readonly db: TenantDb,
    private readonly clock: Clock,
    private readonly tenantToday: TenantToday,
    private readonly timeline: TimelineService,
    private readonly delivery: DeliveryService,
  ) {}

  private today(): Promise<CalendarDate> {
    return this.tenantToday.forTenant(this.db.dataSource.manager, this.db.tenantId);
  }

  async list(q: WorklistQuery): Promise<Page<WorklistItemDto>> {
    const tenantId = this.db.tenantId;
    const principal = RequestContext.principal();
    const userId = principal?.kind === 'user' ? principal.userId : null;
    const role = principal?.kind === 'user' ? principal.role : null;
    const day = q.date ?? (await this.today());
    let assignee = q.assignee ?? 'me';
    if (role === 'sales') assignee = 'me';
    if (assignee === 'me' && !userId) assignee = 'all';
    const params: unknown[] = [tenantId, day];
    let filter = '';
    if (assignee === 'me') {
      params.push(userId);
      // Collectors also see unassigned tasks; sales only theirs.
      filter += role === 'sales' ? ` AND t.assignee_id = $3` : ` AND (t.assignee_id = $3 OR t.assignee_id IS NULL)`;
    } else if (assignee !== 'all') {
      params.push(assignee);
      filter += ` AND t.assignee_id = $3`;
    }
    if (q.kind) {
      params.push(q.kind);
      filter += ` AND t.kind = $${params.length}`;
    }
    if (role === 'sales') {
      params.push(userId);
      filter += ` AND c.salesperson_id = $${params.length}`;
    }
    if (q.q) {
      params.push(containsPattern(q.q));
      filter += ` AND (c.name ILIKE $${params.length} OR c.external_ref ILIKE $${params.length} OR t.title ILIKE $${params.length})`;
    }
    const rows: Row[] = await this.db.dataSource.query(
      `WITH tasks AS (
         SELECT t.* FROM dunning_task t JOIN customer c ON c.id = t.customer_id
          WHERE t.tenant_id = $1 AND t.status = 'open' AND t.due_date <= $2::date ${filter}),
       fx AS (
         SELECT DISTINCT ON (r.from_currency) r.from_currency, r.rate
           FROM exchange_rate r JOIN tenant tn ON tn.id = r.tenant_id AND r.to_currency = tn.default_currency
          WHERE r.tenant_id = $1 ORDER BY r.from_currency, r.date DESC),
       exposure AS (
         SELECT i.customer_id, round(sum(i.open_amount * coalesce(fx.rate, 1)), 2)::text AS overdue,
                ($2::date - min(i.due_date)) AS days_late
           FROM receivable_item i LEFT JOIN fx ON fx.from_currency = i.currency
          WHERE i.tenant_id = $1 AND i.customer_id IN (SELECT customer_id FROM tasks) AND i.kind = 'invoice'
            AND i.status IN ('open', 'partially_paid') AND i.open_amount > 0 AND i.due_date < $2::date AND NOT i.disputed
          GROUP BY i.customer_id),
       broken AS (
         SELECT customer_id, count(*)::int AS n FROM promise_to_pay
          WHERE tenant_id = $1 AND status = 'broken' AND decided_on > $2::date - 365 AND customer_id IN (SELECT customer_id FROM tasks)
          GROUP BY customer_id),
       -- Payment predictions (scoring): mean late probability of the open, undisputed invoices, weighted by open amount.
       late AS (
         SELECT p.customer_id,
                round(sum(p.late_probability * i.open_amount * coalesce(fx.rate, 1))
                      / nullif(sum(i.open_amount * coalesce(fx.rate, 1)), 0), 4)::text AS late_probability
           FROM invoice_prediction p
           JOIN receivable_item i ON i.id = p.item_id AND i.tenant_id = p.tenant_id
           LEFT JOIN fx ON fx.from_currency = i.currency
          WHERE p.tenant_id = $1 AND p.customer_id IN (SELECT customer_id FROM tasks) AND i.kind = 'invoice'
            AND i.status IN ('open', 'partially_paid') AND i.open_amount > 0 AND NOT i.disputed
          GROUP BY p.customer_id)
       SELECT t.id, t.kind, t.title, t.due_date::text, t.status, t.assignee_id, u.name AS assignee_name, t.action_id,
              a.step_name, a.action, t.outcome, t.comment, c.id AS customer_id, c.name AS customer_name,
              c.external_ref AS customer_ref, c.blocked, coalesce(e.overdue, '0') AS overdue, e.days_late,
              coalesce(b.n, 0) AS broken_promises, l.late_probability
         FROM tasks t
         JOIN customer c ON c.id = t.customer_id
         LEFT JOIN app_user u ON u.id = t.assignee_id
         LEFT JOIN dunning_action a ON a.id = t.action_id
         LEFT JOIN exposure e ON e.customer_id = t.customer_id
         LEFT JOIN broken b ON b.customer_id = t.customer_id
         LEFT JOIN late l ON l.customer_id = t.customer_id`,
      params,
    );
    const [{ currency }]: Array<{ currency: string }> = await this.db.dataSource.query(
      `SELECT default_currency AS currency FROM tenant WHERE id = $1`,
      [tenantId],
    );
    const dayNumber = Date.parse(`${day}T00:00:00Z`);
    const late = (r: Row) => (r.late_probability === null ? null : Number(r.late_probability));
    const items: WorklistItemDto[] = rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      dueDate: r.due_date,
      status: r.status,
      priority: taskPriority({
        overdue: r.overdue,
        daysLate: Number(r.days_late ?? 0),
        risk: customerRisk({ brokenPromises: r.broken_promises, lateProbability: late(r) }),
        waitingDays: Math.round((dayNumber - Date.parse(`${r.due_date}T00:00:00Z`)) / 86_400_000),
      }),
      customer: { id: r.customer_id, name: r.customer_name, externalRef: r.customer_ref, blocked: r.blocked },
      overdue: r.overdue,
      currency,
      daysLate: Number(r.days_late ?? 0),
      assigneeId: r.assignee_id,
      assigneeName: r.assignee_name,
      actionId: r.action_id,
      stepName: r.step_name,
      action: r.action,
      brokenPromises: r.broken_promises,
      lateProbability: late(r),
      outcome: r.outcome,
      comment: r.comment,
    }));
    items.sort((a, b) => b.priority - a.priority || a.dueDate.localeCompare(b.dueDate) || a.id.localeCompare(b.id));
    const start = (q.page - 1) * q.pageSize;
    return { items: items.slice(start, start + q.pageSize), total: items.length, page: q.page, pageSize: q.pageSize };
  }

  private userId(): string | null {
    const p = RequestContext.principal();
    return p?.kind === 'user' ? p.userId : null;
  }

  /** The task, if the caller may act on it (sales: their customers' tasks only). */
  private async openTask(tx: TenantTx, id: string): Promise<{ task: DunningTask; customer: Customer }> {
    const task = await tx.repo(DunningTask).get(id);
    const customer = await tx.repo(Customer).get(task.customerId);
    assertInPortfolio(customer);
    if (task.status !== 'open') throw new ConflictError('task_closed', `This task is already ${task.status}`);
    return { task, customer };
  }

  async complete(id: string, dto: CompleteTaskDto): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      const { task, customer } = await this.openTask(tx, id);
      if (task.kind === 'validation')
        throw new ValidationFailed([
          { field: 'kind', message: 'A validation is approved or rejected (POST .../approve or .../reject)' },
        ]);
      if (task.kind === 'call' && !dto.outcome)
        throw new ValidationFailed([{ field: 'outcome', message: 'outcome is required to complete a call' }]);
      const contact = dto.contactId
        ? await tx.repo(CustomerContact).findOneBy({ id: dto.contactId, customerId: customer.id })
        : null;
      if (dto.contactId && !contact)
        throw new ValidationFailed([{ field: 'contactId', message: 'contactId is not a contact of this customer' }]);
      await tx.repo(DunningTask).save(
        Object.assign(task, {
          status: 'done',
          outcome: dto.outcome ?? null,
          comment: dto.comment ?? null,
          completedAt: now,
          completedById: this.userId(),
        }),
      );
      if (task.kind === 'letter' || task.kind === 'formal_notice')
        await tx.manager.query(
          `UPDATE dunning_document SET print_status = 'printed', printed_at = $3 WHERE tenant_id = $1 AND action_id = $2 AND print_status = 'to_print'`,
          [tx.tenantId, task.actionId, now],
        );
      if (task.kind === 'call' || dto.outcome)
        await this.timeline.record(tx.manager, tx.tenantId, {
          customerId: customer.id,
          type: 'call',
          occurredAt: now,
          title: `Call${contact ? ` with ${contact.name}` : ''}: ${OUTCOME_LABEL[dto.outcome ?? 'reached']}`,
          body: dto.comment ?? null,
          source: 'dunning',
          authorId: this.userId(),
          data: { outcome: dto.outcome, contactId: contact?.id ?? null, taskId: task.id },
          related: task.actionId ? { kind: 'dunning_action', id: task.actionId, label: task.title } : null,
        });
      else
        await this.timeline.record(tx.manager, tx.tenantId, {
          customerId: customer.id,
          type: `dunning.task_done`,
          occurredAt: now,
          title: `Done: ${task.title}`,
          body: dto.comment ?? null,
          source: 'dunning',
          authorId: this.userId(),
          data: { kind: task.kind, taskId: task.id },
        });
    });
  }

  async postpone(id: string, dto: PostponeTaskDto): Promise<void> {
    const today = await this.today();
    await this.db.transaction(async (tx) => {
      const { task } = await this.openTask(tx, id);
      if (dto.until <= today) throw new ValidationFailed([{ field: 'until', message: `until must be after today (${today})` }]);
      await tx.repo(DunningTask).save(Object.assign(task, { dueDate: dto.until, comment: dto.comment ?? task.comment }));
    });
  }

  async reassign(id: string, assigneeId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const { task } = await this.openTask(tx, id);
      const [user] = await tx.manager.query(
        `SELECT id FROM app_user WHERE tenant_id = $1 AND id = $2 AND active AND role IN ('admin', 'credit_manager', 'collector', 'sales')`,
        [tx.tenantId, assigneeId],
      );
      if (!user)
        throw new ValidationFailed([
          { field: 'assigneeId', message: 'assigneeId is not an active user of this tenant who can work tasks' },
        ]);
      await tx.repo(DunningTask).save(Object.assign(task, { assigneeId }));
    });
  }

  /** Approves a validation: the action runs now (message sent, block applied...). */
  async approve(id: string, comment?: string): Promise<{ status: string; error?: string | null }> {
    const now = this.clock.now();
    const today = await this.today();
    const action = await this.db.transaction(async (tx) => {
      const { task, customer } = await this.openTask(tx, id);
      if (task.kind !== 'validation' || !task.actionId)
        throw new ValidationFailed([{ field: 'kind', message: 'Only a validation task can be approved' }]);
      const a = await tx.repo(DunningAction).get(task.actionId);
      if (a.status !== 'pending_validation') throw new ConflictError('action_decided', `The action is already ${a.status}`);
      const next =
        a.action === 'call' ? 'task' : a.action === 'account_block' || a.action === 'legal_escalation' ? 'done' : 'queued';
      await tx.repo(DunningAction).save(Object.assign(a, { status: next, validatedById: this.userId() }));
      await tx.repo(DunningTask).save(
        Object.assign(task, {
          status: 'done',
          outcome: 'approved',
          comment: comment ?? null,
          completedAt: now,
          completedById: this.userId(),
        }),
      );
      if (a.action === 'account_block')
        await tx.manager.query(`UPDATE customer SET blocked = true WHERE tenant_id = $1 AND id = $2`, [tx.tenantId, customer.id]);
      if (a.action === 'legal_escalation')
        await tx.manager.query(
          `UPDATE customer_dunning SET in_legal_collection = true WHERE tenant_id = $1 AND customer_id = $2`,
          [tx.tenantId, customer.id],
        );
      if (a.action === 'call' || a.action === 'legal_escalation')
        await tx.repo(DunningTask).save(
          tx.repo(DunningTask).create({
            customerId: customer.id,
            actionId: a.id,
            kind: a.action === 'call' ? 'call' : 'legal_escalation',
            title: a.stepName,
            assigneeId: task.assigneeId,
            dueDate: today,
          }),
        );
      await this.timeline.record(tx.manager, tx.tenantId, {
        customerId: customer.id,
        type: 'dunning.approved',
        occurredAt: now,
        title: `${a.stepName}: approved`,
        body: comment ?? null,
        source: 'dunning',
        authorId: this.userId(),
        related: { kind: 'dunning_action', id: a.id, label: a.stepName },
      });
      return a;
    });
    if (action.status === 'queued') await this.delivery.deliverDue(this.db.tenantId, now, { actionIds: [action.id], today });
    const [after] = await this.db.dataSource.query(`SELECT status, last_error FROM dunning_action WHERE id = $1`, [action.id]);
    return { status: after.status, error: after.last_error };
  }

  async reject(id: string, comment?: string): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      const { task, customer } = await this.openTask(tx, id);
      if (task.kind !== 'validation' || !task.actionId)
        throw new ValidationFailed([{ field: 'kind', message: 'Only a validation task can be rejected' }]);
      const a = await tx.repo(DunningAction).get(task.actionId);
      if (a.status !== 'pending_validation') throw new ConflictError('action_decided', `The action is already ${a.status}`);
      await tx.repo(DunningAction).save(Object.assign(a, { status: 'cancelled', validatedById: this.userId() }));
      await tx.repo(DunningTask).save(
        Object.assign(task, {
          status: 'done',
          outcome: 'rejected',
          comment: comment ?? null,
          completedAt: now,
          completedById: this.userId(),
        }),
      );
      await this.timeline.record(tx.manager, tx.tenantId, {
        customerId: customer.id,
        type: 'dunning.rejected',
        occurredAt: now,
        title: `${a.stepName}: not sent (rejected)`,
        body: comment ?? null,
        source: 'dunning',
        authorId: this.userId(),
        related: { kind: 'dunning_action', id: a.id, label: a.stepName },
      });
    });
  }
}
