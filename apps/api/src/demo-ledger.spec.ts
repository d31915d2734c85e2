import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildDemoLedger } from './demo-ledger.js';

const csv = readFileSync(new URL('../data/ibm-accounts-receivable.csv', import.meta.url), 'utf8');

describe('demo ledger from the IBM sample', () => {
  const ledger = buildDemoLedger(csv, '2026-11-25');

  it('keeps every invoice and customer', () => {
    expect(ledger.invoices).toHaveLength(2466);
    expect(ledger.customers).toHaveLength(100);
    expect(new Set(ledger.customers.map((c) => c.name)).size).toBe(100);
  });

  it('shifts dates so that the last invoices are current and later settlements stay open', () => {
    const lastIssue = ledger.invoices
      .map((i) => i.issueDate as string)
      .sort()
      .at(-1);
    expect(lastIssue).toBe('2026-11-22');
    const paid = new Set(ledger.payments.flatMap((p) => (p.allocations as { invoiceRef: string }[]).map((a) => a.invoiceRef)));
    const open = ledger.invoices.filter((i) => !paid.has(i.externalRef as string));
    expect(open.length).toBeGreaterThan(50);
    expect(open.some((i) => (i.dueDate as string) < '2026-11-25')).toBe(true);
    expect(ledger.payments.every((p) => (p.date as string) <= '2026-11-25')).toBe(true);
  });
});
