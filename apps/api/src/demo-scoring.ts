import { addDays } from '@encours/domain';
import type { Logger } from 'pino';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DemoApi = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<any>;

interface DemoCustomer {
  id: string;
  name: string;
  externalRef: string;
  currency: string;
}

interface Exposure {
  total: string;
  overdue: string;
  maxDaysLate: number;
}

/** A limit as credit managers write them: a round figure (the demo ledger's invoices are small). */
function roundLimit(amount: number): number {
  return Math.max(100, Math.round(amount / 50) * 50);
}

/** Limits as multiples of today's exposure: most customers comfortable, a few near, two over, one undersized. */
const LIMIT_FACTORS = [2.5, 1.8, 3, 1.5, 2, 0.92, 1.2, 4, 0.85, 2.2, 1.6, 0.7, 2.8, 1.1];

/**
 * The demo's risk data, through the public API as an ERP, a provider feed and the users would
 * send it: credit limits (internal and insurer; a few near or over, some due for review), an
 * increase asked by the collector that waits for the credit manager, external ratings on a 0-20
 * scale with one receivership (grade E and a critical alert), open orders, scores and the payment
 * predictions computed, and credit checks from order entry (accepted, reviewed, blocked, one released).
 */
export async function seedScoring(api: DemoApi, collector: DemoApi | null, now: string, log: Logger): Promise<void> {
  const customers = ((await api('GET', '/customers?pageSize=200')) as { items: DemoCustomer[] }).items;
  if (!customers.length) return;
  // Exposure of each customer today (open receivables; no limit yet, so in its own currency).
  const exposures = new Map<string, Exposure>();
  for (const c of customers) {
    const current = (await api('GET', `/customers/${c.id}/credit-limit`)) as { exposure: Exposure };
    exposures.set(c.id, current.exposure);
  }
  // The sales user's portfolio: every fourth customer (good payers, badges and cash collected show on their pages).
  const users = ((await api('GET', '/users?pageSize=200')) as { items: Array<{ id: string; email: string }> }).items;
  const sales = users.find((u) => u.email === 'sales@encours.test');
  if (sales)
    for (const [i, c] of customers.entries())
      if (i % 4 === 0) await api('PATCH', `/customers/${c.id}`, { salespersonId: sales.id });
  const ranked = [...customers].sort((a, b) => Number(exposures.get(b.id)!.total) - Number(exposures.get(a.id)!.total));

  // External ratings first (a provider's monthly file): the worst payer is in receivership.
  const worst = [...customers].sort((a, b) => exposures.get(b.id)!.maxDaysLate - exposures.get(a.id)!.maxDaysLate)[0];
  const ratings = customers.map((c, i) => {
    const late = exposures.get(c.id)!.maxDaysLate;
    const score = Math.max(2, Math.min(19, 17 - Math.round(late / 12) + (i % 4)));
    const row: Record<string, unknown> = {
      customerRef: c.externalRef,
      provider: 'altares',
      ratedOn: addDays(now, -20 - (i % 30)),
      score: String(score),
      scaleMax: '20',
      recommendedLimit: String(roundLimit(Number(exposures.get(c.id)!.total) * 2)),
      currency: c.currency,
    };
    if (c.id === worst.id) {
      Object.assign(row, {
        score: '3',
        legalEvent: 'receivership',
        legalEventDate: addDays(now, -12),
        comment: 'Jugement d’ouverture de redressement judiciaire publié au BODACC',
      });
    }
    return row;
  });
  await api('POST', '/external-ratings/import', ratings, { 'Idempotency-Key': 'demo-ratings' });

  // Increases of more than 100 EUR asked by collectors or sales wait for a credit manager.
  await api('PUT', '/scoring/settings', { approvalThreshold: '100.00' });

  // Limits: internal policy for most, insurer cover for every third; review dates spread.
  for (const [i, c] of ranked.entries()) {
    const exposure = Number(exposures.get(c.id)!.total);
    const amount = roundLimit(Math.max(exposure, 100) * LIMIT_FACTORS[i % LIMIT_FACTORS.length]);
    await api('POST', `/customers/${c.id}/credit-limits`, {
      amount: String(amount),
      currency: c.currency,
      source: i % 3 === 2 ? 'insurer' : 'internal',
      validFrom: addDays(now, -180 + (i % 60)),
      reviewOn: i % 7 === 3 ? addDays(now, 10 + (i % 15)) : addDays(now, 90 + (i % 200)),
      comment: i % 3 === 2 ? 'Agrément Allianz Trade' : 'Politique de crédit interne',
    });
  }

  // Orders taken but not invoiced: they count in the exposure (two tip their customer over a level).
  const orders = ranked.slice(0, 8).map((c, i) => ({
    externalRef: `CDE-${String(24001 + i)}`,
    customerRef: c.externalRef,
    orderDate: addDays(now, -(i % 5) - 1),
    amount: String(Math.max(20, Math.round(Number(exposures.get(c.id)!.total) * (i < 2 ? 0.6 : 0.15)))),
    currency: c.currency,
    expectedInvoiceDate: addDays(now, 7 + i),
  }));
  await api('POST', '/open-orders/import?mode=upsert', orders);

  // The collector asks for more room for a good customer: above the threshold, it waits for the credit manager.
  if (collector) {
    const good = ranked[3] ?? ranked[0];
    const current = (await api('GET', `/customers/${good.id}/credit-limit`)) as { limit: { amount: string } | null };
    const asked = roundLimit(Number(current.limit?.amount ?? '1000') * 2);
    await collector('POST', `/customers/${good.id}/credit-limits`, {
      amount: String(asked),
      currency: good.currency,
      source: 'internal',
      comment: 'Grosse commande prévue au trimestre prochain, client régulier',
    });
  }

  await api('POST', '/scoring/recompute');
  await api('POST', '/scoring/prediction-model/train');

  // Order entry asks before confirming orders: a comfortable customer (accepted), an order larger than
  // the room left (blocked), a customer with invoices long overdue (held for review), the one in receivership.
  const longLate = ranked.find((c) => c.id !== worst.id && exposures.get(c.id)!.maxDaysLate > 60);
  const asks: Array<[DemoCustomer | undefined, number]> = [
    [ranked[7], 0.05],
    [ranked[0], 3],
    [longLate, 0.05],
    [worst, 0.2],
    [ranked[10], 0.1],
  ];
  const results: Array<{ id: string; decision: string }> = [];
  for (const [i, [c, share]] of asks.entries()) {
    if (!c) continue;
    const exposure = Number(exposures.get(c.id)!.total);
    results.push(
      await api('POST', '/credit-checks', {
        customerRef: c.externalRef,
        amount: String(Math.max(25, Math.round(exposure * share))),
        currency: c.currency,
        orderRef: `CDE-${String(25001 + i)}`,
      }),
    );
  }
  const held = results.find((r) => r.decision === 'review');
  if (held) await api('POST', `/credit-checks/${held.id}/release`, { comment: 'Client connu, commande urgente validée' });
  log.info(
    { ratings: ratings.length, limits: ranked.length, orders: orders.length, checks: results.map((r) => r.decision) },
    'Demo risk data seeded',
  );
}
