import { ScoreSignals } from '@encours/scoring';

/**
 * What dunning tells the behavioural score (scoring never imports dunning): the promises to pay
 * a customer broke in the period. A promise is broken on `decided_on` (the day after its promised
 * date + grace days, see CommitmentTracker); `$1` is the tenant, `$2` the first day counted.
 * Its status change moves `updated_at`, which the incremental score refresh watches.
 */
export function registerScoreSignals(): void {
  ScoreSignals.register({
    name: 'brokenPromises',
    sql: `SELECT customer_id, count(*) AS value FROM promise_to_pay
           WHERE tenant_id = $1 AND status = 'broken' AND decided_on >= $2::date
           GROUP BY customer_id`,
    changedSql: `SELECT customer_id, max(updated_at) FROM promise_to_pay
                  WHERE tenant_id = $1 AND updated_at > $2::timestamptz
                  GROUP BY customer_id`,
  });
}
