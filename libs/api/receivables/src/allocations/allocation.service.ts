import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailed, type TenantTx } from '@encours/api-core';
import { amountProblem, isCalendarDate } from '@encours/domain';
import { QueryFailedError } from 'typeorm';
import { ReceivablesError, ReceivablesErrorCode } from '../receivables.errors.js';

export interface AllocationRequest {
  invoiceId: string;
  paymentId?: string | null;
  creditNoteId?: string | null;
  /** Decimal string, positive, in the invoice's currency. */
  amount: string;
  /** Defaults to the payment date (or the credit note's issue date). */
  date?: string | null;
  externalRef?: string | null;
}

export interface AllocationApplied {
  id: string;
  /** false when an allocation with the same externalRef already existed (replay: nothing changed). */
  created: boolean;
}

const CONSTRAINT_MESSAGES: Record<string, string> = {
  ck_receivable_item_open_amount: 'amount is more than what remains open on the invoice or credit note',
  ck_payment_unallocated: 'amount is more than what remains unallocated on the payment',
};

/**
 * THE code path that moves open amounts. Inserts the allocation and, in the same transaction,
 * decreases the invoice's open amount and the payment's unallocated amount (or the credit
 * note's open amount) with single UPDATE statements. The CHECK constraints make
 * over-allocation impossible, also under concurrent requests: the row locks taken by the
 * UPDATEs serialise them, and the one that would go below zero fails (→ 409).
 */
@Injectable()
export class AllocationService {
  async apply(tx: TenantTx, a: AllocationRequest): Promise<AllocationApplied> {
    const q = (sql: string, params: unknown[]) => tx.manager.query(sql, params);
    const t = tx.tenantId;
    if (!a.paymentId === !a.creditNoteId) {
      throw new ValidationFailed([{ field: 'paymentId', message: 'exactly one of paymentId and creditNoteId is required' }]);
    }
    const [invoice] = await q(`SELECT id, currency FROM receivable_item WHERE tenant_id = $1 AND id = $2 AND kind = 'invoice'`, [
      t,
      a.invoiceId,
    ]);
    if (!invoice) throw new NotFoundError('Invoice', a.invoiceId);
    const [source] = a.paymentId
      ? await q(`SELECT id, currency, date::text AS date FROM payment WHERE tenant_id = $1 AND id = $2`, [t, a.paymentId])
      : await q(
          `SELECT id, currency, issue_date::text AS date FROM receivable_item WHERE tenant_id = $1 AND id = $2 AND kind = 'credit_note'`,
          [t, a.creditNoteId],
        );
    if (!source) throw new NotFoundError(a.paymentId ? 'Payment' : 'Credit note', (a.paymentId ?? a.creditNoteId)!);
    if (source.currency !== invoice.currency) {
      throw new ReceivablesError(
        422,
        ReceivablesErrorCode.CurrencyMismatch,
        'The invoice and the payment or credit note are in different currencies',
        [
          {
            field: a.paymentId ? 'paymentId' : 'creditNoteId',
            message: `currency ${source.currency} differs from the invoice's ${invoice.currency}`,
          },
        ],
      );
    }
    const problem =
      amountProblem(a.amount, invoice.currency) ??
      (/^\s*-/.test(a.amount) || Number(a.amount) <= 0 ? 'must be greater than 0' : null);
    if (problem) throw new ValidationFailed([{ field: 'amount', message: `amount ${problem}` }]);
    const date = a.date ?? source.date;
    if (!isCalendarDate(date))
      throw new ValidationFailed([{ field: 'date', message: 'date must be a real calendar date as YYYY-MM-DD' }]);

    await q('SAVEPOINT allocation', []);
    try {
      const inserted: { id: string }[] = await q(
        `INSERT INTO allocation (tenant_id, invoice_id, payment_id, credit_note_id, amount, date, external_ref)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, external_ref) WHERE external_ref IS NOT NULL DO NOTHING
         RETURNING id`,
        [t, a.invoiceId, a.paymentId ?? null, a.creditNoteId ?? null, a.amount, date, a.externalRef ?? null],
      );
      if (!inserted.length) {
        await q('RELEASE SAVEPOINT allocation', []);
        const [existing] = await q(`SELECT id FROM allocation WHERE tenant_id = $1 AND external_ref = $2`, [t, a.externalRef]);
        return { id: existing.id, created: false };
      }
      await this.decreaseItem(tx, a.invoiceId, 'invoice', a.amount, date);
      if (a.creditNoteId) await this.decreaseItem(tx, a.creditNoteId, 'credit_note', a.amount, date);
      else
        await q(
          `UPDATE payment SET unallocated_amount = unallocated_amount - $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
          [t, a.paymentId, a.amount],
        );
      await q('RELEASE SAVEPOINT allocation', []);
      return { id: inserted[0].id, created: true };
    } catch (err) {
      await q('ROLLBACK TO SAVEPOINT allocation', []);
      const pg = err instanceof QueryFailedError ? (err.driverError as { code?: string; constraint?: string }) : undefined;
      if (pg?.code === '23514' && pg.constraint && CONSTRAINT_MESSAGES[pg.constraint]) {
        throw new ReceivablesError(409, ReceivablesErrorCode.OverAllocation, 'The allocation is more than what remains open', [
          { field: 'amount', message: CONSTRAINT_MESSAGES[pg.constraint] },
        ]);
      }
      throw err;
    }
  }

  /** open_amount and status move together, in one statement. */
  private async decreaseItem(
    tx: TenantTx,
    id: string,
    kind: 'invoice' | 'credit_note',
    amount: string,
    date: string,
  ): Promise<void> {
    await tx.manager.query(
      `UPDATE receivable_item
          SET open_amount = open_amount - $3::numeric,
              status = CASE WHEN status = 'written_off' THEN status
                            WHEN open_amount - $3::numeric = 0 THEN 'paid'
                            WHEN open_amount - $3::numeric < amount THEN 'partially_paid'
                            ELSE 'open' END,
              closed_at = CASE WHEN open_amount - $3::numeric = 0 THEN $4::date ELSE closed_at END,
              updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND kind = $5`,
      [tx.tenantId, id, amount, date, kind],
    );
  }
}
