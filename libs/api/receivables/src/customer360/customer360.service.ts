import { Injectable } from '@nestjs/common';
import { TenantDb } from '@encours/api-core';
import { fromMinor, payerProfile, today, type PaidInvoice } from '@encours/domain';
import { CustomerService } from '../customers/customer.service.js';
import type { ItemKind, ItemStatus } from '../items/receivable-item.entity.js';
import { minorOf, money } from '../shared/amounts.js';
import type { Customer360Dto, CurrencyExposureDto, ExposureDto, OpenItemDto } from './customer360.dto.js';

export const OPEN_ITEMS_SHOWN = 20;

interface ExposureRow {
  currency: string;
  open_amount: string;
  overdue_amount: string;
  disputed_amount: string;
  not_due_amount: string;
  open_items: number;
  overdue_items: number;
  oldest_overdue_days: number | null;
  unapplied: string;
}

/** The customer 360 view: who they are, what they owe, how they pay. Sums in SQL numeric. */
@Injectable()
export class Customer360Service {
  constructor(
    private readonly db: TenantDb,
    private readonly customers: CustomerService,
  ) {}

  async summary(id: string): Promise<Customer360Dto> {
    const { contacts = [], ...customer } = await this.customers.get(id);
    const t = this.db.tenantId;
    const q = <T>(sql: string, params: unknown[]): Promise<T[]> => this.db.dataSource.query(sql, params);
    const [tenant] = await q<{ timezone: string }>(`SELECT timezone FROM tenant WHERE id = $1`, [t]);
    const asOf = today(tenant?.timezone ?? 'Europe/Paris');

    const exposureRows = await q<ExposureRow>(
      `WITH items AS (
         SELECT currency,
                coalesce(sum(open_amount) FILTER (WHERE kind = 'invoice'), 0) AS open_amount,
                coalesce(sum(open_amount) FILTER (WHERE kind = 'invoice' AND due_date < $3), 0) AS overdue_amount,
                coalesce(sum(open_amount) FILTER (WHERE kind = 'invoice' AND disputed), 0) AS disputed_amount,
                coalesce(sum(open_amount) FILTER (WHERE kind = 'invoice' AND due_date >= $3), 0) AS not_due_amount,
                count(*) FILTER (WHERE kind = 'invoice')::int AS open_items,
                count(*) FILTER (WHERE kind = 'invoice' AND due_date < $3)::int AS overdue_items,
                max($3::date - due_date) FILTER (WHERE kind = 'invoice' AND due_date < $3) AS oldest_overdue_days,
                coalesce(sum(open_amount) FILTER (WHERE kind = 'credit_note'), 0) AS credits
           FROM receivable_item
          WHERE tenant_id = $1 AND customer_id = $2 AND open_amount > 0 AND status <> 'written_off'
          GROUP BY currency),
       cash AS (
         SELECT currency, sum(unallocated_amount) AS unallocated
           FROM payment WHERE tenant_id = $1 AND customer_id = $2 AND unallocated_amount > 0
          GROUP BY currency)
       SELECT coalesce(i.currency, c.currency)::text AS currency,
              coalesce(i.open_amount, 0)::text AS open_amount, coalesce(i.overdue_amount, 0)::text AS overdue_amount,
              coalesce(i.disputed_amount, 0)::text AS disputed_amount, coalesce(i.not_due_amount, 0)::text AS not_due_amount,
              coalesce(i.open_items, 0) AS open_items, coalesce(i.overdue_items, 0) AS overdue_items, i.oldest_overdue_days,
              (coalesce(i.credits, 0) + coalesce(c.unallocated, 0))::text AS unapplied
         FROM items i FULL JOIN cash c ON c.currency = i.currency`,
      [t, customer.id, asOf],
    );
    const main = exposureRows.find((r) => r.currency === customer.currency);
    const cur = customer.currency;
    const amount = (v: string | undefined) => money(v ?? '0', cur)!;
    const exposure: ExposureDto = {
      openAmount: amount(main?.open_amount),
      overdueAmount: amount(main?.overdue_amount),
      disputedAmount: amount(main?.disputed_amount),
      notDueAmount: amount(main?.not_due_amount),
      openItems: main?.open_items ?? 0,
      overdueItems: main?.overdue_items ?? 0,
      oldestOverdueDays: main?.oldest_overdue_days ?? null,
      unappliedCreditAmount: amount(main?.unapplied),
      currency: cur,
      otherCurrencies: exposureRows
        .filter((r) => r.currency !== cur && r.open_items > 0)
        .sort((a, b) => a.currency.localeCompare(b.currency))
        .map((r): CurrencyExposureDto => ({
          currency: r.currency,
          openAmount: money(r.open_amount, r.currency)!,
          overdueAmount: money(r.overdue_amount, r.currency)!,
          openItems: r.open_items,
        })),
    };

    // Fully paid invoices in the customer's currency, paid date = their last allocation, last 12 months (+ margin).
    const paid = await q<{ amount: string; due_date: string; paid_date: string }>(
      `SELECT i.amount::text AS amount, i.due_date::text AS due_date, max(a.date)::text AS paid_date
         FROM receivable_item i
         JOIN allocation a ON a.tenant_id = i.tenant_id AND a.invoice_id = i.id
        WHERE i.tenant_id = $1 AND i.customer_id = $2 AND i.kind = 'invoice' AND i.status = 'paid'
          AND NOT i.settled_outside AND i.currency = $3
        GROUP BY i.id
       HAVING max(a.date) > $4::date - 400 AND max(a.date) <= $4::date`,
      [t, customer.id, cur, asOf],
    );
    const paidInvoices: PaidInvoice[] = paid.map((p) => ({
      amount: minorOf(p.amount, cur),
      dueDate: p.due_date,
      paidDate: p.paid_date,
    }));

    const [last] = await q<{ date: string; amount: string; currency: string }>(
      `SELECT date::text AS date, amount::text AS amount, currency::text AS currency
         FROM payment WHERE tenant_id = $1 AND customer_id = $2
        ORDER BY date DESC, created_at DESC, id DESC LIMIT 1`,
      [t, customer.id],
    );

    const open = await q<{
      id: string;
      kind: ItemKind;
      number: string;
      external_ref: string;
      issue_date: string;
      due_date: string;
      amount: string;
      open_amount: string;
      currency: string;
      status: ItemStatus;
      disputed: boolean;
      days_past_due: number;
    }>(
      `SELECT id, kind, number, external_ref, issue_date::text AS issue_date, due_date::text AS due_date, amount::text AS amount,
              open_amount::text AS open_amount, currency::text AS currency, status, disputed,
              greatest(0, $3::date - due_date) AS days_past_due
         FROM receivable_item
        WHERE tenant_id = $1 AND customer_id = $2 AND open_amount > 0 AND status <> 'written_off'
        ORDER BY due_date, number, id
        LIMIT ${OPEN_ITEMS_SHOWN}`,
      [t, customer.id, asOf],
    );

    return {
      customer,
      contacts,
      exposure,
      payerProfile: payerProfile(paidInvoices, asOf),
      lastPayment: last
        ? { date: last.date, amount: fromMinor(minorOf(last.amount, last.currency), last.currency), currency: last.currency }
        : null,
      openItems: open.map((r): OpenItemDto => ({
        id: r.id,
        kind: r.kind,
        number: r.number,
        externalRef: r.external_ref,
        issueDate: r.issue_date,
        dueDate: r.due_date,
        amount: money(r.amount, r.currency)!,
        openAmount: money(r.open_amount, r.currency)!,
        currency: r.currency,
        status: r.status,
        disputed: r.disputed,
        daysPastDue: r.days_past_due,
      })),
      asOf,
    };
  }
}
