import { Injectable } from '@nestjs/common';
import {
  containsPattern,
  DomainEvents,
  LegalEntity,
  RequestContext,
  TenantDb,
  toPage,
  ValidationFailed,
  type Page,
} from '@encours/api-core';
import { amountProblem, isCalendarDate, today } from '@encours/domain';
import { Allocation } from '../allocations/allocation.entity.js';
import { AllocationService } from '../allocations/allocation.service.js';
import { Customer } from '../customers/customer.entity.js';
import { Payment } from '../payments/payment.entity.js';
import { ConflictError } from '@encours/api-core';
import { money } from '../shared/amounts.js';
import { CSV_EXPORT_LIMIT } from '../shared/list.js';
import type {
  DisputeFlagDto,
  AllocationDto,
  CreateAllocationDto,
  CreateInvoiceDto,
  InvoiceDto,
  InvoiceQuery,
  PaymentDto,
  PaymentQuery,
} from './invoice.dto.js';
import { ReceivableItem } from './receivable-item.entity.js';
import { TimelineService } from '../timeline/timeline.service.js';
import { assertInPortfolio, portfolioOwner, restrictToPortfolio } from '../shared/portfolio.js';

export function toInvoiceDto(i: ReceivableItem & { customer?: Customer }): InvoiceDto {
  return {
    id: i.id,
    kind: i.kind,
    externalRef: i.externalRef,
    number: i.number,
    customerId: i.customerId,
    customerName: i.customer?.name ?? '',
    legalEntityId: i.legalEntityId,
    issueDate: i.issueDate,
    dueDate: i.dueDate,
    currency: i.currency,
    amount: money(i.amount, i.currency)!,
    taxAmount: money(i.taxAmount, i.currency),
    openAmount: money(i.openAmount, i.currency)!,
    poNumber: i.poNumber,
    pdfUrl: i.pdfUrl,
    status: i.status,
    disputed: i.disputed,
    settledOutside: i.settledOutside,
    closedAt: i.closedAt,
  };
}

const toAllocationDto = (a: Allocation, currency: string): AllocationDto => ({
  id: a.id,
  invoiceId: a.invoiceId,
  paymentId: a.paymentId,
  creditNoteId: a.creditNoteId,
  amount: money(a.amount, currency)!,
  date: a.date,
  externalRef: a.externalRef,
});

export const toPaymentDto = (p: Payment): PaymentDto => ({
  id: p.id,
  externalRef: p.externalRef,
  customerId: p.customerId,
  date: p.date,
  amount: money(p.amount, p.currency)!,
  currency: p.currency,
  method: p.method,
  bankReference: p.bankReference,
  unallocatedAmount: money(p.unallocatedAmount, p.currency)!,
});

const SORTABLE: Record<string, string> = {
  dueDate: 'i.due_date',
  issueDate: 'i.issue_date',
  amount: 'i.amount',
  openAmount: 'i.open_amount',
  number: 'i.number',
  createdAt: 'i.created_at',
};

/** Invoices and credit notes (read, manual entry), payments (read), manual allocations. */
@Injectable()
export class InvoiceService {
  constructor(
    private readonly db: TenantDb,
    private readonly allocations: AllocationService,
    private readonly events: DomainEvents,
    private readonly timeline: TimelineService,
  ) {}

  async list(q: InvoiceQuery, all = false): Promise<Page<InvoiceDto>> {
    const qb = restrictToPortfolio(this.db.repo(ReceivableItem).qb('i').innerJoinAndSelect('i.customer', 'c'), 'c');
    if (q.kind) qb.andWhere('i.kind = :kind', { kind: q.kind });
    if (q.status) qb.andWhere('i.status = :status', { status: q.status });
    if (q.customerId) qb.andWhere('i.customer_id = :customerId', { customerId: q.customerId });
    if (q.overdue) qb.andWhere(`i.open_amount > 0 AND i.due_date < :today`, { today: today() });
    if (q.dueBefore) qb.andWhere('i.due_date <= :dueBefore', { dueBefore: q.dueBefore });
    if (q.dueAfter) qb.andWhere('i.due_date >= :dueAfter', { dueAfter: q.dueAfter });
    if (q.q) {
      qb.andWhere('(i.number ILIKE :q OR i.external_ref ILIKE :q OR c.name ILIKE :q)', {
        q: containsPattern(q.q),
      });
    }
    const desc = q.sort?.startsWith('-');
    qb.orderBy(SORTABLE[q.sort?.replace(/^-/, '') ?? ''] ?? 'i.due_date', desc ? 'DESC' : 'ASC').addOrderBy('i.id', 'ASC');
    qb.skip(all ? 0 : (q.page - 1) * q.pageSize).take(all ? CSV_EXPORT_LIMIT : q.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return toPage(rows.map(toInvoiceDto), total, q);
  }

  async get(id: string): Promise<InvoiceDto> {
    const item = await this.db.repo(ReceivableItem).get(id, { relations: { customer: true } });
    assertInPortfolio(item.customer!);
    const allocations = await this.db.repo(Allocation).find({
      where: item.kind === 'invoice' ? { invoiceId: item.id } : { creditNoteId: item.id },
      order: { date: 'ASC', createdAt: 'ASC' },
    });
    return { ...toInvoiceDto(item), lines: item.lines, allocations: allocations.map((a) => toAllocationDto(a, item.currency)) };
  }

  /** Sets or clears the dispute flag (until the litigation module owns disputes), with a timeline entry. */
  async setDisputed(id: string, dto: DisputeFlagDto): Promise<InvoiceDto> {
    await this.db.transaction(async (tx) => {
      const item = await tx.repo(ReceivableItem).get(id, { relations: { customer: true } });
      assertInPortfolio(item.customer!);
      if (item.kind !== 'invoice') throw new ValidationFailed([{ field: 'id', message: 'Only an invoice can be disputed' }]);
      if (item.disputed === dto.disputed) return;
      await tx.repo(ReceivableItem).save(Object.assign(item, { disputed: dto.disputed, customer: undefined }));
      const p = RequestContext.principal();
      await this.timeline.record(tx.manager, tx.tenantId, {
        customerId: item.customerId,
        type: dto.disputed ? 'invoice.disputed' : 'invoice.dispute_cleared',
        title: dto.disputed ? `Invoice ${item.number} disputed` : `Invoice ${item.number}: dispute cleared`,
        body: dto.reason ?? null,
        amount: money(item.openAmount, item.currency),
        currency: item.currency,
        source: 'receivables',
        authorId: p?.kind === 'user' ? p.userId : null,
        related: { kind: 'invoice', id: item.id, label: item.number },
      });
    });
    return this.get(id);
  }

  async create(dto: CreateInvoiceDto): Promise<InvoiceDto> {
    const errors = [];
    if (!isCalendarDate(dto.issueDate)) errors.push({ field: 'issueDate', message: 'issueDate must be a real calendar date' });
    if (!isCalendarDate(dto.dueDate)) errors.push({ field: 'dueDate', message: 'dueDate must be a real calendar date' });
    else if (dto.dueDate < dto.issueDate) errors.push({ field: 'dueDate', message: 'dueDate must not be before issueDate' });
    const p = amountProblem(dto.amount, dto.currency) ?? (Number(dto.amount) <= 0 ? 'must be greater than 0' : null);
    if (p) errors.push({ field: 'amount', message: `amount ${p}` });
    if (dto.taxAmount && amountProblem(dto.taxAmount, dto.currency))
      errors.push({ field: 'taxAmount', message: `taxAmount ${amountProblem(dto.taxAmount, dto.currency)}` });
    if (errors.length) throw new ValidationFailed(errors);
    const id = await this.db.transaction(async (tx) => {
      const customer = await tx.repo(Customer).get(dto.customerId);
      if (dto.legalEntityId) await tx.repo(LegalEntity).get(dto.legalEntityId);
      const repo = tx.repo(ReceivableItem);
      const kind = dto.kind ?? 'invoice';
      if (await repo.findOneBy({ kind, externalRef: dto.externalRef })) {
        throw new ConflictError('duplicate-external-ref', `Another ${kind.replace('_', ' ')} already has this externalRef`, [
          { field: 'externalRef', message: 'externalRef is already used' },
        ]);
      }
      const saved = await repo.save(
        repo.create({
          kind,
          externalRef: dto.externalRef,
          number: dto.number ?? dto.externalRef,
          customerId: dto.customerId,
          legalEntityId: dto.legalEntityId ?? null,
          issueDate: dto.issueDate,
          dueDate: dto.dueDate,
          currency: dto.currency,
          amount: dto.amount,
          taxAmount: dto.taxAmount ?? null,
          openAmount: dto.amount,
          poNumber: dto.poNumber ?? null,
          pdfUrl: dto.pdfUrl ?? null,
          lines: dto.lines ?? null,
          status: 'open',
        }),
      );
      await this.events.publish(
        tx.manager,
        tx.tenantId,
        'invoice.created',
        {
          invoiceId: saved.id,
          kind,
          number: saved.number,
          externalRef: saved.externalRef,
          customerId: customer.id,
          customerRef: customer.externalRef,
          issueDate: saved.issueDate,
          dueDate: saved.dueDate,
          currency: saved.currency,
          amount: money(saved.amount, saved.currency),
          openAmount: money(saved.amount, saved.currency),
          status: 'open',
        },
        { dedupeKey: saved.id },
      );
      return saved.id;
    });
    return this.get(id);
  }

  /** Manual allocation: the same code path as imports. */
  async allocate(dto: CreateAllocationDto): Promise<AllocationDto> {
    const id = await this.db.transaction(async (tx) => (await this.allocations.apply(tx, dto)).id);
    const a = await this.db.repo(Allocation).get(id, { relations: { invoice: true } });
    return toAllocationDto(a, a.invoice!.currency);
  }

  async payments(q: PaymentQuery, all = false): Promise<Page<PaymentDto>> {
    const qb = this.db.repo(Payment).qb('p');
    const owner = portfolioOwner();
    if (owner) qb.andWhere('p.customer_id IN (SELECT id FROM customer WHERE salesperson_id = :owner)', { owner });
    if (q.customerId) qb.andWhere('p.customer_id = :customerId', { customerId: q.customerId });
    if (q.unallocated) qb.andWhere('p.unallocated_amount > 0');
    if (q.q) qb.andWhere('(p.external_ref ILIKE :q OR p.bank_reference ILIKE :q)', { q: containsPattern(q.q) });
    const desc = q.sort ? q.sort.startsWith('-') : true;
    const field = { date: 'p.date', amount: 'p.amount', createdAt: 'p.created_at' }[q.sort?.replace(/^-/, '') ?? ''] ?? 'p.date';
    qb.orderBy(field, desc ? 'DESC' : 'ASC').addOrderBy('p.id', 'ASC');
    qb.skip(all ? 0 : (q.page - 1) * q.pageSize).take(all ? CSV_EXPORT_LIMIT : q.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return toPage(rows.map(toPaymentDto), total, q);
  }
}
