import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { MAX_ATTEMPTS, nextRetryDelay } from './retry-policy.js';
import type { EventEnvelope } from './webhook-delivery.entity.js';
import { signatureHeader } from './webhook-signature.js';

export const WEBHOOK_USER_AGENT = 'Encours-Webhooks/1.0';
/** Each POST is abandoned after this long. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** A claimed delivery is left alone by other dispatchers for this long (a crashed one loses it). */
export const DELIVERY_LEASE_MS = 5 * 60_000;
/** Deliveries sent at once by one dispatcher. */
const CONCURRENCY = 10;
/** Longest response or error text kept on the delivery. */
const MAX_ERROR_TEXT = 1000;

export interface DispatchCounts {
  claimed: number;
  succeeded: number;
  retrying: number;
  failed: number;
}

interface ClaimedDelivery {
  id: string;
  event_type: string;
  attempts: number;
  payload: EventEnvelope;
  url: string;
  secret: string;
}

interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/**
 * Sends due webhook deliveries. Claiming uses `FOR UPDATE SKIP LOCKED` and a lease column, so
 * several API processes may dispatch at the same time without sending a delivery twice (no
 * advisory lock needed); within one process, ticks never overlap.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger('Webhooks');
  private running = false;
  /** Jitter source for retry delays; tests may set it to undefined for exact delays. */
  random: (() => number) | undefined = Math.random;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  @Interval('webhooks.dispatch', 10_000)
  async onTick(): Promise<void> {
    if (!this.config.jobsEnabled || this.running) return;
    this.running = true;
    try {
      // Drain a backlog in batches, but give the event loop back after a bounded amount of work.
      for (let batch = 0; batch < 10; batch++) {
        const counts = await this.processDue();
        if (counts.claimed < 100) break;
      }
    } catch (err) {
      this.logger.error({ err }, 'Webhook dispatch failed');
    } finally {
      this.running = false;
    }
  }

  /** Claims up to `limit` deliveries due at `now`, sends them, and records each outcome. */
  async processDue(now: Date = new Date(), limit = 100): Promise<DispatchCounts> {
    const claimed = await this.claim(now, limit);
    const counts: DispatchCounts = { claimed: claimed.length, succeeded: 0, retrying: 0, failed: 0 };
    let next = 0;
    const worker = async () => {
      while (next < claimed.length) {
        const d = claimed[next++];
        const outcome = await this.record(d, await this.attempt(d), now);
        counts[outcome]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, claimed.length) }, worker));
    return counts;
  }

  /** One short statement: lock due rows others have not locked, lease them, return what sending needs. */
  private async claim(now: Date, limit: number): Promise<ClaimedDelivery[]> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [rows]: [ClaimedDelivery[], number] = await this.dataSource.query(
      `UPDATE webhook_delivery d
          SET locked_until = $2
         FROM webhook_subscription s
        WHERE s.id = d.subscription_id
          AND d.id IN (
                SELECT c.id
                  FROM webhook_delivery c
                  JOIN webhook_subscription cs ON cs.id = c.subscription_id AND cs.active
                 WHERE c.status = 'pending'
                   AND c.next_attempt_at <= $1
                   AND (c.locked_until IS NULL OR c.locked_until <= $1)
                 ORDER BY c.next_attempt_at
                 LIMIT $3
                   FOR UPDATE OF c SKIP LOCKED)
      RETURNING d.id, d.event_type, d.attempts, d.payload, s.url, s.secret`,
      [now, new Date(now.getTime() + DELIVERY_LEASE_MS), limit],
    );
    return rows;
  }

  private async attempt(d: ClaimedDelivery): Promise<AttemptResult> {
    const e = d.payload;
    const body = JSON.stringify({ id: e.id, type: e.type, occurredAt: e.occurredAt, tenantId: e.tenantId, data: e.data });
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': WEBHOOK_USER_AGENT,
          'X-Encours-Event': d.event_type,
          'X-Encours-Delivery': d.id,
          'X-Encours-Timestamp': String(timestamp),
          'X-Encours-Signature': signatureHeader(d.secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      const text = await readSome(res);
      if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status, error: null };
      return { ok: false, statusCode: res.status, error: truncate(`HTTP ${res.status}${text ? `: ${text}` : ''}`) };
    } catch (err) {
      return { ok: false, statusCode: null, error: truncate(describeError(err)) };
    }
  }

  private async record(d: ClaimedDelivery, r: AttemptResult, now: Date): Promise<keyof Omit<DispatchCounts, 'claimed'>> {
    const attempts = d.attempts + 1;
    const delay = r.ok ? null : attempts >= MAX_ATTEMPTS ? null : nextRetryDelay(attempts, this.random);
    const status = r.ok ? 'succeeded' : delay === null ? 'failed' : 'pending';
    await this.dataSource.query(
      `UPDATE webhook_delivery
          SET status = $2, attempts = $3, last_status_code = $4, last_error = $5, last_attempt_at = $6,
              next_attempt_at = $7, delivered_at = $8, locked_until = NULL, updated_at = now()
        WHERE id = $1`,
      [
        d.id,
        status,
        attempts,
        r.statusCode,
        r.error,
        new Date(),
        delay === null ? null : new Date(now.getTime() + delay),
        r.ok ? new Date() : null,
      ],
    );
    if (!r.ok)
      this.logger.warn({ deliveryId: d.id, event: d.event_type, attempts, status, error: r.error }, 'Webhook delivery failed');
    return status === 'succeeded' ? 'succeeded' : status === 'failed' ? 'failed' : 'retrying';
  }
}

/** The start of the response body (enough to diagnose), without reading a huge answer. */
async function readSome(res: Response, max = MAX_ERROR_TEXT): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < max) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // The body is only informative.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.trim();
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return `Timed out after ${DELIVERY_TIMEOUT_MS / 1000} s`;
    const cause = (err as Error & { cause?: unknown }).cause;
    const detail = cause instanceof Error ? cause.message : '';
    return detail ? `${err.message}: ${detail}` : err.message;
  }
  return String(err);
}

function truncate(s: string, max = MAX_ERROR_TEXT): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
