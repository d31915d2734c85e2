import { Injectable } from '@nestjs/common';
import { AppError, TenantDb, TenantToday, toPage, type FieldError, type Page, type TenantTx } from '@encours/api-core';
import { assertInPortfolio, Customer, money } from '@encours/receivables';
import { LimitUsageService } from '../limits/limit-usage.service.js';
import {
  customerKeyOf,
  lookupCustomers,
  RowChecker,
  rowErrors,
  rowsRejected,
  type CustomerKey,
  type RawRow,
} from '../limits/bulk-input.js';
import type { OpenOrderDto, OpenOrderImportQuery, OpenOrderImportResultDto, OpenOrderQuery } from './orders.dto.js';

interface ParsedOrder {
  row: number;
  externalRef: string;
  key: CustomerKey;
  orderDate: string;
  amount: string;
  currency: string;
  expectedInvoiceDate: string | null;
  /** amount 0 or closed: true. */
  closing: boolean;
}

/** The field rules of one open-order row. */
export function checkOrderRow(raw: RawRow, row: number): { value?: ParsedOrder; key?: CustomerKey; errors: FieldError[] } {
  const c = new RowChecker(raw, row);
  const externalRef = c.text('externalRef', 100, true);
  const key = customerKeyOf(c, ['customerRef', 'customerId']);
  const orderDate = c.date('orderDate', true);
  const currency = c.currency('currency', true);
  const amount = c.amount('amount', currency, true);
  const expectedInvoiceDate = c.date('expectedInvoiceDate');
  const closed = c.bool('closed');
  if (c.errors.length) return { key, errors: c.errors };
  return {
    value: {
      row,
      externalRef: externalRef!,
      key: key!,
      orderDate: orderDate!,
      amount: amount!,
      currency: currency!,
      expectedInvoiceDate: expectedInvoiceDate ?? null,
      closing: closed === true || /^0+(\.0+)?$/.test(amount!),
    },
    errors: [],
  };
}

class DryRunDone extends Error {
  constructor(readonly result: OpenOrderImportResultDto) {
    super('dry run');
  }
}

/**
 * Orders taken but not invoiced yet, pushed by the ERP: they count in the exposure until closed
 * (amount 0, `closed: true`, or absent from a snapshot). Upsert by externalRef, idempotent: a
 * replay changes nothing. The limit usage of the customers touched is re-evaluated in the same
 * transaction.
 */
@Injectable()
export class OpenOrdersService {
  constructor(
    private readonly db: TenantDb,
    private readonly clock: TenantToday,
    private readonly usage: LimitUsageService,
  ) {}

  async import(raw: RawRow[], q: OpenOrderImportQuery): Promise<OpenOrderImportResultDto> {
    try {
      return await this.db.transaction(async (tx) => {
        const out = await this.ingest(tx, raw, q);
        if (q.dryRun) throw new DryRunDone(out);
        return out;
      });
    } catch (e) {
      if (e instanceof DryRunDone) return e.result;
      throw e;
    }
  }

  private async ingest(tx: TenantTx, raw: RawRow[], q: OpenOrderImportQuery): Promise<OpenOrderImportResultDto> {
    const { manager: m, tenantId } = tx;
    const snapshot = q.mode === 'snapshot';
    const errors: FieldError[] = [];
    const parsed: ParsedOrder[] = [];
    const invalidKeys: Array<{ row: number; key: CustomerKey }> = [];
    raw.forEach((r, i) => {
      const { value, key, errors: e } = checkOrderRow(r, i + 1);
      if (value) parsed.push(value);
      else if (key) invalidKeys.push({ row: i + 1, key });
      errors.push(...e);
    });
    const lookup = await lookupCustomers(m, tenantId, [...parsed.map((p) => p.key), ...invalidKeys.map((k) => k.key)]);
    // A row with field errors also learns whether its customer exists.
    for (const k of invalidKeys) {
      const found = lookup.resolve(k.key);
      if (!('id' in found)) errors.push({ row: k.row, field: found.field, message: found.message });
    }
    const valid: Array<ParsedOrder & { customerId: string }> = [];
    const firstRow = new Map<string, number>();
    for (const p of parsed) {
      const first = firstRow.get(p.externalRef);
      if (first !== undefined) {
        errors.push({ row: p.row, field: 'externalRef', message: `externalRef ${p.externalRef} is already in row ${first}` });
        continue;
      }
      firstRow.set(p.externalRef, p.row);
      const found = lookup.resolve(p.key);
      if (!('id' in found)) {
        errors.push({ row: p.row, field: found.field, message: found.message });
        continue;
      }
      valid.push({ ...p, customerId: found.id });
    }
    errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    const failed = new Set(errors.map((e) => e.row)).size;
    if (errors.length && !q.partial && !q.dryRun) throw rowsRejected(errors, raw.length);
    const rows = errors.length && !q.partial ? [] : valid;
    const counts = { received: raw.length, created: 0, updated: 0, unchanged: 0, closed: 0, failed };
    const now = this.clock.now();
    const affected = new Set<string>();

    // Previous state of the orders named (their customer may change: both are re-evaluated).
    const refs = rows.map((r) => r.externalRef);
    const before = new Map<string, { customer_id: string; open: boolean }>(
      (
        await m.query(
          `SELECT external_ref, customer_id, closed_at IS NULL AS open FROM open_order WHERE tenant_id = $1 AND external_ref = ANY($2::text[])`,
          [tenantId, refs],
        )
      ).map((r: { external_ref: string; customer_id: string; open: boolean }) => [
        r.external_ref,
        { customer_id: r.customer_id, open: r.open },
      ]),
    );

    if (snapshot) {
      // Every reference of the batch, valid or not, is kept open: a bad row must not close its order.
      const listed = [...new Set(raw.map((r) => String(r.externalRef ?? '').trim()).filter(Boolean))];
      const [{ absent, open }] = await m.query(
        `SELECT count(*) FILTER (WHERE NOT (external_ref = ANY($2::text[])))::int AS absent, count(*)::int AS open
           FROM open_order WHERE tenant_id = $1 AND closed_at IS NULL`,
        [tenantId, listed],
      );
      const limit = q.maxClose ?? Math.max(Math.ceil(open * 0.05), 100);
      if (absent > limit)
        throw new AppError(
          422,
          'snapshot-limit',
          `The snapshot would close ${absent} open orders (limit ${limit}); nothing was written`,
          [
            {
              field: 'maxClose',
              message: `the snapshot would close ${absent} open orders, more than the limit of ${limit}; raise maxClose if this is intended`,
            },
          ],
        );
      const [closedRows]: [Array<{ customer_id: string }>, number] = await m.query(
        `UPDATE open_order SET closed_at = $3, updated_at = now()
          WHERE tenant_id = $1 AND closed_at IS NULL AND NOT (external_ref = ANY($2::text[]))
          RETURNING customer_id`,
        [tenantId, listed, now],
      );
      counts.closed += closedRows.length;
      for (const r of closedRows) affected.add(r.customer_id);
    }

    const closing = rows.filter((r) => r.closing);
    const live = rows.filter((r) => !r.closing);
    if (closing.length) {
      const [closedRows]: [Array<{ customer_id: string }>, number] = await m.query(
        `UPDATE open_order SET closed_at = $3, updated_at = now()
          WHERE tenant_id = $1 AND closed_at IS NULL AND external_ref = ANY($2::text[])
          RETURNING customer_id`,
        [tenantId, closing.map((r) => r.externalRef), now],
      );
      counts.closed += closedRows.length;
      counts.unchanged += closing.length - closedRows.length;
      for (const r of closedRows) affected.add(r.customer_id);
    }
    for (let i = 0; i < live.length; i += 5000) {
      const batch = live.slice(i, i + 5000);
      const written: Array<{ external_ref: string; customer_id: string; created: boolean }> = await m.query(
        `INSERT INTO open_order AS o (tenant_id, external_ref, customer_id, order_date, amount, currency, expected_invoice_date, closed_at)
         SELECT $1, r.external_ref, r.customer_id, r.order_date, r.amount, r.currency, r.expected_invoice_date, NULL
           FROM jsonb_to_recordset($2::jsonb) AS r(external_ref text, customer_id uuid, order_date date, amount numeric,
                currency text, expected_invoice_date date)
         ON CONFLICT (tenant_id, external_ref) DO UPDATE
            SET customer_id = EXCLUDED.customer_id, order_date = EXCLUDED.order_date, amount = EXCLUDED.amount,
                currency = EXCLUDED.currency, expected_invoice_date = EXCLUDED.expected_invoice_date, closed_at = NULL,
                updated_at = now()
          WHERE (o.customer_id, o.order_date, o.amount, o.currency, o.expected_invoice_date, o.closed_at IS NULL)
                IS DISTINCT FROM
                (EXCLUDED.customer_id, EXCLUDED.order_date, EXCLUDED.amount, EXCLUDED.currency, EXCLUDED.expected_invoice_date, true)
         RETURNING o.external_ref, o.customer_id, (o.xmax = 0) AS created`,
        [
          tenantId,
          JSON.stringify(
            batch.map((r) => ({
              external_ref: r.externalRef,
              customer_id: r.customerId,
              order_date: r.orderDate,
              amount: r.amount,
              currency: r.currency,
              expected_invoice_date: r.expectedInvoiceDate,
            })),
          ),
        ],
      );
      for (const w of written) {
        counts[w.created ? 'created' : 'updated']++;
        affected.add(w.customer_id);
        const old = before.get(w.external_ref);
        if (old) affected.add(old.customer_id);
      }
      counts.unchanged += batch.length - written.length;
    }

    let customersEvaluated = 0;
    if (!q.dryRun && affected.size) {
      customersEvaluated = affected.size;
      await this.usage.evaluateUsage(m, tenantId, [...affected]);
    }
    return { mode: q.mode, dryRun: q.dryRun, counts, customersEvaluated, errors: rowErrors(errors) };
  }

  async listForCustomer(customerId: string, q: OpenOrderQuery): Promise<Page<OpenOrderDto>> {
    return this.db.transaction(async (tx) => {
      const customer = await tx.repo(Customer).get(customerId);
      assertInPortfolio(customer);
      const status = q.status === 'open' ? 'AND closed_at IS NULL' : q.status === 'closed' ? 'AND closed_at IS NOT NULL' : '';
      const [{ total }] = await tx.manager.query(
        `SELECT count(*)::int AS total FROM open_order WHERE tenant_id = $1 AND customer_id = $2 ${status}`,
        [tx.tenantId, customer.id],
      );
      const rows: Array<{
        id: string;
        external_ref: string;
        customer_id: string;
        order_date: string;
        amount: string;
        currency: string;
        expected_invoice_date: string | null;
        closed_at: Date | null;
        updated_at: Date;
      }> = await tx.manager.query(
        `SELECT id, external_ref, customer_id, order_date::text AS order_date, amount::text AS amount, currency::text AS currency,
                expected_invoice_date::text AS expected_invoice_date, closed_at, updated_at
           FROM open_order WHERE tenant_id = $1 AND customer_id = $2 ${status}
          ORDER BY order_date DESC, external_ref LIMIT $3 OFFSET $4`,
        [tx.tenantId, customer.id, q.pageSize, (q.page - 1) * q.pageSize],
      );
      return toPage(
        rows.map((r) => ({
          id: r.id,
          externalRef: r.external_ref,
          customerId: r.customer_id,
          orderDate: r.order_date,
          amount: money(r.amount, r.currency.trim())!,
          currency: r.currency.trim(),
          expectedInvoiceDate: r.expected_invoice_date,
          closedAt: r.closed_at ? new Date(r.closed_at).toISOString() : null,
          updatedAt: new Date(r.updated_at).toISOString(),
        })),
        total,
        q,
      );
    });
  }
}
