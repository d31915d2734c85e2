import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ReferenceRateService } from '../penalties/reference-rate.service.js';
import { DunningSetupService } from '../settings/dunning-setup.service.js';
import type { MergeContext } from '../templates/merge-context.js';
import {
  assembleMergeContext,
  ecbTableForPeriod,
  decimal,
  type CompanyInfo,
  type CustomerRow,
  type InvoiceRow,
  type MergeRequest,
} from './assemble.js';

export type { MergeRequest } from './assemble.js';

/**
 * Builds the merge contexts of a batch of statements, SET-BASED: a fixed number of queries
 * whatever the number of customers (settings, rate tables, customers with their contact and
 * collector, the invoices asked, the open totals), then pure assembly (assemble.ts).
 *
 * - Contact: for email (and letters), the customer's primary billing contact with an email, else
 *   any contact with an email (primary first, billing first); for SMS (and calls) the same with a
 *   phone. Letters, formal notices and calls fall back on the best contact even without an email
 *   or phone (the letter is addressed to that person). Null when there is none.
 * - Collector: the user in `customer_dunning.collector_id` (active), else none.
 * - Company identity and signature: the tenant's dunning settings.
 * - Penalties: regime of the customer's dunning settings, else by country (FR: Code de commerce,
 *   other EU countries: Directive 2011/7/EU, elsewhere none); contractual rate if set; the
 *   tenant's reference-rate tables.
 * - Deadline: today + formalNoticeDays for a formal notice, else null.
 * A customer none of whose invoices is still open gets no context (nothing left to claim).
 * When a customer appears twice in `requests`, the last request wins.
 */
@Injectable()
export class MergeContextBuilder {
  private readonly logger = new Logger('MergeContextBuilder');

  constructor(
    private readonly setup: DunningSetupService,
    private readonly rates: ReferenceRateService,
  ) {}

  async build(manager: EntityManager, tenantId: string, requests: MergeRequest[]): Promise<Map<string, MergeContext>> {
    const out = new Map<string, MergeContext>();
    if (!requests.length) return out;
    const byCustomer = new Map<string, MergeRequest>();
    for (const r of requests) byCustomer.set(r.customerId, r);
    const reqs = [...byCustomer.values()];

    const settings = await this.setup.ensure(manager, tenantId);
    const [tenant]: Array<{ default_locale: string }> = await manager.query(`SELECT default_locale FROM tenant WHERE id = $1`, [
      tenantId,
    ]);
    const tables = await this.rates.tables(manager, tenantId);
    const company: CompanyInfo = {
      name: settings.companyName ?? '',
      addressLines: settings.companyAddressLines ?? [],
      siren: settings.companySiren,
      vatNumber: settings.companyVatNumber,
      email: settings.companyEmail,
      phone: settings.companyPhone,
      signature: settings.signature ?? '',
      paymentDetails: settings.paymentDetails ?? '',
      formalNoticeDays: settings.formalNoticeDays,
      defaultLanguage: tenant?.default_locale === 'en' ? 'en' : 'fr',
    };

    const customers: CustomerRow[] = await manager.query(
      `SELECT r.customer_id, c.name, c.external_ref, c.siren, c.vat_number, c.country::text, c.language, c.billing_address,
              cd.penalty_regime, cd.contractual_penalty_rate::text,
              ct.name AS contact_name, ct.email AS contact_email, ct.phone AS contact_phone,
              u.name AS collector_name, u.email AS collector_email
         FROM unnest($2::uuid[], $3::text[]) AS r(customer_id, channel)
         JOIN customer c ON c.id = r.customer_id AND c.tenant_id = $1
         LEFT JOIN customer_dunning cd ON cd.tenant_id = $1 AND cd.customer_id = c.id
         LEFT JOIN app_user u ON u.id = cd.collector_id AND u.tenant_id = $1 AND u.active
         LEFT JOIN LATERAL (
           SELECT x.name, nullif(trim(x.email), '') AS email, nullif(trim(x.phone), '') AS phone
             FROM customer_contact x
            WHERE x.tenant_id = $1 AND x.customer_id = c.id
              AND (r.channel IN ('letter', 'formal_notice', 'call')
                   OR (CASE WHEN r.channel IN ('sms', 'call') THEN nullif(trim(x.phone), '') ELSE nullif(trim(x.email), '') END) IS NOT NULL)
            ORDER BY (CASE WHEN r.channel IN ('sms', 'call') THEN nullif(trim(x.phone), '') ELSE nullif(trim(x.email), '') END) IS NULL,
                     NOT (x."primary" AND x.role = 'billing'), NOT x."primary", x.role <> 'billing', x.created_at, x.id
            LIMIT 1) ct ON true`,
      [tenantId, reqs.map((r) => r.customerId), reqs.map((r) => r.channel)],
    );

    const pairs = reqs.flatMap((r) => r.invoiceIds.map((id) => [r.customerId, id] as const));
    const invoices: InvoiceRow[] = pairs.length
      ? await manager.query(
          `SELECT i.customer_id, i.id, i.number, i.issue_date::text, i.due_date::text, i.amount::text, i.open_amount::text, i.currency::text
             FROM unnest($2::uuid[], $3::uuid[]) AS r(customer_id, invoice_id)
             JOIN receivable_item i ON i.id = r.invoice_id AND i.tenant_id = $1 AND i.customer_id = r.customer_id
            WHERE i.kind = 'invoice' AND i.status IN ('open', 'partially_paid') AND i.open_amount > 0 AND NOT i.disputed
            ORDER BY i.customer_id, i.due_date, i.number, i.id`,
          [tenantId, pairs.map((p) => p[0]), pairs.map((p) => p[1])],
        )
      : [];

    const opens: Array<{ customer_id: string; currency: string; open: string }> = await manager.query(
      `SELECT customer_id, currency::text, sum(open_amount)::text AS open
         FROM receivable_item
        WHERE tenant_id = $1 AND customer_id = ANY ($2::uuid[]) AND kind = 'invoice'
          AND status IN ('open', 'partially_paid') AND open_amount > 0 AND NOT disputed
        GROUP BY customer_id, currency`,
      [tenantId, reqs.map((r) => r.customerId)],
    );

    // Penalties only read the rates in force on each 1 January / 1 July of the batch's period.
    let from: string | null = null;
    let to: string | null = null;
    for (const inv of invoices) if (from === null || inv.due_date < from) from = inv.due_date;
    for (const r of reqs) {
      if (to === null || r.today > to) to = r.today;
      if (from === null || r.today < from) from = r.today;
    }
    const batchTables = from && to && from <= to ? { ...tables, ecbTable: ecbTableForPeriod(tables.ecbTable, from, to) } : tables;

    const invoicesOf = new Map<string, InvoiceRow[]>();
    for (const inv of invoices) {
      const list = invoicesOf.get(inv.customer_id) ?? [];
      if (!list.some((x) => x.id === inv.id)) list.push(inv);
      invoicesOf.set(inv.customer_id, list);
    }
    const openOf = new Map<string, Map<string, string>>();
    for (const o of opens) {
      const m = openOf.get(o.customer_id) ?? new Map<string, string>();
      m.set(o.currency, decimal(o.open, o.currency));
      openOf.set(o.customer_id, m);
    }
    for (const customer of customers) {
      const request = byCustomer.get(customer.customer_id)!;
      try {
        const ctx = assembleMergeContext(
          request,
          customer,
          invoicesOf.get(customer.customer_id) ?? [],
          openOf.get(customer.customer_id) ?? new Map(),
          company,
          batchTables,
        );
        if (ctx) out.set(customer.customer_id, ctx);
      } catch (err) {
        this.logger.error(
          { tenantId, customerId: customer.customer_id, err: err instanceof Error ? err.message : String(err) },
          'Merge context failed',
        );
      }
    }
    return out;
  }
}
