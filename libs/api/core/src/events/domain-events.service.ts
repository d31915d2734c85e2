import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { isUuid } from '../database/tenant-db.js';
import { isKnownEventType, PING_EVENT } from './event-types.js';
import type { EventEnvelope } from './webhook-delivery.entity.js';

export interface PublishOptions {
  /** When the business fact happened; defaults to now. */
  occurredAt?: Date;
  /**
   * Makes publishing idempotent: a second event with the same type and key is dropped for a
   * subscription that already has one (e.g. `invoice.overdue` keyed by the invoice id).
   */
  dedupeKey?: string;
}

export interface DomainEvent extends PublishOptions {
  type: string;
  payload: object;
}

interface OutboxRow {
  event_id: string;
  event_type: string;
  dedupe_key: string | null;
  envelope: EventEnvelope;
}

/**
 * The one way modules publish events to the outside world (webhooks). Writes, in the caller's
 * transaction, one `webhook_delivery` row per matching active subscription of the tenant: if the
 * business change rolls back, so does the event (transactional outbox). Sending is done later by
 * the WebhookDispatcher.
 */
@Injectable()
export class DomainEvents {
  /** Publishes one event; returns its id (the `id` of the envelope receivers get). */
  async publish(
    manager: EntityManager,
    tenantId: string,
    type: string,
    payload: object,
    options: PublishOptions = {},
  ): Promise<string> {
    const [id] = await this.publishMany(manager, tenantId, [{ type, payload, ...options }]);
    return id;
  }

  /**
   * Publishes many events with one INSERT ... SELECT (imports publish thousands), matched to
   * the tenant's subscriptions inside PostgreSQL. Returns the event ids, in input order.
   */
  async publishMany(manager: EntityManager, tenantId: string, events: DomainEvent[]): Promise<string[]> {
    if (!isUuid(tenantId)) throw new Error(`publish: tenantId must be a uuid, got "${tenantId}"`);
    if (!events.length) return [];
    for (const e of events) {
      if (!isKnownEventType(e.type)) throw new Error(`publish: unknown event type "${e.type}"; add it with registerEventType()`);
    }
    // Most tenants have no subscription for most events: skip building and sending the envelopes.
    const types = [...new Set(events.map((e) => e.type))];
    const [{ listened }] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM webhook_subscription
                       WHERE tenant_id = $1 AND active AND (event_types && $2::text[] OR '*' = ANY (event_types))) AS listened`,
      [tenantId, types],
    );
    if (!listened) return events.map(() => randomUUID());
    const rows = events.map((e) => outboxRow(tenantId, e));
    await manager.query(
      `INSERT INTO webhook_delivery (tenant_id, subscription_id, event_id, event_type, payload, dedupe_key, status, attempts, next_attempt_at)
       SELECT s.tenant_id, s.id, e.event_id, e.event_type, e.envelope, e.dedupe_key, 'pending', 0, now()
         FROM jsonb_to_recordset($2::jsonb) AS e(event_id uuid, event_type text, dedupe_key text, envelope jsonb)
         JOIN webhook_subscription s
           ON s.tenant_id = $1 AND s.active AND (e.event_type = ANY (s.event_types) OR '*' = ANY (s.event_types))
       ON CONFLICT (tenant_id, subscription_id, event_type, dedupe_key) DO NOTHING`,
      [tenantId, JSON.stringify(rows)],
    );
    return rows.map((r) => r.event_id);
  }

  /** Enqueues a `ping` event for one subscription, whatever events it subscribed to; returns the delivery id. */
  async ping(manager: EntityManager, tenantId: string, subscriptionId: string): Promise<string> {
    const row = outboxRow(tenantId, {
      type: PING_EVENT,
      payload: { subscriptionId, message: 'Ping from Encours: this endpoint receives webhooks.' },
    });
    const inserted: { id: string }[] = await manager.query(
      `INSERT INTO webhook_delivery (tenant_id, subscription_id, event_id, event_type, payload, status, attempts, next_attempt_at)
       SELECT s.tenant_id, s.id, $3, $4, $5::jsonb, 'pending', 0, now()
         FROM webhook_subscription s
        WHERE s.tenant_id = $1 AND s.id = $2
       RETURNING id`,
      [tenantId, subscriptionId, row.event_id, row.event_type, JSON.stringify(row.envelope)],
    );
    if (!inserted.length) throw new Error(`ping: subscription ${subscriptionId} not found in tenant ${tenantId}`);
    return inserted[0].id;
  }
}

function outboxRow(tenantId: string, e: DomainEvent): OutboxRow {
  const id = randomUUID();
  return {
    event_id: id,
    event_type: e.type,
    dedupe_key: e.dedupeKey ?? null,
    envelope: {
      id,
      type: e.type,
      occurredAt: (e.occurredAt ?? new Date()).toISOString(),
      tenantId,
      data: e.payload as Record<string, unknown>,
    },
  };
}
