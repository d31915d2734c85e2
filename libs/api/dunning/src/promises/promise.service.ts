import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  NotFoundError,
  orderFrom,
  RequestContext,
  TenantDb,
  toPage,
  ValidationFailed,
  type FieldError,
  type Page,
  type TenantTx,
} from '@encours/api-core';
import { addDays, amountProblem, fromMinor, toMinor, type CalendarDate, type Minor } from '@encours/domain';
import { assertInPortfolio, Customer, CustomerContact, portfolioOwner, TimelineService } from '@encours/receivables';
import { In } from 'typeorm';
import { TenantToday } from '@encours/api-core';
import { checkInvoices } from './commitment-invoices.js';
import { keptRate, money, numericToMinor, oneYearAfter } from './commitment-rules.js';
import type {
  CancelCommitmentDto,
  CollectorPromiseStatsDto,
  CreatePromiseDto,
  PromiseAmountsDto,
  PromiseDto,
  PromiseQuery,
  PromiseStatsDto,
  PromiseStatsQuery,
} from './promise.dto.js';
import { PromiseToPay, type PromiseStatus } from './promise.entity.js';

export function userId(): string | null {
  const p = RequestContext.principal();
  return p?.kind === 'user' ? p.userId : null;
}

function toDto(p: PromiseToPay, customerName: string): PromiseDto {
  return {
    id: p.id,
    customerId: p.customerId,
    customerName,
    amount: money(p.amount, p.currency),
    currency: p.currency,
    promisedDate: p.promisedDate,
    promisedOn: p.promisedOn,
    invoiceIds: p.invoiceIds ?? [],
    contactId: p.contactId,
    channel: p.channel,
    status: p.status,
    paidAmount: money(p.paidAmount, p.currency),
    decidedOn: p.decidedOn,
    note: p.note,
    createdById: p.createdById,
    createdAt: new Date(p.createdAt).toISOString(),
  };
}

const SORTABLE: Record<string, string> = {
  promisedDate: 'p.promised_date',
  promisedOn: 'p.promised_on',
  amount: 'p.amount',
  createdAt: 'p.created_at',
  status: 'p.status',
};

/**
 * Promises to pay: recorded by a collector (or a salesperson for their own customers, or a CRM
 * through an API key), decided kept or broken by the CommitmentTracker from the payments.
 */
@Injectable()
export class PromiseService {
  constructor(
    private readonly db: TenantDb,
    private readonly clock: TenantToday,
    private readonly timeline: TimelineService,
  ) {}

  /** The customer, if the caller may see it (sales: their portfolio); 404 otherwise. */
  private async customer(tx: TenantTx, id: string): Promise<Customer> {
    const customer = await tx.repo(Customer).get(id);
    assertInPortfolio(customer);
    return customer;
  }

  async create(customerId: string, dto: CreatePromiseDto): Promise<PromiseDto> {
    return this.db.transaction(async (tx) => {
      const customer = await this.customer(tx, customerId);
      const today = await this.clock.today(tx.tenantId, tx.manager);
      const errors: FieldError[] = [];
      const currency = dto.currency;
      let amount: Minor | null = null;
      const problem = amountProblem(dto.amount, currency);
      if (problem) errors.push({ field: 'amount', message: `amount ${problem}`, code: 'amount' });
      else {
        amount = toMinor(dto.amount, currency);
        if (amount <= 0n) errors.push({ field: 'amount', message: 'amount must be greater than 0', code: 'positive' });
      }
      const latest = oneYearAfter(today);
      if (dto.promisedDate < today)
        errors.push({
          field: 'promisedDate',
          message: `promisedDate must not be in the past (today is ${today})`,
          code: 'notPast',
        });
      else if (dto.promisedDate > latest)
        errors.push({
          field: 'promisedDate',
          message: `promisedDate must be at most one year ahead (${latest})`,
          code: 'tooFar',
        });
      const invoiceIds = dto.invoiceIds ?? [];
      const checked = await checkInvoices(tx, customer.id, invoiceIds, currency);
      errors.push(...checked.errors);
      if (invoiceIds.length && !checked.errors.length && amount !== null && amount > checked.openTotal)
        errors.push({
          field: 'amount',
          message: `amount ${fromMinor(amount, currency)} exceeds the open total of the invoices, ${fromMinor(checked.openTotal, currency)} ${currency}`,
          code: 'exceedsOpen',
        });
      if (dto.contactId && !(await tx.repo(CustomerContact).findOneBy({ id: dto.contactId, customerId: customer.id })))
        errors.push({ field: 'contactId', message: 'contactId is not a contact of this customer', code: 'unknownContact' });
      if (errors.length) throw new ValidationFailed(errors);

      const promise = await tx.repo(PromiseToPay).save(
        tx.repo(PromiseToPay).create({
          customerId: customer.id,
          amount: fromMinor(amount!, currency),
          currency,
          promisedDate: dto.promisedDate,
          promisedOn: today,
          invoiceIds,
          contactId: dto.contactId ?? null,
          channel: dto.channel,
          status: 'pending',
          paidAmount: '0',
          decidedOn: null,
          note: dto.note ?? null,
          createdById: userId(),
        }),
      );
      const shown = fromMinor(amount!, currency);
      await this.timeline.record(tx.manager, tx.tenantId, {
        customerId: customer.id,
        type: 'promise.created',
        title: `Promise to pay ${shown} ${currency} by ${dto.promisedDate} (${dto.channel})`,
        body: dto.note ?? null,
        amount: shown,
        currency,
        data: {
          promiseId: promise.id,
          promisedDate: dto.promisedDate,
          invoiceIds,
          channel: dto.channel,
          contactId: dto.contactId ?? null,
        },
        source: 'dunning',
        authorId: userId(),
        related: { kind: 'promise', id: promise.id, label: `Promise of ${shown} ${currency} for ${dto.promisedDate}` },
        dedupeKey: promise.id,
      });
      return toDto(await tx.repo(PromiseToPay).get(promise.id), customer.name);
    });
  }

  async listForCustomer(customerId: string, q: PromiseQuery): Promise<Page<PromiseDto>> {
    return this.db.transaction(async (tx) => {
      await this.customer(tx, customerId);
      return this.page(tx, { ...q, customerId } as PromiseQuery);
    });
  }

  async list(q: PromiseQuery): Promise<Page<PromiseDto>> {
    return this.db.transaction((tx) => this.page(tx, q));
  }

  private async page(tx: TenantTx, q: PromiseQuery): Promise<Page<PromiseDto>> {
    const qb = tx.repo(PromiseToPay).qb('p').innerJoin(Customer, 'c', 'c.id = p.customer_id AND c.tenant_id = p.tenant_id');
    const owner = portfolioOwner();
    if (owner) qb.andWhere('c.salesperson_id = :owner', { owner });
    if (q.customerId) qb.andWhere('p.customer_id = :customerId', { customerId: q.customerId });
    if (q.status) qb.andWhere('p.status = :status', { status: q.status });
    if (q.from) qb.andWhere('p.promised_date >= :from', { from: q.from });
    if (q.to) qb.andWhere('p.promised_date <= :to', { to: q.to });
    if (q.q) qb.andWhere('c.name ILIKE :q', { q: `%${q.q.replace(/[%_\\]/g, '\\$&')}%` });
    const [field, dir] = Object.entries(orderFrom(q.sort, Object.keys(SORTABLE), { promisedDate: 'DESC' }))[0];
    qb.orderBy(SORTABLE[field], dir).addOrderBy('p.id', 'ASC');
    const [rows, total] = await qb
      .offset((q.page - 1) * q.pageSize)
      .limit(q.pageSize)
      .getManyAndCount();
    const names = await this.customerNames(
      tx,
      rows.map((r) => r.customerId),
    );
    return toPage(
      rows.map((r) => toDto(r, names.get(r.customerId) ?? '')),
      total,
      q,
    );
  }

  private async customerNames(tx: TenantTx, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const customers = await tx
      .repo(Customer)
      .find({ where: { id: In([...new Set(ids)]) }, select: { id: true, name: true, tenantId: true } });
    return new Map(customers.map((c) => [c.id, c.name]));
  }

  async cancel(id: string, dto: CancelCommitmentDto): Promise<PromiseDto> {
    return this.db.transaction(async (tx) => {
      const promise = await tx.repo(PromiseToPay).get(id, { lock: { mode: 'pessimistic_write' } });
      const customer = await tx.repo(Customer).findOneBy({ id: promise.customerId });
      const owner = portfolioOwner();
      if (!customer || (owner && customer.salespersonId !== owner)) throw new NotFoundError('PromiseToPay', id);
      if (promise.status !== 'pending')
        throw new ConflictError(
          'promise-not-pending',
          `This promise is already ${promise.status}: only a pending promise can be cancelled`,
        );
      const today = await this.clock.today(tx.tenantId, tx.manager);
      promise.status = 'cancelled';
      promise.decidedOn = today;
      await tx.repo(PromiseToPay).save(promise);
      const amount = money(promise.amount, promise.currency);
      await this.timeline.record(tx.manager, tx.tenantId, {
        customerId: customer.id,
        type: 'promise.cancelled',
        title: `Promise cancelled: ${amount} ${promise.currency} for ${promise.promisedDate}`,
        body: dto.reason ?? null,
        amount,
        currency: promise.currency,
        data: { promiseId: promise.id, reason: dto.reason ?? null },
        source: 'dunning',
        authorId: userId(),
        related: {
          kind: 'promise',
          id: promise.id,
          label: `Promise of ${amount} ${promise.currency} for ${promise.promisedDate}`,
        },
        dedupeKey: promise.id,
      });
      return toDto(promise, customer.name);
    });
  }

  /**
   * Promises made (`promised_on`) between `from` and `to`, by status; keptRate = kept / (kept +
   * broken). Amounts per currency, never converted. The same figures by user who recorded them.
   */
  async stats(q: PromiseStatsQuery): Promise<PromiseStatsDto> {
    const tenantId = this.db.tenantId;
    const to: CalendarDate = q.to ?? (await this.clock.today(tenantId));
    const from: CalendarDate = q.from ?? addDays(to, -89);
    if (from > to)
      throw new ValidationFailed([{ field: 'from', message: `from (${from}) must not be after to (${to})`, code: 'range' }]);
    const params: unknown[] = [tenantId, from, to];
    let portfolio = '';
    const owner = portfolioOwner();
    if (owner) {
      params.push(owner);
      portfolio = ` AND c.salesperson_id = $4`;
    }
    const rows: Array<{
      created_by_id: string | null;
      name: string | null;
      status: PromiseStatus;
      currency: string;
      n: number;
      amount: string;
    }> = await this.db.dataSource.query(
      `SELECT p.created_by_id, u.name::text AS name, p.status, p.currency::text AS currency, count(*)::int AS n, sum(p.amount)::text AS amount
           FROM promise_to_pay p
           JOIN customer c ON c.id = p.customer_id AND c.tenant_id = p.tenant_id
           LEFT JOIN app_user u ON u.id = p.created_by_id AND u.tenant_id = p.tenant_id
          WHERE p.tenant_id = $1 AND p.promised_on BETWEEN $2::date AND $3::date${portfolio}
          GROUP BY p.created_by_id, u.name, p.status, p.currency`,
      params,
    );
    const all = new Tally();
    const byUser = new Map<string, { userId: string | null; name: string | null; tally: Tally }>();
    for (const r of rows) {
      all.add(r.status, r.currency, r.n, r.amount);
      const key = r.created_by_id ?? '';
      if (!byUser.has(key)) byUser.set(key, { userId: r.created_by_id, name: r.name, tally: new Tally() });
      byUser.get(key)!.tally.add(r.status, r.currency, r.n, r.amount);
    }
    const byCollector: CollectorPromiseStatsDto[] = [...byUser.values()]
      .map((u) => ({ userId: u.userId, name: u.name, ...u.tally.result() }))
      .sort((a, b) => b.made - a.made || (a.name ?? '').localeCompare(b.name ?? ''));
    return { from, to, ...all.result(), byCollector };
  }
}

/** Counts and per-currency amounts of promises, in minor units (no floating-point sums). */
class Tally {
  private counts: Record<PromiseStatus, number> = { pending: 0, kept: 0, broken: 0, cancelled: 0 };
  private amounts = new Map<string, { promised: Minor; kept: Minor }>();

  add(status: PromiseStatus, currency: string, n: number, amount: string): void {
    this.counts[status] += n;
    const a = this.amounts.get(currency) ?? { promised: 0n, kept: 0n };
    const minor = numericToMinor(amount, currency);
    a.promised += minor;
    if (status === 'kept') a.kept += minor;
    this.amounts.set(currency, a);
  }

  result() {
    const { pending, kept, broken, cancelled } = this.counts;
    const amounts: PromiseAmountsDto[] = [...this.amounts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, a]) => ({
        currency,
        amountPromised: fromMinor(a.promised, currency),
        amountKept: fromMinor(a.kept, currency),
      }));
    return {
      made: pending + kept + broken + cancelled,
      kept,
      broken,
      pending,
      cancelled,
      keptRate: keptRate(kept, broken),
      amounts,
    };
  }
}
