import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  NotFoundError,
  orderFrom,
  TenantDb,
  toPage,
  ValidationFailed,
  type FieldError,
  type Page,
  type TenantTx,
} from '@encours/api-core';
import { amountProblem, fromMinor, toMinor, type Minor } from '@encours/domain';
import { assertInPortfolio, Customer, portfolioOwner, TimelineService } from '@encours/receivables';
import { In } from 'typeorm';
import { TenantToday } from '@encours/api-core';
import { checkInvoices } from '../promises/commitment-invoices.js';
import { money } from '../promises/commitment-rules.js';
import type { CancelCommitmentDto } from '../promises/promise.dto.js';
import { userId } from '../promises/promise.service.js';
import type { CreatePaymentPlanDto, PaymentPlanDto, PaymentPlanQuery } from './payment-plan.dto.js';
import { PaymentPlan, PaymentPlanInstalment } from './payment-plan.entities.js';
import { generateSchedule, scheduleProblems, type ScheduledInstalment } from './plan-rules.js';

function toDto(p: PaymentPlan, customerName: string, instalments: PaymentPlanInstalment[]): PaymentPlanDto {
  const cur = p.currency;
  return {
    id: p.id,
    customerId: p.customerId,
    customerName,
    invoiceIds: p.invoiceIds,
    currency: cur,
    invoicesAmount: money(p.invoicesAmount, cur),
    penaltiesAmount: money(p.penaltiesAmount, cur),
    totalAmount: money(p.totalAmount, cur),
    paidAmount: money(p.paidAmount, cur),
    agreedOn: p.agreedOn,
    status: p.status,
    breachedOn: p.breachedOn,
    completedOn: p.completedOn,
    note: p.note,
    createdById: p.createdById,
    createdAt: new Date(p.createdAt).toISOString(),
    instalments: instalments
      .sort((a, b) => a.seq - b.seq)
      .map((i) => ({
        seq: i.seq,
        dueDate: i.dueDate,
        amount: money(i.amount, cur),
        paidAmount: money(i.paidAmount, cur),
        status: i.status,
      })),
  };
}

const SORTABLE: Record<string, string> = {
  agreedOn: 'p.agreed_on',
  totalAmount: 'p.total_amount',
  createdAt: 'p.created_at',
  status: 'p.status',
};

/**
 * Payment plans (échéanciers): instalments agreed with a customer for chosen invoices (and
 * penalties); followed by the CommitmentTracker, which applies the money received in order.
 */
@Injectable()
export class PaymentPlanService {
  constructor(
    private readonly db: TenantDb,
    private readonly clock: TenantToday,
    private readonly timeline: TimelineService,
  ) {}

  private async customer(tx: TenantTx, id: string): Promise<Customer> {
    const customer = await tx.repo(Customer).get(id);
    assertInPortfolio(customer);
    return customer;
  }

  /** The plan with its customer, if the caller may see it (sales: their portfolio); 404 otherwise. */
  private async plan(tx: TenantTx, id: string, lock = false): Promise<{ plan: PaymentPlan; customer: Customer }> {
    const plan = await tx.repo(PaymentPlan).get(id, lock ? { lock: { mode: 'pessimistic_write' } } : {});
    const customer = await tx.repo(Customer).findOneBy({ id: plan.customerId });
    const owner = portfolioOwner();
    if (!customer || (owner && customer.salespersonId !== owner)) throw new NotFoundError('PaymentPlan', id);
    return { plan, customer };
  }

  async create(customerId: string, dto: CreatePaymentPlanDto): Promise<PaymentPlanDto> {
    return this.db.transaction(async (tx) => {
      const customer = await this.customer(tx, customerId);
      const today = await this.clock.today(tx.tenantId, tx.manager);
      const errors: FieldError[] = [];
      if (!dto.instalments && !dto.schedule)
        errors.push({ field: 'instalments', message: 'give the instalments, or a schedule to generate them', code: 'required' });
      if (dto.instalments && dto.schedule)
        errors.push({ field: 'schedule', message: 'give either instalments or schedule, not both', code: 'exclusive' });

      // The invoices are locked until the end of the transaction: two plans cannot take the same one.
      const checked = await checkInvoices(tx, customer.id, dto.invoiceIds, null, true);
      errors.push(...checked.errors);
      const currency = checked.currency ?? customer.currency;

      let penalties: Minor = 0n;
      if (dto.penaltiesAmount !== undefined) {
        const problem = amountProblem(dto.penaltiesAmount, currency);
        if (problem) errors.push({ field: 'penaltiesAmount', message: `penaltiesAmount ${problem}`, code: 'amount' });
        else penalties = toMinor(dto.penaltiesAmount, currency);
        if (!problem && penalties > 0n && !dto.includePenalties)
          errors.push({
            field: 'penaltiesAmount',
            message: 'set includePenalties to true to add penalties to the plan',
            code: 'includePenalties',
          });
      }
      const total: Minor | null = checked.errors.length ? null : checked.openTotal + penalties;

      let schedule: ScheduledInstalment[] = [];
      if (dto.instalments && !dto.schedule) {
        let amountsOk = true;
        schedule = dto.instalments.map((inst, i) => {
          const problem = amountProblem(inst.amount, currency);
          if (problem) {
            amountsOk = false;
            errors.push({ field: `instalments[${i}].amount`, message: `amount ${problem}`, code: 'amount' });
            return { dueDate: inst.dueDate, amount: 1n };
          }
          return { dueDate: inst.dueDate, amount: toMinor(inst.amount, currency) };
        });
        errors.push(...scheduleProblems(schedule, amountsOk ? total : null, currency, today));
      } else if (dto.schedule && !dto.instalments) {
        const s = dto.schedule;
        if (s.firstDueDate < today)
          errors.push({
            field: 'schedule.firstDueDate',
            message: `firstDueDate must not be in the past (today is ${today})`,
            code: 'notPast',
          });
        if (total !== null && total < BigInt(s.count))
          errors.push({
            field: 'schedule.count',
            message: `${fromMinor(total, currency)} ${currency} cannot be split into ${s.count} instalments`,
            code: 'tooMany',
          });
        else if (total !== null) schedule = generateSchedule(total, s.count, s.firstDueDate, s.frequency);
      }
      if (errors.length) throw new ValidationFailed(errors);

      const taken: Array<{ id: string; invoice_ids: string[] }> = await tx.manager.query(
        `SELECT id, invoice_ids::text[] AS invoice_ids FROM payment_plan
          WHERE tenant_id = $1 AND customer_id = $3 AND status = 'active' AND invoice_ids && $2::uuid[]`,
        [tx.tenantId, dto.invoiceIds, customer.id],
      );
      if (taken.length) {
        const planOf = new Map<string, string>();
        for (const t of taken) for (const id of t.invoice_ids) planOf.set(id, t.id);
        const conflicts = dto.invoiceIds.flatMap((id, k) =>
          planOf.has(id)
            ? [
                {
                  field: `invoiceIds[${k}]`,
                  message: `invoice ${checked.invoices.find((i) => i.id === id)?.number ?? id} is already in the active payment plan ${planOf.get(id)}`,
                  code: 'inActivePlan',
                },
              ]
            : [],
        );
        throw new ConflictError('invoice-in-active-plan', 'An invoice can be in only one active payment plan', conflicts);
      }

      const plan = await tx.repo(PaymentPlan).save(
        tx.repo(PaymentPlan).create({
          customerId: customer.id,
          invoiceIds: dto.invoiceIds,
          currency,
          invoicesAmount: fromMinor(checked.openTotal, currency),
          penaltiesAmount: fromMinor(penalties, currency),
          totalAmount: fromMinor(total!, currency),
          paidAmount: '0',
          agreedOn: today,
          status: 'active',
          breachedOn: null,
          completedOn: null,
          note: dto.note ?? null,
          createdById: userId(),
        }),
      );
      const instalments = await tx.repo(PaymentPlanInstalment).save(
        schedule.map((s, i) =>
          tx.repo(PaymentPlanInstalment).create({
            planId: plan.id,
            seq: i + 1,
            dueDate: s.dueDate,
            amount: fromMinor(s.amount, currency),
            paidAmount: '0',
            status: 'pending',
          }),
        ),
      );
      const shown = fromMinor(total!, currency);
      const n = schedule.length;
      await this.timeline.record(tx.manager, tx.tenantId, {
        customerId: customer.id,
        type: 'payment_plan.created',
        title: `Payment plan agreed: ${shown} ${currency} in ${n} instalment${n > 1 ? 's' : ''}, ${schedule[0].dueDate} to ${schedule[n - 1].dueDate}`,
        body: dto.note ?? null,
        amount: shown,
        currency,
        data: {
          planId: plan.id,
          invoiceIds: dto.invoiceIds,
          penaltiesAmount: fromMinor(penalties, currency),
          instalments: schedule.map((s) => ({ dueDate: s.dueDate, amount: fromMinor(s.amount, currency) })),
        },
        source: 'dunning',
        authorId: userId(),
        related: { kind: 'payment_plan', id: plan.id, label: `Payment plan of ${shown} ${currency} agreed on ${today}` },
        dedupeKey: plan.id,
      });
      return toDto(await tx.repo(PaymentPlan).get(plan.id), customer.name, instalments);
    });
  }

  async get(id: string): Promise<PaymentPlanDto> {
    return this.db.transaction(async (tx) => {
      const { plan, customer } = await this.plan(tx, id);
      const instalments = await tx.repo(PaymentPlanInstalment).find({ where: { planId: plan.id }, order: { seq: 'ASC' } });
      return toDto(plan, customer.name, instalments);
    });
  }

  async listForCustomer(customerId: string, q: PaymentPlanQuery): Promise<Page<PaymentPlanDto>> {
    return this.db.transaction(async (tx) => {
      await this.customer(tx, customerId);
      return this.page(tx, { ...q, customerId } as PaymentPlanQuery);
    });
  }

  async list(q: PaymentPlanQuery): Promise<Page<PaymentPlanDto>> {
    return this.db.transaction((tx) => this.page(tx, q));
  }

  private async page(tx: TenantTx, q: PaymentPlanQuery): Promise<Page<PaymentPlanDto>> {
    const qb = tx.repo(PaymentPlan).qb('p').innerJoin(Customer, 'c', 'c.id = p.customer_id AND c.tenant_id = p.tenant_id');
    const owner = portfolioOwner();
    if (owner) qb.andWhere('c.salesperson_id = :owner', { owner });
    if (q.customerId) qb.andWhere('p.customer_id = :customerId', { customerId: q.customerId });
    if (q.status) qb.andWhere('p.status = :status', { status: q.status });
    if (q.q) qb.andWhere('c.name ILIKE :q', { q: `%${q.q.replace(/[%_\\]/g, '\\$&')}%` });
    const [field, dir] = Object.entries(orderFrom(q.sort, Object.keys(SORTABLE), { agreedOn: 'DESC' }))[0];
    qb.orderBy(SORTABLE[field], dir).addOrderBy('p.id', 'ASC');
    const [plans, total] = await qb
      .offset((q.page - 1) * q.pageSize)
      .limit(q.pageSize)
      .getManyAndCount();
    if (!plans.length) return toPage([], total, q);
    const ids = plans.map((p) => p.id);
    const instalments = await tx.repo(PaymentPlanInstalment).find({ where: { planId: In(ids) }, order: { seq: 'ASC' } });
    const customers = await tx.repo(Customer).find({
      where: { id: In([...new Set(plans.map((p) => p.customerId))]) },
      select: { id: true, name: true, tenantId: true },
    });
    const names = new Map(customers.map((c) => [c.id, c.name]));
    return toPage(
      plans.map((p) =>
        toDto(
          p,
          names.get(p.customerId) ?? '',
          instalments.filter((i) => i.planId === p.id),
        ),
      ),
      total,
      q,
    );
  }

  async cancel(id: string, dto: CancelCommitmentDto): Promise<PaymentPlanDto> {
    return this.db.transaction(async (tx) => {
      const { plan, customer } = await this.plan(tx, id, true);
      if (plan.status !== 'active')
        throw new ConflictError(
          'payment-plan-not-active',
          `This payment plan is already ${plan.status}: only an active plan can be cancelled`,
        );
      plan.status = 'cancelled';
      await tx.repo(PaymentPlan).save(plan);
      const total = money(plan.totalAmount, plan.currency);
      await this.timeline.record(tx.manager, tx.tenantId, {
        customerId: customer.id,
        type: 'payment_plan.cancelled',
        title: `Payment plan cancelled: ${total} ${plan.currency} agreed on ${plan.agreedOn}`,
        body: dto.reason ?? null,
        amount: total,
        currency: plan.currency,
        data: { planId: plan.id, reason: dto.reason ?? null, paidAmount: money(plan.paidAmount, plan.currency) },
        source: 'dunning',
        authorId: userId(),
        related: {
          kind: 'payment_plan',
          id: plan.id,
          label: `Payment plan of ${total} ${plan.currency} agreed on ${plan.agreedOn}`,
        },
        dedupeKey: plan.id,
      });
      const instalments = await tx.repo(PaymentPlanInstalment).find({ where: { planId: plan.id }, order: { seq: 'ASC' } });
      return toDto(plan, customer.name, instalments);
    });
  }
}
