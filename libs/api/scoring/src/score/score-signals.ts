/**
 * Inputs of the score that live in other modules' tables, without scoring importing those
 * modules: a module that knows a signal registers its SQL once (at import time or in its
 * module's `onModuleInit`), and ScoreService reads it set-based with the rest. Today: the broken
 * promises to pay, registered by the dunning module.
 *
 * ```ts
 * ScoreSignals.register({
 *   name: 'brokenPromises',
 *   sql: `SELECT customer_id, count(*) AS value FROM promise_to_pay
 *          WHERE tenant_id = $1 AND status = 'broken' AND decided_on >= $2::date GROUP BY customer_id`,
 *   changedSql: `SELECT DISTINCT customer_id FROM promise_to_pay WHERE tenant_id = $1 AND updated_at > $2::timestamptz`,
 * });
 * ```
 */

/** The score factors a signal may feed. */
export const SCORE_SIGNAL_NAMES = ['brokenPromises'] as const;
export type ScoreSignalName = (typeof SCORE_SIGNAL_NAMES)[number];

export interface ScoreSignal {
  name: ScoreSignalName;
  /**
   * A SELECT returning `customer_id uuid, value numeric` (one row per customer at most; customers
   * without a row count 0) for the tenant `$1` over the period from the date `$2` (inclusive, a
   * 'YYYY-MM-DD' the score passes: 12 months before today). It must filter `tenant_id = $1` itself.
   */
  sql: string;
  /**
   * Optional: a SELECT returning `customer_id uuid` for the customers whose signal may have changed
   * after the timestamp `$2` (tenant `$1`), so the incremental refresh picks them up.
   */
  changedSql?: string;
}

const signals = new Map<ScoreSignalName, ScoreSignal>();

/** The registry (process-wide, like registerEventType): registering a name again replaces it. */
export const ScoreSignals = {
  register(signal: ScoreSignal): void {
    if (!SCORE_SIGNAL_NAMES.includes(signal.name)) throw new Error(`Unknown score signal "${signal.name}"`);
    signals.set(signal.name, signal);
  },
  get(name: ScoreSignalName): ScoreSignal | undefined {
    return signals.get(name);
  },
  all(): ScoreSignal[] {
    return [...signals.values()];
  },
};
