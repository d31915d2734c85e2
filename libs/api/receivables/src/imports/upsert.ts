import type { EntityManager } from 'typeorm';

export interface UpsertColumn {
  name: string;
  /** PostgreSQL type used to read the value out of the JSON batch. */
  type: string;
}

export interface UpsertResult {
  /** external_ref → id for every row written (inserted or changed). */
  written: Map<string, { id: string; inserted: boolean }>;
}

export const CHUNK = 5000;

/**
 * Set-based upsert of a batch: one multi-row `INSERT ... SELECT FROM jsonb_to_recordset`
 * per chunk of 5,000 rows, `ON CONFLICT ... DO UPDATE` only where a value differs, so
 * unchanged rows are neither written nor returned. `(xmax = 0)` tells inserts from updates.
 */
export async function upsertBatch(
  manager: EntityManager,
  tenantId: string,
  table: string,
  conflict: string[],
  columns: UpsertColumn[],
  rows: Record<string, unknown>[],
): Promise<UpsertResult> {
  const written = new Map<string, { id: string; inserted: boolean }>();
  const names = columns.map((c) => `"${c.name}"`);
  const updatable = columns.filter((c) => !conflict.includes(c.name)).map((c) => `"${c.name}"`);
  const sql = `INSERT INTO "${table}" AS t (tenant_id, ${names.join(', ')})
    SELECT $1::uuid, ${names.map((n) => `r.${n}`).join(', ')}
      FROM jsonb_to_recordset($2::jsonb) AS r(${columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})
    ON CONFLICT (tenant_id, ${conflict.map((c) => `"${c}"`).join(', ')}) DO UPDATE
       SET ${updatable.map((n) => `${n} = EXCLUDED.${n}`).join(', ')}, updated_at = now()
     WHERE (${updatable.map((n) => `t.${n}`).join(', ')}) IS DISTINCT FROM (${updatable.map((n) => `EXCLUDED.${n}`).join(', ')})
    RETURNING t.id, t.external_ref, (xmax = 0) AS inserted`;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const out: { id: string; external_ref: string; inserted: boolean }[] = await manager.query(sql, [
      tenantId,
      JSON.stringify(chunk),
    ]);
    for (const r of out) written.set(r.external_ref, { id: r.id, inserted: r.inserted });
  }
  return { written };
}
