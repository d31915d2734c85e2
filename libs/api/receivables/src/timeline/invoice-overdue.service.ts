import { Injectable } from '@nestjs/common';
import { DomainEvents } from '@encours/api-core';
import type { CalendarDate } from '@encours/domain';
import { DataSource } from 'typeorm';
import { fromMinor } from '@encours/domain';
import { minorOf } from '../shared/amounts.js';

export const INVOICE_OVERDUE_JOB = 'receivables.invoice-overdue';

/** Events published per statement. */
const PUBLISH_CHUNK = 1000;

interface Announced {
  tenant_id: string;
  customer_id: string;
  invoice_id: string;
  occurred_at: Date;
  currency: string;
  data: {
    number: string;
    externalRef: string;
    customerRef: string;
    issueDate: string;
    dueDate: string;
    amount: string;
    openAmount: string;
    disputed: boolean;
  };
}

/**
 * Announces invoices on their first day past due, once per invoice: one INSERT ... SELECT
 * records an `invoice.overdue` entry on the customer's timeline for every open invoice due
 * before today that has none yet (deduplicated by the invoice id, also under concurrency), and
 * the rows it returns are published as `invoice.overdue` events (dedupeKey = invoice id) in
 * the same transaction. Idempotent: a second run the same day finds nothing new.
 */
@Injectable()
export class InvoiceOverdueService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
  ) {}

  /**
   * @param options.tenantId one tenant, or every tenant when omitted
   * @param options.today the day to compute for (tests); by default today in each tenant's time zone
   */
  async announce(options: { tenantId?: string; today?: CalendarDate } = {}): Promise<{ announced: number }> {
    return this.dataSource.transaction(async (m) => {
      const rows: Announced[] = await m.query(
        `INSERT INTO customer_event (tenant_id, customer_id, type, occurred_at, title, amount, currency, data, source,
                                     related_kind, related_id, related_label, dedupe_key)
         SELECT i.tenant_id, i.customer_id, 'invoice.overdue', (i.due_date + 1)::timestamp AT TIME ZONE 'UTC',
                'Invoice ' || i.number || ' overdue', i.open_amount, i.currency,
                jsonb_build_object('number', i.number, 'externalRef', i.external_ref, 'customerRef', c.external_ref,
                                   'issueDate', i.issue_date, 'dueDate', i.due_date, 'amount', i.amount::text,
                                   'openAmount', i.open_amount::text, 'disputed', i.disputed),
                'receivables', 'invoice', i.id, i.number, i.id::text
           FROM receivable_item i
           JOIN tenant tn ON tn.id = i.tenant_id
           JOIN customer c ON c.id = i.customer_id AND c.tenant_id = i.tenant_id
          WHERE ($1::uuid IS NULL OR i.tenant_id = $1::uuid)
            AND i.kind = 'invoice' AND i.open_amount > 0 AND i.status IN ('open', 'partially_paid')
            AND i.due_date < coalesce($2::date, (now() AT TIME ZONE tn.timezone)::date)
            AND NOT EXISTS (SELECT 1 FROM customer_event e
                             WHERE e.tenant_id = i.tenant_id AND e.type = 'invoice.overdue' AND e.dedupe_key = i.id::text)
         ON CONFLICT (tenant_id, type, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
         RETURNING tenant_id, customer_id, related_id AS invoice_id, occurred_at, currency::text AS currency, data`,
        [options.tenantId ?? null, options.today ?? null],
      );
      const byTenant = new Map<string, Announced[]>();
      for (const r of rows) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r]);
      for (const [tenantId, list] of byTenant) {
        for (let i = 0; i < list.length; i += PUBLISH_CHUNK) {
          await this.events.publishMany(
            m,
            tenantId,
            list.slice(i, i + PUBLISH_CHUNK).map((r) => ({
              type: 'invoice.overdue',
              occurredAt: new Date(r.occurred_at),
              dedupeKey: r.invoice_id,
              payload: {
                invoiceId: r.invoice_id,
                number: r.data.number,
                externalRef: r.data.externalRef,
                customerId: r.customer_id,
                customerRef: r.data.customerRef,
                issueDate: r.data.issueDate,
                dueDate: r.data.dueDate,
                currency: r.currency,
                amount: fromMinor(minorOf(r.data.amount, r.currency), r.currency),
                openAmount: fromMinor(minorOf(r.data.openAmount, r.currency), r.currency),
                disputed: r.data.disputed,
              },
            })),
          );
        }
      }
      return { announced: rows.length };
    });
  }
}
