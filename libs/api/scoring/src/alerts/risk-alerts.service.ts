import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AlertType } from './risk-alert.entity.js';

export interface NewRiskAlert {
  type: AlertType;
  customerId: string | null;
  severity: 'info' | 'warning' | 'critical';
  message: string;
  data?: Record<string, unknown>;
  /** At most one alert per (type, dedupeKey): raising twice is harmless. */
  dedupeKey: string;
}

/** Raises in-app risk alerts (notifications), idempotently, inside the caller's transaction. */
@Injectable()
export class RiskAlertsService {
  /** Inserts the alerts not raised before; returns those actually created (by dedupe key). */
  async raise(m: EntityManager, tenantId: string, alerts: NewRiskAlert[]): Promise<Set<string>> {
    if (!alerts.length) return new Set();
    const rows: Array<{ dedupe_key: string }> = await m.query(
      `INSERT INTO risk_alert (tenant_id, type, customer_id, severity, message, data, dedupe_key)
       SELECT $1, a.type, a.customer_id, a.severity, a.message, coalesce(a.data, '{}'::jsonb), a.dedupe_key
         FROM jsonb_to_recordset($2::jsonb) AS a(type text, customer_id uuid, severity text, message text, data jsonb, dedupe_key text)
       ON CONFLICT (tenant_id, type, dedupe_key) DO NOTHING
       RETURNING dedupe_key`,
      [
        tenantId,
        JSON.stringify(
          alerts.map((a) => ({
            type: a.type,
            customer_id: a.customerId,
            severity: a.severity,
            message: a.message,
            data: a.data ?? {},
            dedupe_key: a.dedupeKey,
          })),
        ),
      ],
    );
    return new Set(rows.map((r) => r.dedupe_key));
  }
}
