import { Injectable } from '@nestjs/common';
import { isUuid, NotFoundError, TenantDb, TenantToday, toPage, type Page } from '@encours/api-core';
import { portfolioSql } from '@encours/receivables';
import { currentUserId } from '../limits/bulk-input.js';
import type { AlertType } from './risk-alert.entity.js';
import type { ReadAllQuery, RiskAlertDto, RiskAlertQuery, UnreadCountDto } from './risk-alerts.dto.js';

interface AlertRow {
  id: string;
  type: AlertType;
  customer_id: string | null;
  external_ref: string | null;
  name: string | null;
  severity: string;
  message: string;
  data: Record<string, unknown>;
  read_at: Date | null;
  read_by_id: string | null;
  created_at: Date;
}

const toDto = (r: AlertRow): RiskAlertDto => ({
  id: r.id,
  type: r.type,
  customerId: r.customer_id,
  customerRef: r.external_ref,
  customerName: r.name,
  severity: r.severity,
  message: r.message,
  data: r.data ?? {},
  readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
  readById: r.read_by_id,
  createdAt: new Date(r.created_at).toISOString(),
});

/**
 * The risk alerts as in-app notifications: listed newest first, counted, marked read (for the
 * whole team: an alert one person dealt with is read for everyone). Sales see the alerts of
 * their own customers only.
 */
@Injectable()
export class RiskAlertInboxService {
  constructor(
    private readonly db: TenantDb,
    private readonly clock: TenantToday,
  ) {}

  /** WHERE clause of the caller's alerts with these filters; parameters start at $1 = tenant. */
  private filter(q: { unread?: boolean; type?: AlertType; customerId?: string; severity?: string }) {
    const params: unknown[] = [this.db.tenantId];
    const where = ['a.tenant_id = $1'];
    const add = (sql: (i: number) => string, v: unknown) => {
      params.push(v);
      where.push(sql(params.length));
    };
    if (q.unread === true) where.push('a.read_at IS NULL');
    if (q.unread === false) where.push('a.read_at IS NOT NULL');
    if (q.type) add((i) => `a.type = $${i}`, q.type);
    if (q.severity) add((i) => `a.severity = $${i}`, q.severity);
    if (q.customerId) add((i) => `a.customer_id = $${i}`, q.customerId);
    const p = portfolioSql('a.customer_id', params.length + 1);
    params.push(...p.params);
    return { sql: where.join(' AND ') + p.sql, params };
  }

  async list(q: RiskAlertQuery): Promise<Page<RiskAlertDto>> {
    const f = this.filter(q);
    const m = this.db.dataSource.manager;
    const [{ total }] = await m.query(`SELECT count(*)::int AS total FROM risk_alert a WHERE ${f.sql}`, f.params);
    const rows: AlertRow[] = await m.query(
      `SELECT a.id, a.type, a.customer_id, c.external_ref, c.name, a.severity, a.message, a.data, a.read_at, a.read_by_id, a.created_at
         FROM risk_alert a LEFT JOIN customer c ON c.id = a.customer_id AND c.tenant_id = a.tenant_id
        WHERE ${f.sql}
        ORDER BY a.created_at DESC, a.id DESC
        LIMIT $${f.params.length + 1} OFFSET $${f.params.length + 2}`,
      [...f.params, q.pageSize, (q.page - 1) * q.pageSize],
    );
    return toPage(rows.map(toDto), total, q);
  }

  async unreadCount(): Promise<UnreadCountDto> {
    const f = this.filter({ unread: true });
    const [r] = await this.db.dataSource.manager.query(
      `SELECT count(*)::int AS count, count(*) FILTER (WHERE a.severity = 'critical')::int AS critical FROM risk_alert a WHERE ${f.sql}`,
      f.params,
    );
    return { count: r.count, critical: r.critical };
  }

  async markRead(id: string): Promise<RiskAlertDto> {
    if (!isUuid(id)) throw new NotFoundError('Risk alert', id);
    const f = this.filter({});
    const params = [...f.params, id, this.clock.now(), currentUserId()];
    const n = f.params.length;
    const [rows]: [AlertRow[], number] = await this.db.dataSource.manager.query(
      `UPDATE risk_alert a SET read_at = coalesce(a.read_at, $${n + 2}), read_by_id = CASE WHEN a.read_at IS NULL THEN $${n + 3}::uuid ELSE a.read_by_id END,
              updated_at = now()
        WHERE ${f.sql} AND a.id = $${n + 1}
        RETURNING a.id`,
      params,
    );
    if (!rows.length) throw new NotFoundError('Risk alert', id);
    const [row]: AlertRow[] = await this.db.dataSource.manager.query(
      `SELECT a.id, a.type, a.customer_id, c.external_ref, c.name, a.severity, a.message, a.data, a.read_at, a.read_by_id, a.created_at
         FROM risk_alert a LEFT JOIN customer c ON c.id = a.customer_id AND c.tenant_id = a.tenant_id
        WHERE a.tenant_id = $1 AND a.id = $2`,
      [this.db.tenantId, id],
    );
    return toDto(row);
  }

  async markAllRead(q: ReadAllQuery): Promise<{ updated: number }> {
    const f = this.filter({ ...q, unread: true });
    const n = f.params.length;
    const [, count]: [unknown[], number] = await this.db.dataSource.manager.query(
      `UPDATE risk_alert a SET read_at = $${n + 1}, read_by_id = $${n + 2}::uuid, updated_at = now() WHERE ${f.sql}`,
      [...f.params, this.clock.now(), currentUserId()],
    );
    return { updated: count };
  }
}
