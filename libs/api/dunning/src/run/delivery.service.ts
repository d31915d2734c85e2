import { Injectable, Logger } from '@nestjs/common';
import { TimelineService, type TimelineEntry } from '@encours/receivables';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { MailerService } from '../delivery/mailer.service.js';
import { ProducerPool } from './producer-pool.js';
import { SmsService } from '../delivery/sms.service.js';
import { MergeContextBuilder } from '../merge/merge-context.builder.js';
import { DunningSettingsService } from '../settings/dunning-settings.service.js';
import type { DunningSettings } from '../settings/dunning-settings.entity.js';
import type { MergeContext } from '../templates/merge-context.js';
import type { StepAction } from '../scenarios/scenario.entities.js';

/** Actions handled per batch (one context query set, one write transaction). */
const BATCH = 500;
/** Messages produced/sent at once inline (the SMTP pool has 2 connections; the rest is CPU). */
const CONCURRENCY = 8;
/** In flight when the render workers produce: enough to keep every worker busy. */
const WORKER_CONCURRENCY = 32;
/** A claimed action left in `sending` longer than this (crashed process) is taken again. */
const STALE_SENDING_MINUTES = 15;

interface ClaimedAction {
  id: string;
  customer_id: string;
  run_date: string;
  step_id: string;
  step_position: number;
  step_name: string;
  action: StepAction;
  template_code: string | null;
  invoice_ids: string[];
  attempts: number;
  offset_days: number;
  language: 'fr' | 'en';
}

interface TemplateRow {
  code: string;
  language: 'fr' | 'en';
  channel: 'email' | 'sms' | 'letter' | 'formal_notice' | 'call';
  subject: string | null;
  body: string;
}

interface DocumentRow {
  customerId: string;
  actionId: string;
  kind: 'email' | 'sms' | 'letter' | 'formal_notice';
  title: string;
  filename: string;
  mimeType: string;
  content: Buffer;
  printStatus: 'to_print' | null;
}

interface Outcome {
  id: string;
  ok: boolean;
  error?: string;
  /** A configuration problem (no contact, no template): retrying will not help. */
  permanent?: boolean;
  recipient?: string | null;
  messageId?: string | null;
  documents: DocumentRow[];
  timeline: TimelineEntry[];
  tasks: Array<{ kind: string; title: string }>;
}

export interface DeliveryCounts {
  sent: number;
  failed: number;
  retrying: number;
  [key: string]: number;
}

const CHANNEL_OF: Partial<Record<StepAction, TemplateRow['channel']>> = {
  email: 'email',
  sms: 'sms',
  letter: 'letter',
  formal_notice: 'formal_notice',
};

/**
 * Phase 2 of the run: executes the queued actions (automatic ones, and those a person
 * validated): renders the tenant's template in the customer's language with its statement,
 * sends the email (SMTP) or SMS, renders letters and formal notices to PDF for the print queue,
 * archives every document as sent and logs it on the customer's timeline. A failed send is
 * retried with back-off (attempts, last error) and reported failed, with a task, after the
 * tenant's maximum attempts; it is never marked sent.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger('DunningDelivery');

  constructor(
    private readonly dataSource: DataSource,
    private readonly mailer: MailerService,
    private readonly sms: SmsService,
    private readonly contexts: MergeContextBuilder,
    private readonly settingsService: DunningSettingsService,
    private readonly timeline: TimelineService,
    private readonly producers: ProducerPool,
  ) {}

  /**
   * Delivers every due queued action of the tenant (or only `actionIds`). Batches flow through a
   * pipeline: while batch N is produced (workers) the next one is claimed and its contexts built,
   * and batch N-1's results are written, so PostgreSQL and the CPUs work at the same time.
   */
  async deliverDue(tenantId: string, now: Date, options: { actionIds?: string[]; today?: string } = {}): Promise<DeliveryCounts> {
    const counts: DeliveryCounts = { sent: 0, failed: 0, retrying: 0 };
    const settings = await this.settingsService.getWithSecrets(tenantId);
    const templates = await this.templates(tenantId);
    const prepare = async (): Promise<{ batch: ClaimedAction[]; ctxs: Map<string, MergeContext> }> => {
      const batch = await this.claim(tenantId, now, options.actionIds);
      if (!batch.length) return { batch, ctxs: new Map() };
      const today = options.today ?? batch[0].run_date;
      const ctxs = await this.contexts.build(
        this.dataSource.manager,
        tenantId,
        batch.map((a) => ({
          customerId: a.customer_id,
          invoiceIds: a.invoice_ids,
          step: { name: a.step_name, position: a.step_position, offsetDays: a.offset_days },
          today,
          channel: CHANNEL_OF[a.action] ?? 'letter',
        })),
      );
      return { batch, ctxs };
    };
    let next: Promise<{ batch: ClaimedAction[]; ctxs: Map<string, MergeContext> }> | null = prepare();
    let writing: Promise<void> = Promise.resolve();
    try {
      while (next) {
        const { batch, ctxs } = await next;
        if (!batch.length) break;
        next = options.actionIds ? null : prepare();
        // (A failed prefetch surfaces when awaited; keep it from being reported as unhandled before.)
        next?.catch(() => undefined);
        const viaWorkers = this.producers.usesWorkers(batch.length);
        const outcomes = await mapLimit(batch, viaWorkers ? WORKER_CONCURRENCY : CONCURRENCY, (a) =>
          this.deliverOne(now, a, ctxs.get(a.customer_id), settings, templates, viaWorkers),
        );
        await writing;
        writing = this.dataSource.transaction((m) => this.record(m, tenantId, batch, outcomes, settings, now, counts));
        writing.catch(() => undefined);
      }
    } finally {
      // Whatever happens, the last results are written before returning (or their error is thrown).
      await writing;
    }
    return counts;
  }

  private async templates(tenantId: string): Promise<Map<string, TemplateRow>> {
    const rows: TemplateRow[] = await this.dataSource.query(
      `SELECT code, language, channel, subject, body FROM dunning_template WHERE tenant_id = $1`,
      [tenantId],
    );
    return new Map(rows.map((r) => [`${r.code}:${r.language}`, r]));
  }

  /** Takes a batch of due actions for this process (SKIP LOCKED: concurrent deliverers never share one). */
  private async claim(tenantId: string, now: Date, ids?: string[]): Promise<ClaimedAction[]> {
    // (TypeORM answers an UPDATE ... RETURNING with [rows, affected].)
    const [rows]: [ClaimedAction[], number] = await this.dataSource.query(
      `WITH due AS (
         SELECT a.id, coalesce(s.offset_days, 0) AS offset_days
           FROM dunning_action a
           LEFT JOIN dunning_step s ON s.id = a.step_id
          WHERE a.tenant_id = $1
            AND ((a.status = 'queued' AND (a.next_attempt_at IS NULL OR a.next_attempt_at <= $2))
                 OR (a.status = 'sending' AND a.updated_at < $2::timestamptz - make_interval(mins => $4)))
            AND ($3::uuid[] IS NULL OR a.id = ANY($3::uuid[]))
          ORDER BY a.created_at, a.id
          LIMIT ${BATCH}
          FOR UPDATE OF a SKIP LOCKED)
       UPDATE dunning_action a SET status = 'sending', updated_at = $2
         FROM due, customer c
        WHERE a.id = due.id AND c.id = a.customer_id
       RETURNING a.id, a.customer_id, a.run_date::text, a.step_id, a.step_position, a.step_name, a.action, a.template_code,
                 a.invoice_ids, a.attempts, due.offset_days, c.language`,
      [tenantId, now, ids ?? null, STALE_SENDING_MINUTES],
    );
    return rows;
  }

  private template(templates: Map<string, TemplateRow>, code: string | null, language: 'fr' | 'en'): TemplateRow | undefined {
    if (!code) return undefined;
    return templates.get(`${code}:${language}`) ?? templates.get(`${code}:fr`) ?? templates.get(`${code}:en`);
  }

  private async deliverOne(
    now: Date,
    a: ClaimedAction,
    ctx: MergeContext | undefined,
    settings: DunningSettings,
    templates: Map<string, TemplateRow>,
    viaWorkers: boolean,
  ): Promise<Outcome> {
    const out: Outcome = { id: a.id, ok: false, documents: [], timeline: [], tasks: [] };
    const template = this.template(templates, a.template_code, a.language);
    if (!ctx) return { ...out, error: 'The customer has nothing left to claim', permanent: true };
    if (!template) return { ...out, error: `No template "${a.template_code}" in ${a.language}`, permanent: true };
    if (a.action !== 'email' && a.action !== 'sms' && a.action !== 'letter' && a.action !== 'formal_notice')
      return { ...out, error: `Action ${a.action} is not delivered`, permanent: true };
    const to = ctx.contact?.email ?? null;
    const phone = ctx.contact?.phone ?? null;
    if (a.action === 'email' && !to) return { ...out, error: 'No contact with an email address', permanent: true };
    if (a.action === 'sms' && !phone) return { ...out, error: 'No contact with a phone number', permanent: true };
    const total = ctx.totals.map((t) => `${t.overdue} ${t.currency}`).join(' + ');
    const label = `${a.step_name} (${a.run_date})`;
    try {
      const produced = await this.producers.run(
        {
          action: a.action,
          template,
          ctx,
          stepName: a.step_name,
          runDate: a.run_date,
          actionId: a.id,
          mail:
            to && (a.action === 'email' || a.action === 'formal_notice')
              ? {
                  settings: {
                    fromName: settings.fromName,
                    fromEmail: settings.fromEmail,
                    replyTo: settings.replyTo,
                    companyName: settings.companyName,
                  },
                  to: [to],
                }
              : null,
        },
        viaWorkers,
      );
      if (!produced.ok) return { ...out, error: produced.error, permanent: produced.permanent };
      if (produced.pdf)
        out.documents.push({
          customerId: a.customer_id,
          actionId: a.id,
          kind: a.action === 'letter' ? 'letter' : 'formal_notice',
          title: produced.subject ?? a.step_name,
          filename: produced.pdf.filename,
          mimeType: 'application/pdf',
          content: produced.pdf.content,
          printStatus: 'to_print',
        });
      if (a.action === 'letter') {
        out.tasks.push({ kind: 'letter', title: a.step_name });
        out.ok = true;
        out.timeline.push(this.entry(now, a, 'dunning.letter', `${a.step_name}: letter ready to print`, total, ctx, label));
        return out;
      }
      if (a.action === 'sms') {
        const sent = await this.sms.send(settings, { to: phone!, text: produced.text });
        out.documents.push({
          customerId: a.customer_id,
          actionId: a.id,
          kind: 'sms',
          title: `SMS to ${phone}`,
          filename: `${a.run_date}-sms.txt`,
          mimeType: 'text/plain; charset=utf-8',
          content: Buffer.from(produced.text, 'utf8'),
          printStatus: null,
        });
        out.ok = true;
        out.recipient = phone;
        out.messageId = sent.id;
        out.timeline.push(
          this.entry(now, a, 'dunning.sms_sent', `${a.step_name} sent to ${phone}`, total, ctx, label, {
            provider: sent.provider,
          }),
        );
        return out;
      }
      if (a.action === 'formal_notice') out.tasks.push({ kind: 'formal_notice', title: a.step_name });
      if (!produced.email) {
        // A formal notice without an email contact: the PDF is produced and queued for registered mail.
        out.ok = true;
        out.timeline.push(
          this.entry(now, a, 'dunning.formal_notice', `${a.step_name}: formal notice ready to send`, total, ctx, label),
        );
        return out;
      }
      const sent = await this.mailer.transmit(settings, {
        messageId: produced.email.messageId,
        raw: produced.email.raw,
        to: [to!],
      });
      out.documents.push({
        customerId: a.customer_id,
        actionId: a.id,
        kind: 'email',
        title: produced.email.subject,
        filename: `${a.run_date}-${safe(a.step_name)}.eml`,
        mimeType: 'message/rfc822',
        content: sent.raw,
        printStatus: null,
      });
      out.ok = true;
      out.recipient = to;
      out.messageId = sent.messageId;
      out.timeline.push(
        this.entry(
          now,
          a,
          a.action === 'email' ? 'dunning.email_sent' : 'dunning.formal_notice',
          `${a.step_name} sent to ${to}`,
          total,
          ctx,
          label,
          {
            subject: produced.email.subject,
            attachments: produced.pdf ? [produced.pdf.filename] : [],
          },
        ),
      );
      return out;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn({ actionId: a.id, err: message }, 'Delivery failed');
      return { ...out, documents: [], timeline: [], tasks: [], error: message };
    }
  }

  private entry(
    now: Date,
    a: ClaimedAction,
    type: string,
    title: string,
    total: string,
    ctx: MergeContext,
    label: string,
    extra: Record<string, unknown> = {},
  ): TimelineEntry {
    const first = ctx.totals[0];
    return {
      customerId: a.customer_id,
      type,
      occurredAt: now,
      title,
      body: total ? `${ctx.invoices.length} invoice(s): ${total}` : null,
      amount: ctx.totals.length === 1 ? first.overdue : null,
      currency: ctx.totals.length === 1 ? first.currency : null,
      source: 'dunning',
      data: { step: a.step_position, stepName: a.step_name, invoices: ctx.invoices.map((i) => i.number), ...extra },
      related: { kind: 'dunning_action', id: a.id, label },
      dedupeKey: `${a.id}:${type}`,
    };
  }

  private async record(
    m: EntityManager,
    tenantId: string,
    batch: ClaimedAction[],
    outcomes: Outcome[],
    settings: DunningSettings,
    now: Date,
    counts: DeliveryCounts,
  ): Promise<void> {
    const docs = outcomes.flatMap((o) => o.documents);
    const docIds = new Map<DocumentRow, string>();
    if (docs.length) {
      // One row of parameters per document: the contents travel as binary parameters (an array
      // of bytea would go as hex text, twice the size, encoded on this thread).
      const params: unknown[] = [tenantId];
      const rows = docs.map((d) => {
        const base = params.length;
        params.push(
          d.customerId,
          d.actionId,
          d.kind,
          d.title.slice(0, 300),
          d.filename.slice(0, 200),
          d.mimeType,
          d.content,
          d.content.length,
          createHash('sha256').update(d.content).digest('hex'),
          d.printStatus,
        );
        return `($1, ${Array.from({ length: 10 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
      });
      const ids: Array<{ id: string }> = await m.query(
        `INSERT INTO dunning_document (tenant_id, customer_id, action_id, kind, title, filename, mime_type, content, size, sha256, print_status)
         VALUES ${rows.join(', ')}
         RETURNING id`,
        params,
      );
      docs.forEach((d, i) => docIds.set(d, ids[i].id));
    }
    const byId = new Map(batch.map((a) => [a.id, a]));
    const sent = outcomes.filter((o) => o.ok);
    const failed = outcomes.filter((o) => !o.ok);
    if (sent.length)
      await m.query(
        `UPDATE dunning_action a SET status = 'sent', sent_at = $2, recipient = s.recipient, message_id = s.message_id,
                attempts = a.attempts + 1, last_error = NULL, next_attempt_at = NULL, updated_at = $2
           FROM unnest($3::uuid[], $4::text[], $5::text[]) AS s(id, recipient, message_id)
          WHERE a.tenant_id = $1 AND a.id = s.id`,
        [tenantId, now, sent.map((o) => o.id), sent.map((o) => o.recipient ?? null), sent.map((o) => o.messageId ?? null)],
      );
    counts.sent += sent.length;
    const giveUp: Outcome[] = [];
    const retry: Outcome[] = [];
    for (const o of failed) (o.permanent || byId.get(o.id)!.attempts + 1 >= settings.maxSendAttempts ? giveUp : retry).push(o);
    if (retry.length)
      await m.query(
        `UPDATE dunning_action a SET status = 'queued', attempts = a.attempts + 1, last_error = s.err,
                next_attempt_at = $2::timestamptz + make_interval(mins => 5 * power(2, a.attempts)::int), updated_at = $2
           FROM unnest($3::uuid[], $4::text[]) AS s(id, err)
          WHERE a.tenant_id = $1 AND a.id = s.id`,
        [tenantId, now, retry.map((o) => o.id), retry.map((o) => o.error!.slice(0, 2000))],
      );
    counts.retrying += retry.length;
    if (giveUp.length)
      await m.query(
        `UPDATE dunning_action a SET status = 'failed', attempts = a.attempts + 1, last_error = s.err, next_attempt_at = NULL, updated_at = $2
           FROM unnest($3::uuid[], $4::text[]) AS s(id, err)
          WHERE a.tenant_id = $1 AND a.id = s.id`,
        [tenantId, now, giveUp.map((o) => o.id), giveUp.map((o) => o.error!.slice(0, 2000))],
      );
    counts.failed += giveUp.length;
    const tasks = [
      ...sent.flatMap((o) => o.tasks.map((t) => ({ ...t, actionId: o.id, comment: null as string | null }))),
      // The task says which step failed; why is in its comment (and in the action's last error).
      ...giveUp.map((o) => ({ kind: 'send_failed', title: byId.get(o.id)!.step_name, actionId: o.id, comment: o.error ?? null })),
    ];
    if (tasks.length)
      await m.query(
        `INSERT INTO dunning_task (tenant_id, customer_id, action_id, kind, title, comment, assignee_id, due_date)
         SELECT $1, a.customer_id, a.id, t.kind, left(t.title, 300), t.comment, cd.collector_id, a.run_date
           FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) AS t(action_id, kind, title, comment)
           JOIN dunning_action a ON a.id = t.action_id AND a.tenant_id = $1
           LEFT JOIN customer_dunning cd ON cd.tenant_id = $1 AND cd.customer_id = a.customer_id
         ON CONFLICT DO NOTHING`,
        [
          tenantId,
          tasks.map((t) => t.actionId),
          tasks.map((t) => t.kind),
          tasks.map((t) => t.title),
          tasks.map((t) => t.comment),
        ],
      );
    const entries = sent.flatMap((o) =>
      o.timeline.map((e) => {
        const doc = o.documents.find((d) => d.kind !== 'email') ?? o.documents[0];
        const id = doc ? docIds.get(doc) : undefined;
        return id
          ? {
              ...e,
              data: { ...e.data, documents: o.documents.map((d) => ({ id: docIds.get(d), kind: d.kind, filename: d.filename })) },
            }
          : e;
      }),
    );
    await this.timeline.recordMany(m, tenantId, entries);
  }
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60);
}

/** Maps with at most `limit` promises in flight, keeping the order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
