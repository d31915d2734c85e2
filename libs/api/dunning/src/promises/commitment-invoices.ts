import type { FieldError, TenantTx } from '@encours/api-core';
import type { Minor } from '@encours/domain';
import { ReceivableItem } from '@encours/receivables';
import { In } from 'typeorm';
import { numericToMinor } from './commitment-rules.js';

export interface CheckedInvoices {
  invoices: ReceivableItem[];
  /** The currency of the invoices: the one asked for, or that of the first invoice. */
  currency: string | null;
  /** Open total of the valid invoices, in minor units of `currency`. */
  openTotal: Minor;
  errors: FieldError[];
}

/**
 * Checks that every id names an open invoice of the customer, all in one currency (`currency`, or
 * the first invoice's). Problems are reported per position (`invoiceIds[2]`); an invoice of another
 * customer or tenant reads as unknown. With `lock`, the invoices are locked (in id order) for the
 * rest of the transaction, so two plans cannot take the same invoice at once.
 */
export async function checkInvoices(
  tx: TenantTx,
  customerId: string,
  ids: string[],
  currency: string | null,
  lock = false,
): Promise<CheckedInvoices> {
  const errors: FieldError[] = [];
  if (!ids.length) return { invoices: [], currency, openTotal: 0n, errors };
  const found = await tx.repo(ReceivableItem).find({
    where: { id: In(ids) },
    order: { id: 'ASC' },
    ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
  const byId = new Map(found.map((i) => [i.id, i]));
  const invoices: ReceivableItem[] = [];
  let cur = currency;
  let openTotal = 0n;
  ids.forEach((id, k) => {
    const field = `invoiceIds[${k}]`;
    const inv = byId.get(id);
    if (!inv || inv.customerId !== customerId) {
      errors.push({ field, message: `${id} is not an invoice of this customer`, code: 'unknownInvoice' });
      return;
    }
    if (inv.kind !== 'invoice') {
      errors.push({ field, message: `${inv.number} is a credit note, not an invoice`, code: 'notInvoice' });
      return;
    }
    if (!['open', 'partially_paid'].includes(inv.status) || numericToMinor(inv.openAmount, inv.currency) <= 0n) {
      errors.push({ field, message: `invoice ${inv.number} is not open (status ${inv.status})`, code: 'notOpen' });
      return;
    }
    cur ??= inv.currency;
    if (inv.currency !== cur) {
      errors.push({ field, message: `invoice ${inv.number} is in ${inv.currency}, not ${cur}`, code: 'currencyMismatch' });
      return;
    }
    invoices.push(inv);
    openTotal += numericToMinor(inv.openAmount, cur);
  });
  return { invoices, currency: cur, openTotal, errors };
}
