import { Injectable, Logger } from '@nestjs/common';
import {
  AppError,
  AuditLog,
  DomainEvents,
  NotFoundError,
  PROBLEM_CONTENT_TYPE,
  problemType,
  RequestContext,
  TenantDb,
  ValidationFailed,
  isUuid,
  runAsSystem,
  type FieldError,
  type TenantTx,
} from '@encours/api-core';
import { fromMinor, today } from '@encours/domain';
import { createHash } from 'node:crypto';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { auditRow } from '@encours/api-core';
import { AllocationService } from '../allocations/allocation.service.js';
import { ReceivablesError, ReceivablesErrorCode } from '../receivables.errors.js';
import { minorOf } from '../shared/amounts.js';
import {
  ImportMapping,
  ImportPayload,
  ImportRun,
  type ImportCounts,
  type ImportEntity,
  type ImportRunFormat,
  type ImportStatus,
} from './import.entities.js';
import { BodyProblem, parseBody, type ImportFormat, type RawRow } from './parse-body.js';
import { parseCsvFile, parseXlsxFile, type UploadedImportFile } from './upload-file.js';
import {
  checkAllocation,
  checkCustomer,
  checkItem,
  checkPayment,
  type AllocationInput,
  type Checked,
  type CustomerInput,
  type ItemInput,
  type PaymentInput,
  type RowContext,
} from './row-rules.js';
import { CHUNK, upsertBatch, type UpsertResult } from './upsert.js';

export const MAX_STORED_ERRORS = 1000;
/** Larger imports (and every file upload, unless asked otherwise) run in the background. */
export const SYNC_MAX_ROWS = 10_000;
/** Rows processed between two progress updates of a background import. */
export const QUEUE_CHUNK_ROWS = 2_000;
/** A claimed import is left alone by other runners for this long; each chunk extends it. */
export const IMPORT_LEASE_MS = 5 * 60_000;
/** Claims of one import (a runner crashed each time) before it is marked failed. */
export const MAX_IMPORT_ATTEMPTS = 3;

export interface ImportOptions {
  mode: 'upsert' | 'snapshot';
  dryRun: boolean;
  partial: boolean;
  maxClose?: number;
  delimiter?: string;
  mapping?: string;
  mappingId?: string;
  /** XLSX: the worksheet to read (default: the first). */
  sheet?: string;
  /** true: always in the background; false: in the request when it has at most SYNC_MAX_ROWS rows. */
  async?: boolean;
}

export interface ImportRequest {
  entity: ImportEntity;
  format: ImportRunFormat;
  body: unknown;
  /** A multipart upload (then `body` is ignored and `format` is csv or xlsx). */
  file?: UploadedImportFile;
  options: ImportOptions;
  idempotencyKey?: string;
  source: 'api' | 'file';
}

/** What the controller sends back, also what an Idempotency-Key replays. */
export interface ImportResponse {
  status: number;
  contentType: string;
  body: Record<string, unknown>;
}

interface Outcome {
  counts: ImportCounts;
  errors: FieldError[];
}

/** Thrown inside the transaction to roll it back while keeping the outcome. */
class Rollback extends Error {
  constructor(
    readonly outcome: Outcome,
    readonly reason: 'rejected' | 'dry-run',
    readonly problem?: { status: number; code: string; detail: string },
  ) {
    super(reason);
  }
}

interface Numbered<T> {
  row: number;
  value: T;
}

interface Batch<T> {
  valid: Numbered<T>[];
  errors: FieldError[];
  received: number;
}

const emptyCounts = (received: number): ImportCounts => ({
  received,
  created: 0,
  updated: 0,
  unchanged: 0,
  failed: 0,
  closed: 0,
});

/** A problem reading the body or the file, as an HTTP problem. */
export function bodyError(e: unknown): unknown {
  if (!(e instanceof BodyProblem)) return e;
  const code = e.status === 400 ? 'bad-request' : e.status === 415 ? 'unsupported-media-type' : 'unprocessable-body';
  return new AppError(e.status, code, e.message);
}

export interface QueueCounts {
  claimed: number;
  succeeded: number;
  rejected: number;
  failed: number;
}

interface ClaimedRun {
  id: string;
  tenant_id: string;
  attempts: number;
  actor_label: string | null;
}

/**
 * ERP push: parses the body, validates every row, then writes the batch in ONE transaction
 * with set-based upserts. All-or-nothing by default; `partial` writes the valid rows.
 * Imports of more than SYNC_MAX_ROWS rows and file uploads are queued (`import_payload`) and
 * processed by `processQueued()`, still in one transaction, chunk by chunk with progress.
 */
@Injectable()
export class ImportsService {
  private readonly logger = new Logger('Imports');

  constructor(
    private readonly db: TenantDb,
    private readonly allocations: AllocationService,
    private readonly events: DomainEvents,
  ) {}

  async run(req: ImportRequest): Promise<ImportResponse> {
    const endpoint = `POST /imports/${req.entity}`;
    const body = req.file
      ? { file: req.file.originalname, sha256: createHash('sha256').update(req.file.buffer).digest('hex') }
      : req.body;
    const hash = createHash('sha256')
      .update(JSON.stringify({ endpoint, format: req.format, options: req.options, body }))
      .digest('hex');
    if (req.idempotencyKey) {
      const replay = await this.replay(req.idempotencyKey, hash);
      if (replay) return replay;
    }
    if (req.options.mode === 'snapshot' && req.entity !== 'invoices' && req.entity !== 'credit-notes') {
      throw new ValidationFailed([{ field: 'mode', message: 'snapshot mode applies to invoices and credit notes only' }]);
    }
    const mapping = await this.mapping(req);
    let rows: RawRow[];
    try {
      const options = { delimiter: req.options.delimiter ?? mapping.delimiter, mapping: mapping.columns };
      if (!req.file) rows = parseBody(req.format as ImportFormat, req.body, options);
      else if (req.format === 'xlsx')
        rows = await parseXlsxFile(req.file, { sheet: req.options.sheet, mapping: mapping.columns });
      else rows = parseCsvFile(req.file, options);
    } catch (e) {
      throw bodyError(e);
    }
    if (!rows.length)
      throw new AppError(
        422,
        'unprocessable-body',
        req.file ? `The file ${JSON.stringify(req.file.originalname)} has no rows under its header` : 'The import has no rows',
      );
    if (this.inBackground(req, rows.length)) return this.enqueue(req, rows, endpoint, hash);

    try {
      return await this.db.transaction(async (tx) => {
        if (req.idempotencyKey) {
          const claimed = await tx.manager.query(
            `INSERT INTO idempotency_key (tenant_id, key, endpoint, request_hash) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, key) DO NOTHING RETURNING id`,
            [tx.tenantId, req.idempotencyKey, endpoint, hash],
          );
          if (!claimed.length) throw new ConcurrentReplay();
        }
        const outcome = await this.process(tx, req, rows);
        if (req.options.dryRun) throw new Rollback(outcome, 'dry-run');
        const status: ImportStatus = outcome.errors.length ? 'partially_succeeded' : 'succeeded';
        const run = await this.record(tx, req, status, outcome);
        const { created, updated, closed } = outcome.counts;
        if (created + updated + closed > 0)
          await this.events.publish(
            tx.manager,
            tx.tenantId,
            'import.completed',
            { importId: run.id, entity: run.entity, mode: run.mode, source: run.source, status, counts: outcome.counts },
            { dedupeKey: run.id },
          );
        const response = this.response(200, run, outcome);
        if (req.idempotencyKey) await this.storeResponse(tx, req.idempotencyKey, response);
        return response;
      });
    } catch (e) {
      if (e instanceof ConcurrentReplay) {
        const replay = await this.replay(req.idempotencyKey!, hash);
        if (replay) return replay;
        throw new AppError(409, 'idempotency-key-in-use', 'A request with this Idempotency-Key is still being processed');
      }
      if (!(e instanceof Rollback)) throw e;
      // Nothing of the batch was written; the run (and the key) are recorded on their own.
      return this.db.transaction(async (tx) => {
        const dry = e.reason === 'dry-run';
        const run = await this.record(
          tx,
          req,
          dry ? (e.outcome.errors.length ? 'partially_succeeded' : 'succeeded') : 'failed',
          e.outcome,
        );
        const response = dry
          ? this.response(200, run, e.outcome)
          : this.problem(
              run,
              e.outcome,
              e.problem ?? { status: 422, code: ReceivablesErrorCode.ImportRejected, detail: rejectDetail(e.outcome) },
            );
        if (req.idempotencyKey) {
          await tx.manager.query(
            `INSERT INTO idempotency_key (tenant_id, key, endpoint, request_hash) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, key) DO NOTHING`,
            [tx.tenantId, req.idempotencyKey, endpoint, hash],
          );
          await this.storeResponse(tx, req.idempotencyKey, response);
        }
        return response;
      });
    }
  }

  private inBackground(req: ImportRequest, rows: number): boolean {
    if (rows > SYNC_MAX_ROWS || req.options.async === true) return true;
    return !!req.file && !req.options.dryRun && req.options.async !== false;
  }

  /** Stores the parsed rows and a `queued` run; answers 202 (also what the Idempotency-Key replays until done). */
  private async enqueue(req: ImportRequest, rows: RawRow[], endpoint: string, hash: string): Promise<ImportResponse> {
    try {
      return await this.db.transaction(async (tx) => {
        if (req.idempotencyKey) {
          const claimed = await tx.manager.query(
            `INSERT INTO idempotency_key (tenant_id, key, endpoint, request_hash) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, key) DO NOTHING RETURNING id`,
            [tx.tenantId, req.idempotencyKey, endpoint, hash],
          );
          if (!claimed.length) throw new ConcurrentReplay();
        }
        const run = await this.record(tx, req, 'queued', { counts: emptyCounts(rows.length), errors: [] });
        await tx.manager.insert(ImportPayload, {
          tenantId: tx.tenantId,
          importRunId: run.id,
          rows: JSON.stringify(rows),
          options: req.options.maxClose === undefined ? {} : { maxClose: req.options.maxClose },
        });
        const response: ImportResponse = {
          status: 202,
          contentType: 'application/json',
          body: { importId: run.id, status: 'queued', statusUrl: `/api/v1/imports/${run.id}` },
        };
        if (req.idempotencyKey) await this.storeResponse(tx, req.idempotencyKey, response);
        return response;
      });
    } catch (e) {
      if (!(e instanceof ConcurrentReplay)) throw e;
      const replay = await this.replay(req.idempotencyKey!, hash);
      if (replay) return replay;
      throw new AppError(409, 'idempotency-key-in-use', 'A request with this Idempotency-Key is still being processed');
    }
  }

  // ---------------------------------------------------------------- background runner

  /**
   * Claims queued imports one at a time (every tenant), and processes each in its tenant as a
   * system actor named after the requester. Safe to call from several processes at once.
   */
  async processQueued(limit = 10): Promise<QueueCounts> {
    const counts: QueueCounts = { claimed: 0, succeeded: 0, rejected: 0, failed: 0 };
    while (counts.claimed < limit) {
      const claimed = await this.claim();
      if (!claimed) break;
      counts.claimed++;
      const status = await runAsSystem(`import:${claimed.actor_label ?? claimed.id}`, claimed.tenant_id, () =>
        this.execute(claimed),
      );
      if (status === 'rejected' || status === 'failed') counts[status]++;
      else counts.succeeded++;
    }
    return counts;
  }

  /** One short statement: the oldest queued import (or one whose runner's lease ran out), leased. */
  private async claim(): Promise<ClaimedRun | undefined> {
    const now = new Date();
    const [rows]: [ClaimedRun[], number] = await this.db.dataSource.query(
      `UPDATE import_run r
          SET status = 'running', locked_until = $2, attempts = r.attempts + 1, updated_at = now()
        WHERE r.id = (
                SELECT c.id FROM import_run c
                 WHERE c.status IN ('queued', 'running')
                   AND (c.status = 'queued' OR c.locked_until IS NULL OR c.locked_until <= $1)
                 ORDER BY c.created_at
                 LIMIT 1
                   FOR UPDATE SKIP LOCKED)
      RETURNING r.id, r.tenant_id, r.attempts, r.actor_label`,
      [now, new Date(now.getTime() + IMPORT_LEASE_MS)],
    );
    return rows[0];
  }

  private async execute(claimed: ClaimedRun): Promise<ImportStatus> {
    const run = await this.db.repo(ImportRun).get(claimed.id);
    const payload = await this.db.repo(ImportPayload).findOneBy({ importRunId: run.id });
    const req: ImportRequest = {
      entity: run.entity,
      format: run.format,
      body: undefined,
      options: { mode: run.mode, dryRun: run.dryRun, partial: run.partial, maxClose: payload?.options.maxClose },
      idempotencyKey: run.idempotencyKey ?? undefined,
      source: run.source,
    };
    if (!payload || claimed.attempts > MAX_IMPORT_ATTEMPTS) {
      const message = payload
        ? `the import was interrupted ${MAX_IMPORT_ATTEMPTS} times; send it again`
        : 'the rows of this import are no longer stored; send it again';
      return this.fail(run, req, message);
    }
    const rows = JSON.parse(payload.rows) as RawRow[];
    try {
      return await this.db.transaction(async (tx) => {
        const outcome = await this.processInChunks(tx, req, rows, run.id);
        if (req.options.partial ? false : outcome.errors.length) {
          const failed = new Set(outcome.errors.map((e) => e.row)).size;
          throw new Rollback({ counts: { ...emptyCounts(rows.length), failed }, errors: outcome.errors }, 'rejected');
        }
        if (req.options.dryRun) throw new Rollback(outcome, 'dry-run');
        return this.finish(tx, run, req, outcome.errors.length ? 'partially_succeeded' : 'succeeded', outcome);
      });
    } catch (e) {
      if (!(e instanceof Rollback)) {
        this.logger.error({ importId: run.id, err: e }, 'Import failed');
        return this.fail(run, req, e instanceof Error ? e.message : String(e));
      }
      return this.db.transaction(async (tx) => {
        if (e.reason === 'dry-run')
          return this.finish(tx, run, req, e.outcome.errors.length ? 'partially_succeeded' : 'succeeded', e.outcome);
        return this.finish(tx, run, req, 'rejected', e.outcome, e.problem);
      });
    }
  }

  /**
   * The rows in chunks inside the caller's transaction, so that all-or-nothing still holds: each
   * chunk writes its valid rows (partial), and the caller rolls everything back when the import
   * is not partial and a row failed. Progress is committed on its own connection between chunks.
   * A snapshot compares the whole file with the open items, so it runs as one chunk.
   */
  private async processInChunks(tx: TenantTx, req: ImportRequest, rows: RawRow[], runId: string): Promise<Outcome> {
    const size = req.options.mode === 'snapshot' ? rows.length : QUEUE_CHUNK_ROWS;
    const chunkReq: ImportRequest = { ...req, options: { ...req.options, partial: true } };
    const total: Outcome = { counts: emptyCounts(0), errors: [] };
    // An externalRef repeated in a later chunk would be an update there: report it as the
    // synchronous path does, and leave the row out.
    const firstRow = new Map<string, number>();
    const repeated = new Set<number>();
    rows.forEach((r, i) => {
      const ref =
        typeof r.externalRef === 'string' ? r.externalRef.trim() : typeof r.externalRef === 'number' ? String(r.externalRef) : '';
      if (!ref) return;
      const first = firstRow.get(ref);
      if (first === undefined) firstRow.set(ref, i + 1);
      else if (Math.floor((first - 1) / size) !== Math.floor(i / size)) {
        repeated.add(i);
        total.errors.push({
          row: i + 1,
          field: 'externalRef',
          message: `externalRef ${ref} is already in row ${first} of this batch`,
        });
      }
    });
    total.counts.received = repeated.size;
    total.counts.failed = repeated.size;
    for (let start = 0; start < rows.length; start += size) {
      const end = Math.min(start + size, rows.length);
      const index: number[] = [];
      for (let i = start; i < end; i++) if (!repeated.has(i)) index.push(i);
      const o = await this.process(
        tx,
        chunkReq,
        index.map((i) => rows[i]),
        (j) => index[j] + 1,
      );
      for (const k of Object.keys(total.counts) as (keyof ImportCounts)[]) total.counts[k] += o.counts[k];
      total.errors.push(...o.errors);
      await this.db.dataSource.query(
        `UPDATE import_run SET progress = $3, locked_until = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
        [tx.tenantId, runId, Math.floor((end * 100) / rows.length), new Date(Date.now() + IMPORT_LEASE_MS)],
      );
    }
    total.errors = sortErrors(total.errors);
    return total;
  }

  /** Records the end of a background import: run, audit, event, stored answer; drops the payload. */
  private async finish(
    tx: TenantTx,
    run: ImportRun,
    req: ImportRequest,
    status: ImportStatus,
    outcome: Outcome,
    problem?: { status: number; code: string; detail: string },
  ): Promise<ImportStatus> {
    await tx.manager.query(
      `UPDATE import_run
          SET status = $3, progress = 100, counts = $4, errors = $5, error_count = $6, finished_at = now(),
              locked_until = NULL, updated_at = now()
        WHERE tenant_id = $1 AND id = $2`,
      [
        tx.tenantId,
        run.id,
        status,
        JSON.stringify(outcome.counts),
        JSON.stringify(outcome.errors.slice(0, MAX_STORED_ERRORS)),
        outcome.errors.length,
      ],
    );
    await tx.manager.query(`DELETE FROM import_payload WHERE tenant_id = $1 AND import_run_id = $2`, [tx.tenantId, run.id]);
    const done = { ...run, status } as ImportRun;
    const written = status === 'succeeded' || status === 'partially_succeeded';
    if (written && !req.options.dryRun) await this.completed(tx, done, status, outcome);
    if (req.idempotencyKey) {
      const response =
        status === 'rejected'
          ? this.problem(
              done,
              outcome,
              problem ?? { status: 422, code: ReceivablesErrorCode.ImportRejected, detail: rejectDetail(outcome) },
            )
          : this.response(200, done, outcome);
      await this.storeResponse(tx, req.idempotencyKey, response);
    }
    return status;
  }

  /** An import that could not run: nothing written; its Idempotency-Key is released for a retry. */
  private async fail(run: ImportRun, req: ImportRequest, message: string): Promise<ImportStatus> {
    const errors: FieldError[] = [{ field: 'import', message: message.slice(0, 1000) }];
    await this.db.transaction(async (tx) => {
      await tx.manager.query(
        `UPDATE import_run
            SET status = 'failed', errors = $3, error_count = 1, finished_at = now(), locked_until = NULL, updated_at = now()
          WHERE tenant_id = $1 AND id = $2`,
        [tx.tenantId, run.id, JSON.stringify(errors)],
      );
      await tx.manager.query(`DELETE FROM import_payload WHERE tenant_id = $1 AND import_run_id = $2`, [tx.tenantId, run.id]);
      if (req.idempotencyKey)
        await tx.manager.query(`DELETE FROM idempotency_key WHERE tenant_id = $1 AND key = $2`, [
          tx.tenantId,
          req.idempotencyKey,
        ]);
    });
    return 'failed';
  }

  /** Audit row and `import.completed` event of an import that wrote (or could have written) rows. */
  private async completed(tx: TenantTx, run: ImportRun, status: ImportStatus, outcome: Outcome): Promise<void> {
    const changes = Object.fromEntries(Object.entries(outcome.counts).map(([k, v]) => [k, { to: v }]));
    await tx.manager.insert(
      AuditLog,
      auditRow(tx.tenantId, 'import_run', run.id, 'create', changes) as QueryDeepPartialEntity<AuditLog>,
    );
    const { created, updated, closed } = outcome.counts;
    if (created + updated + closed > 0)
      await this.events.publish(
        tx.manager,
        tx.tenantId,
        'import.completed',
        { importId: run.id, entity: run.entity, mode: run.mode, source: run.source, status, counts: outcome.counts },
        { dedupeKey: run.id },
      );
  }

  private async replay(key: string, hash: string): Promise<ImportResponse | null> {
    const [found] = await this.db.dataSource.query(
      `SELECT request_hash, response_status, response_body FROM idempotency_key WHERE tenant_id = $1 AND key = $2`,
      [this.db.tenantId, key],
    );
    if (!found) return null;
    if (found.request_hash !== hash) {
      throw new ReceivablesError(
        422,
        ReceivablesErrorCode.IdempotencyMismatch,
        'This Idempotency-Key was already used with a different request',
        [{ field: 'Idempotency-Key', message: 'Idempotency-Key was used for another request body or endpoint' }],
      );
    }
    if (found.response_status == null) return null;
    const status = Number(found.response_status);
    return { status, contentType: status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json', body: found.response_body };
  }

  private async storeResponse(tx: TenantTx, key: string, response: ImportResponse): Promise<void> {
    await tx.manager.query(
      `UPDATE idempotency_key SET response_status = $3, response_body = $4, updated_at = now() WHERE tenant_id = $1 AND key = $2`,
      [tx.tenantId, key, response.status, JSON.stringify(response.body)],
    );
  }

  private async mapping(req: ImportRequest): Promise<{ columns?: Record<string, string>; delimiter?: string }> {
    if (req.options.mappingId) {
      if (!isUuid(req.options.mappingId)) throw new NotFoundError('Import mapping', req.options.mappingId);
      const m = await this.db.repo(ImportMapping).get(req.options.mappingId);
      return { columns: m.columns, delimiter: m.delimiter ?? undefined };
    }
    if (req.options.mapping) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(req.options.mapping);
      } catch {
        throw new ValidationFailed([{ field: 'mapping', message: 'mapping must be a JSON object of CSV header → field' }]);
      }
      if (
        !parsed ||
        typeof parsed !== 'object' ||
        Array.isArray(parsed) ||
        Object.values(parsed).some((v) => typeof v !== 'string')
      ) {
        throw new ValidationFailed([{ field: 'mapping', message: 'mapping must be a JSON object of CSV header → field' }]);
      }
      return { columns: parsed as Record<string, string> };
    }
    return {};
  }

  private response(status: number, run: ImportRun, outcome: Outcome): ImportResponse {
    return {
      status,
      contentType: 'application/json',
      body: {
        id: run.id,
        entity: run.entity,
        mode: run.mode,
        dryRun: run.dryRun,
        status: run.status,
        counts: outcome.counts,
        errors: outcome.errors.slice(0, MAX_STORED_ERRORS),
      },
    };
  }

  private problem(run: ImportRun, outcome: Outcome, p: { status: number; code: string; detail: string }): ImportResponse {
    return {
      status: p.status,
      contentType: PROBLEM_CONTENT_TYPE,
      body: {
        type: problemType(p.code),
        title: 'Unprocessable Content',
        status: p.status,
        detail: p.detail,
        instance: `/api/v1/imports/${run.entity}`,
        requestId: RequestContext.requestId(),
        importId: run.id,
        counts: outcome.counts,
        errors: outcome.errors.slice(0, MAX_STORED_ERRORS),
      },
    };
  }

  private async record(tx: TenantTx, req: ImportRequest, status: ImportStatus, outcome: Outcome): Promise<ImportRun> {
    const p = RequestContext.principal();
    const run: Partial<ImportRun> = {
      tenantId: tx.tenantId,
      entity: req.entity,
      source: req.source,
      format: req.format,
      mode: req.options.mode,
      dryRun: req.options.dryRun,
      partial: req.options.partial,
      status,
      progress: status === 'queued' ? 0 : 100,
      counts: outcome.counts,
      errors: outcome.errors.slice(0, MAX_STORED_ERRORS),
      errorCount: outcome.errors.length,
      actorType: p?.kind ?? 'system',
      actorId: p?.kind === 'user' ? p.userId : p?.kind === 'apiKey' ? p.apiKeyId : null,
      actorLabel: p?.kind === 'user' ? p.email : p?.kind === 'apiKey' ? `api-key:${p.name}` : (p?.name ?? null),
      idempotencyKey: req.idempotencyKey ?? null,
      fileName: req.file?.originalname.slice(0, 255) ?? null,
      finishedAt: status === 'queued' ? null : new Date(),
    };
    // Without listeners: the audit row below carries the counts, not the whole error list.
    const inserted = await tx.manager
      .createQueryBuilder()
      .insert()
      .into(ImportRun)
      .values(run as QueryDeepPartialEntity<ImportRun>)
      .callListeners(false)
      .execute();
    const saved = { ...run, id: inserted.identifiers[0].id } as ImportRun;
    if (!req.options.dryRun && status !== 'failed' && status !== 'queued') {
      const changes = Object.fromEntries(Object.entries(outcome.counts).map(([k, v]) => [k, { to: v }]));
      await tx.manager.insert(
        AuditLog,
        auditRow(tx.tenantId, 'import_run', saved.id, 'create', changes) as QueryDeepPartialEntity<AuditLog>,
      );
    }
    return saved;
  }

  // ---------------------------------------------------------------- processing

  /** `rowOf(i)`: the 1-based row number (in the whole import) of `rows[i]`. */
  private process(
    tx: TenantTx,
    req: ImportRequest,
    rows: RawRow[],
    rowOf: (i: number) => number = (i) => i + 1,
  ): Promise<Outcome> {
    // XLSX text cells are read like CSV cells (1 234,56 and 31/01/2026 accepted).
    const csv = req.format === 'csv' || req.format === 'xlsx';
    const ctx = (i: number): RowContext => ({ row: rowOf(i), csv });
    switch (req.entity) {
      case 'customers':
        return this.customers(tx, req, this.checkAll(rows, ctx, checkCustomer));
      case 'invoices':
      case 'credit-notes':
        return this.items(tx, req, this.checkAll(rows, ctx, checkItem), rows);
      case 'payments':
        return this.payments(tx, req, this.checkAll(rows, ctx, checkPayment));
      case 'allocations':
        return this.allocationRows(tx, req, this.checkAll(rows, ctx, checkAllocation));
    }
  }

  private checkAll<T extends { externalRef?: string }>(
    rows: RawRow[],
    ctx: (i: number) => RowContext,
    check: (raw: RawRow, c: RowContext) => Checked<T>,
  ): Batch<T> {
    const valid: Numbered<T>[] = [];
    const errors: FieldError[] = [];
    const firstRow = new Map<string, number>();
    rows.forEach((raw, i) => {
      const { row } = ctx(i);
      const c = check(raw, ctx(i));
      const ref = c.value?.externalRef ?? (typeof raw.externalRef === 'string' ? raw.externalRef.trim() : undefined);
      if (ref) {
        const first = firstRow.get(ref);
        if (first !== undefined)
          c.errors.push({
            row,
            field: 'externalRef',
            message: `externalRef ${ref} is already in row ${first} of this batch`,
          });
        else firstRow.set(ref, row);
      }
      if (c.errors.length || !c.value) errors.push(...c.errors);
      else valid.push({ row, value: c.value });
    });
    return { valid, errors, received: rows.length };
  }

  /** Drops rows with errors; rejects the whole batch unless `partial`. */
  private settle<T>(req: ImportRequest, batch: Batch<T>): Numbered<T>[] {
    const failedRows = new Set(batch.errors.map((e) => e.row));
    const outcome: Outcome = {
      counts: { ...emptyCounts(batch.received), failed: failedRows.size },
      errors: sortErrors(batch.errors),
    };
    if (batch.errors.length && !req.options.partial) throw new Rollback(outcome, 'rejected');
    return batch.valid.filter((r) => !failedRows.has(r.row));
  }

  private async idsByCode(
    tx: TenantTx,
    table: 'legal_entity' | 'business_unit',
    codes: (string | null | undefined)[],
  ): Promise<Map<string, string>> {
    const list = [...new Set(codes.filter((c): c is string => !!c))];
    if (!list.length) return new Map();
    const rows: { id: string; code: string }[] = await tx.manager.query(
      `SELECT id, code FROM ${table} WHERE tenant_id = $1 AND code = ANY($2)`,
      [tx.tenantId, list],
    );
    return new Map(rows.map((r) => [r.code, r.id]));
  }

  private async customerIds(tx: TenantTx, refs: string[]): Promise<Map<string, string>> {
    const rows: { id: string; external_ref: string }[] = await tx.manager.query(
      `SELECT id, external_ref FROM customer WHERE tenant_id = $1 AND external_ref = ANY($2)`,
      [tx.tenantId, [...new Set(refs)]],
    );
    return new Map(rows.map((r) => [r.external_ref, r.id]));
  }

  private async customers(tx: TenantTx, req: ImportRequest, batch: Batch<CustomerInput>): Promise<Outcome> {
    const t = tx.tenantId;
    const les = await this.idsByCode(
      tx,
      'legal_entity',
      batch.valid.map((r) => r.value.legalEntityCode),
    );
    const bus = await this.idsByCode(
      tx,
      'business_unit',
      batch.valid.map((r) => r.value.businessUnitCode),
    );
    const emails = [...new Set(batch.valid.map((r) => r.value.salespersonEmail).filter((e): e is string => !!e))];
    const users: { id: string; email: string }[] = emails.length
      ? await tx.manager.query(`SELECT id, email FROM app_user WHERE tenant_id = $1 AND lower(email) = ANY($2)`, [t, emails])
      : [];
    const userIds = new Map(users.map((u) => [u.email.toLowerCase(), u.id]));
    for (const { row, value: v } of batch.valid) {
      if (v.legalEntityCode && !les.has(v.legalEntityCode))
        batch.errors.push({
          row,
          field: 'legalEntityCode',
          message: `legalEntityCode ${v.legalEntityCode} is not a legal entity of this tenant`,
        });
      if (v.businessUnitCode && !bus.has(v.businessUnitCode))
        batch.errors.push({
          row,
          field: 'businessUnitCode',
          message: `businessUnitCode ${v.businessUnitCode} is not a business unit of this tenant`,
        });
      if (v.salespersonEmail && !userIds.has(v.salespersonEmail))
        batch.errors.push({
          row,
          field: 'salespersonEmail',
          message: `salespersonEmail ${v.salespersonEmail} is not a user of this tenant`,
        });
    }
    const valid = this.settle(req, batch);
    const existing: Record<string, unknown>[] = await tx.manager.query(
      `SELECT * FROM customer WHERE tenant_id = $1 AND external_ref = ANY($2) ORDER BY id FOR UPDATE`,
      [t, valid.map((r) => r.value.externalRef)],
    );
    const byRef = new Map(existing.map((e) => [e.external_ref as string, e]));
    const pick = <K>(v: K | undefined, stored: unknown, fallback: unknown) =>
      v !== undefined ? v : stored !== undefined ? stored : fallback;
    const records = valid.map(({ value: v }) => {
      const s = byRef.get(v.externalRef) ?? {};
      return {
        external_ref: v.externalRef,
        name: v.name,
        siren: pick(v.siren, s.siren, null),
        siret: pick(v.siret, s.siret, null),
        vat_number: pick(v.vatNumber, s.vat_number, null),
        country: pick(v.country, s.country, 'FR'),
        billing_address: pick(v.billingAddress, s.billing_address, null),
        shipping_address: pick(v.shippingAddress, s.shipping_address, null),
        language: pick(v.language, s.language, 'fr'),
        legal_entity_id:
          v.legalEntityCode === undefined ? (s.legal_entity_id ?? null) : v.legalEntityCode ? les.get(v.legalEntityCode) : null,
        business_unit_id:
          v.businessUnitCode === undefined
            ? (s.business_unit_id ?? null)
            : v.businessUnitCode
              ? bus.get(v.businessUnitCode)
              : null,
        salesperson_id:
          v.salespersonEmail === undefined
            ? (s.salesperson_id ?? null)
            : v.salespersonEmail
              ? userIds.get(v.salespersonEmail)
              : null,
        payment_terms_days: pick(v.paymentTermsDays, s.payment_terms_days, null),
        currency: pick(v.currency, s.currency, 'EUR'),
        segment: pick(v.segment, s.segment, null),
        tags: pick(v.tags, s.tags, []),
        blocked: pick(v.blocked, s.blocked, false),
      };
    });
    const { written } = await upsertBatch(
      tx.manager,
      t,
      'customer',
      ['external_ref'],
      [
        { name: 'external_ref', type: 'text' },
        { name: 'name', type: 'text' },
        { name: 'siren', type: 'text' },
        { name: 'siret', type: 'text' },
        { name: 'vat_number', type: 'text' },
        { name: 'country', type: 'text' },
        { name: 'billing_address', type: 'jsonb' },
        { name: 'shipping_address', type: 'jsonb' },
        { name: 'language', type: 'text' },
        { name: 'legal_entity_id', type: 'uuid' },
        { name: 'business_unit_id', type: 'uuid' },
        { name: 'salesperson_id', type: 'uuid' },
        { name: 'payment_terms_days', type: 'int' },
        { name: 'currency', type: 'text' },
        { name: 'segment', type: 'text' },
        { name: 'tags', type: 'text[]' },
        { name: 'blocked', type: 'boolean' },
      ],
      records,
    );
    await this.publishCreated(tx, 'customer.created', written, records, (r, id) => ({
      customerId: id,
      externalRef: r.external_ref,
      name: r.name,
      siren: r.siren,
      country: r.country,
      currency: r.currency,
      segment: r.segment,
    }));
    return this.outcome(batch, valid.length, written);
  }

  private outcome(
    batch: { errors: FieldError[]; received: number },
    validCount: number,
    written: Map<string, { inserted: boolean }>,
    closed = 0,
  ): Outcome {
    const created = [...written.values()].filter((w) => w.inserted).length;
    const failed = new Set(batch.errors.map((e) => e.row)).size;
    return {
      counts: {
        received: batch.received,
        created,
        updated: written.size - created,
        unchanged: validCount - written.size,
        failed,
        closed,
      },
      errors: sortErrors(batch.errors),
    };
  }

  private async items(tx: TenantTx, req: ImportRequest, batch: Batch<ItemInput>, rawRows: RawRow[]): Promise<Outcome> {
    const t = tx.tenantId;
    const kind = req.entity === 'invoices' ? 'invoice' : 'credit_note';
    const snapshot = req.options.mode === 'snapshot';
    const customers = await this.customerIds(
      tx,
      batch.valid.map((r) => r.value.customerRef),
    );
    const les = await this.idsByCode(
      tx,
      'legal_entity',
      batch.valid.map((r) => r.value.legalEntityCode),
    );
    for (const { row, value: v } of batch.valid) {
      if (!customers.has(v.customerRef))
        batch.errors.push({ row, field: 'customerRef', message: `customerRef ${v.customerRef} is not a known customer` });
      if (v.legalEntityCode && !les.has(v.legalEntityCode))
        batch.errors.push({
          row,
          field: 'legalEntityCode',
          message: `legalEntityCode ${v.legalEntityCode} is not a legal entity of this tenant`,
        });
    }
    const refs = batch.valid.map((r) => r.value.externalRef);
    const existing: Record<string, string | boolean | null>[] = await tx.manager.query(
      `SELECT id, external_ref, amount, currency, status, settled_outside, disputed, legal_entity_id, closed_at::text AS closed_at
         FROM receivable_item WHERE tenant_id = $1 AND kind = $2 AND external_ref = ANY($3) ORDER BY id FOR UPDATE`,
      [t, kind, refs],
    );
    // A new statement after the locks: sees allocations committed while we waited.
    const allocated: { id: string; total: string }[] = existing.length
      ? await tx.manager.query(
          `SELECT ${kind === 'invoice' ? 'invoice_id' : 'credit_note_id'} AS id, sum(amount)::text AS total FROM allocation
            WHERE tenant_id = $1 AND ${kind === 'invoice' ? 'invoice_id' : 'credit_note_id'} = ANY($2) GROUP BY 1`,
          [t, existing.map((e) => e.id)],
        )
      : [];
    const allocatedById = new Map(allocated.map((a) => [a.id, a.total]));
    const byRef = new Map(existing.map((e) => [e.external_ref as string, e]));
    for (const { row, value: v } of batch.valid) {
      const s = byRef.get(v.externalRef);
      const alloc = s ? allocatedById.get(s.id as string) : undefined;
      if (!s || !alloc) continue;
      if (s.currency !== v.currency)
        batch.errors.push({
          row,
          field: 'currency',
          message: `currency cannot change: ${alloc} ${s.currency} is already allocated`,
        });
      else if (minorOf(v.amount, v.currency) < minorOf(alloc, v.currency)) {
        batch.errors.push({
          row,
          field: 'amount',
          message: `amount ${v.amount} is less than the ${fromMinor(minorOf(alloc, v.currency), v.currency)} already allocated`,
        });
      }
    }
    const valid = this.settle(req, batch);

    const todayDate = await this.today(tx);
    let toClose = 0;
    if (snapshot) {
      const fileRefs = [
        ...new Set(rawRows.map((r) => (typeof r.externalRef === 'string' ? r.externalRef.trim() : String(r.externalRef ?? '')))),
      ];
      const [{ absent, open }] = await tx.manager.query(
        `SELECT count(*) FILTER (WHERE NOT (external_ref = ANY($3)))::int AS absent, count(*)::int AS open
           FROM receivable_item WHERE tenant_id = $1 AND kind = $2 AND open_amount > 0 AND status <> 'written_off'`,
        [t, kind, fileRefs],
      );
      const limit = req.options.maxClose ?? Math.max(Math.ceil(open * 0.05), 100);
      if (absent > limit) {
        throw new Rollback(
          {
            counts: { ...emptyCounts(batch.received), failed: batch.received },
            errors: [
              {
                field: 'maxClose',
                message: `the snapshot would close ${absent} open items, more than the limit of ${limit}; raise maxClose if this is intended`,
              },
            ],
          },
          'rejected',
          {
            status: 422,
            code: ReceivablesErrorCode.SnapshotLimit,
            detail: `The snapshot would close ${absent} open items (limit ${limit}); nothing was written`,
          },
        );
      }
      toClose = absent;
      await tx.manager.query(
        `UPDATE receivable_item SET open_amount = 0, status = 'paid', settled_outside = true, closed_at = $4, updated_at = now()
          WHERE tenant_id = $1 AND kind = $2 AND open_amount > 0 AND status <> 'written_off' AND NOT (external_ref = ANY($3))`,
        [t, kind, fileRefs, todayDate],
      );
    }

    const records = valid.map(({ value: v }) => {
      const s = byRef.get(v.externalRef);
      const alloc = s ? minorOf(allocatedById.get(s.id as string) ?? '0', v.currency) : 0n;
      const amount = minorOf(v.amount, v.currency);
      const settledOutside = snapshot ? false : Boolean(s?.settled_outside);
      const open = settledOutside ? 0n : amount - alloc;
      const status =
        s?.status === 'written_off' ? 'written_off' : open === 0n ? 'paid' : open < amount ? 'partially_paid' : 'open';
      return {
        kind,
        external_ref: v.externalRef,
        number: v.number,
        customer_id: customers.get(v.customerRef),
        legal_entity_id:
          v.legalEntityCode === undefined ? (s?.legal_entity_id ?? null) : v.legalEntityCode ? les.get(v.legalEntityCode) : null,
        issue_date: v.issueDate,
        due_date: v.dueDate,
        currency: v.currency,
        amount: v.amount,
        tax_amount: v.taxAmount ?? null,
        open_amount: fromMinor(open, v.currency),
        po_number: v.poNumber ?? null,
        lines: v.lines ?? null,
        pdf_url: v.pdfUrl ?? null,
        status,
        disputed: v.disputed ?? s?.disputed ?? false,
        settled_outside: settledOutside,
        closed_at: open === 0n ? (s?.closed_at ?? todayDate) : null,
      };
    });
    const { written } = await upsertBatch(
      tx.manager,
      t,
      'receivable_item',
      ['kind', 'external_ref'],
      [
        { name: 'kind', type: 'text' },
        { name: 'external_ref', type: 'text' },
        { name: 'number', type: 'text' },
        { name: 'customer_id', type: 'uuid' },
        { name: 'legal_entity_id', type: 'uuid' },
        { name: 'issue_date', type: 'date' },
        { name: 'due_date', type: 'date' },
        { name: 'currency', type: 'text' },
        { name: 'amount', type: 'numeric' },
        { name: 'tax_amount', type: 'numeric' },
        { name: 'open_amount', type: 'numeric' },
        { name: 'po_number', type: 'text' },
        { name: 'lines', type: 'jsonb' },
        { name: 'pdf_url', type: 'text' },
        { name: 'status', type: 'text' },
        { name: 'disputed', type: 'boolean' },
        { name: 'settled_outside', type: 'boolean' },
        { name: 'closed_at', type: 'date' },
      ],
      records,
    );
    const customerRefs = new Map(valid.map(({ value: v }) => [v.externalRef, v.customerRef]));
    await this.publishCreated(tx, 'invoice.created', written, records, (r, id) => ({
      invoiceId: id,
      kind: r.kind,
      number: r.number,
      externalRef: r.external_ref,
      customerId: r.customer_id,
      customerRef: customerRefs.get(r.external_ref),
      issueDate: r.issue_date,
      dueDate: r.due_date,
      currency: r.currency,
      amount: fromMinor(minorOf(r.amount, r.currency), r.currency),
      openAmount: r.open_amount,
      status: r.status,
    }));
    return this.outcome(batch, valid.length, written, toClose);
  }

  /** `<entity>.created` for the rows the upsert inserted: one statement per chunk of rows. */
  private async publishCreated<R extends { external_ref: string }>(
    tx: TenantTx,
    type: string,
    written: UpsertResult['written'],
    records: R[],
    payload: (r: R, id: string) => object,
  ): Promise<void> {
    const events = records.flatMap((r) => {
      const w = written.get(r.external_ref);
      return w?.inserted ? [{ type, payload: payload(r, w.id), dedupeKey: w.id }] : [];
    });
    for (let i = 0; i < events.length; i += CHUNK)
      await this.events.publishMany(tx.manager, tx.tenantId, events.slice(i, i + CHUNK));
  }

  private async today(tx: TenantTx): Promise<string> {
    const [row] = await tx.manager.query(`SELECT timezone FROM tenant WHERE id = $1`, [tx.tenantId]);
    return today(row?.timezone ?? 'Europe/Paris');
  }

  private async payments(tx: TenantTx, req: ImportRequest, batch: Batch<PaymentInput>): Promise<Outcome> {
    const t = tx.tenantId;
    const customers = await this.customerIds(
      tx,
      batch.valid.map((r) => r.value.customerRef),
    );
    const invoiceRefs = batch.valid.flatMap((r) => (r.value.allocations ?? []).map((a) => a.invoiceRef));
    const invoices = await this.itemIds(tx, 'invoice', invoiceRefs);
    for (const { row, value: v } of batch.valid) {
      if (!customers.has(v.customerRef))
        batch.errors.push({ row, field: 'customerRef', message: `customerRef ${v.customerRef} is not a known customer` });
      (v.allocations ?? []).forEach((a, i) => {
        if (!invoices.has(a.invoiceRef))
          batch.errors.push({
            row,
            field: `allocations[${i}].invoiceRef`,
            message: `allocations[${i}].invoiceRef ${a.invoiceRef} is not a known invoice`,
          });
      });
    }
    const existing: { id: string; external_ref: string; currency: string }[] = await tx.manager.query(
      `SELECT id, external_ref, currency FROM payment WHERE tenant_id = $1 AND external_ref = ANY($2) ORDER BY id FOR UPDATE`,
      [t, batch.valid.map((r) => r.value.externalRef)],
    );
    const allocated: { id: string; total: string }[] = existing.length
      ? await tx.manager.query(
          `SELECT payment_id AS id, sum(amount)::text AS total FROM allocation WHERE tenant_id = $1 AND payment_id = ANY($2) GROUP BY 1`,
          [t, existing.map((e) => e.id)],
        )
      : [];
    const allocatedById = new Map(allocated.map((a) => [a.id, a.total]));
    const byRef = new Map(existing.map((e) => [e.external_ref, e]));
    for (const { row, value: v } of batch.valid) {
      const s = byRef.get(v.externalRef);
      const alloc = s && allocatedById.get(s.id);
      if (!s || !alloc) continue;
      if (s.currency !== v.currency)
        batch.errors.push({
          row,
          field: 'currency',
          message: `currency cannot change: ${alloc} ${s.currency} is already allocated`,
        });
      else if (minorOf(v.amount, v.currency) < minorOf(alloc, v.currency))
        batch.errors.push({ row, field: 'amount', message: `amount ${v.amount} is less than the amount already allocated` });
    }
    const valid = this.settle(req, batch);
    const records = valid.map(({ value: v }) => {
      const s = byRef.get(v.externalRef);
      const alloc = s ? minorOf(allocatedById.get(s.id) ?? '0', v.currency) : 0n;
      return {
        external_ref: v.externalRef,
        customer_id: customers.get(v.customerRef),
        date: v.date,
        amount: v.amount,
        currency: v.currency,
        method: v.method ?? 'transfer',
        bank_reference: v.bankReference ?? null,
        unallocated_amount: fromMinor(minorOf(v.amount, v.currency) - alloc, v.currency),
      };
    });
    const { written } = await upsertBatch(
      tx.manager,
      t,
      'payment',
      ['external_ref'],
      [
        { name: 'external_ref', type: 'text' },
        { name: 'customer_id', type: 'uuid' },
        { name: 'date', type: 'date' },
        { name: 'amount', type: 'numeric' },
        { name: 'currency', type: 'text' },
        { name: 'method', type: 'text' },
        { name: 'bank_reference', type: 'text' },
        { name: 'unallocated_amount', type: 'numeric' },
      ],
      records,
    );
    const inputs = new Map(valid.map(({ value: v }) => [v.externalRef, v]));
    await this.publishCreated(tx, 'payment.received', written, records, (r, id) => ({
      paymentId: id,
      externalRef: r.external_ref,
      customerId: r.customer_id,
      customerRef: inputs.get(r.external_ref)?.customerRef,
      date: r.date,
      currency: r.currency,
      amount: fromMinor(minorOf(r.amount, r.currency), r.currency),
      method: r.method,
      bankReference: r.bank_reference,
      allocations: (inputs.get(r.external_ref)?.allocations ?? []).map((a) => ({
        invoiceRef: a.invoiceRef,
        amount: fromMinor(minorOf(a.amount, r.currency), r.currency),
      })),
    }));
    // Allocations carried by payment rows go through the single allocation code path; their
    // derived externalRef makes a replay of the same file a no-op.
    const withAllocations = valid.filter((r) => r.value.allocations?.length);
    if (withAllocations.length) {
      const paymentIds = await this.paymentIds(
        tx,
        withAllocations.map((r) => r.value.externalRef),
      );
      for (const { row, value: v } of withAllocations) {
        for (const [i, a] of v.allocations!.entries()) {
          await this.applyRow(tx, batch.errors, row, `allocations[${i}].amount`, {
            invoiceId: invoices.get(a.invoiceRef)!,
            paymentId: paymentIds.get(v.externalRef)!,
            amount: a.amount,
            date: v.date,
            externalRef: `payment:${v.externalRef}:${a.invoiceRef}`,
          });
        }
      }
      this.rejectLate(req, batch, valid.length, written);
    }
    return this.outcome(batch, valid.length, written);
  }

  /** Errors found while writing (over-allocation): all-or-nothing rolls everything back. */
  private rejectLate(
    req: ImportRequest,
    batch: { errors: FieldError[]; received: number },
    validCount: number,
    written: Map<string, { inserted: boolean }>,
  ): void {
    if (batch.errors.length && !req.options.partial) {
      const o = this.outcome(batch, validCount, written);
      throw new Rollback({ counts: { ...emptyCounts(batch.received), failed: o.counts.failed }, errors: o.errors }, 'rejected');
    }
  }

  private async applyRow(
    tx: TenantTx,
    errors: FieldError[],
    row: number,
    field: string,
    a: Parameters<AllocationService['apply']>[1],
  ): Promise<boolean | null> {
    try {
      return (await this.allocations.apply(tx, a)).created;
    } catch (e) {
      if (e instanceof AppError && e.status < 500) {
        const detail = e.errors[0]?.message ?? e.message;
        errors.push({ row, field, message: detail });
        return null;
      }
      throw e;
    }
  }

  private async itemIds(tx: TenantTx, kind: 'invoice' | 'credit_note', refs: string[]): Promise<Map<string, string>> {
    if (!refs.length) return new Map();
    const rows: { id: string; external_ref: string }[] = await tx.manager.query(
      `SELECT id, external_ref FROM receivable_item WHERE tenant_id = $1 AND kind = $2 AND external_ref = ANY($3)`,
      [tx.tenantId, kind, [...new Set(refs)]],
    );
    return new Map(rows.map((r) => [r.external_ref, r.id]));
  }

  private async paymentIds(tx: TenantTx, refs: string[]): Promise<Map<string, string>> {
    if (!refs.length) return new Map();
    const rows: { id: string; external_ref: string }[] = await tx.manager.query(
      `SELECT id, external_ref FROM payment WHERE tenant_id = $1 AND external_ref = ANY($2)`,
      [tx.tenantId, [...new Set(refs)]],
    );
    return new Map(rows.map((r) => [r.external_ref, r.id]));
  }

  private async allocationRows(tx: TenantTx, req: ImportRequest, batch: Batch<AllocationInput>): Promise<Outcome> {
    const invoices = await this.itemIds(
      tx,
      'invoice',
      batch.valid.map((r) => r.value.invoiceRef),
    );
    const creditNotes = await this.itemIds(
      tx,
      'credit_note',
      batch.valid.flatMap((r) => (r.value.creditNoteRef ? [r.value.creditNoteRef] : [])),
    );
    const payments = await this.paymentIds(
      tx,
      batch.valid.flatMap((r) => (r.value.paymentRef ? [r.value.paymentRef] : [])),
    );
    for (const { row, value: v } of batch.valid) {
      if (!invoices.has(v.invoiceRef))
        batch.errors.push({ row, field: 'invoiceRef', message: `invoiceRef ${v.invoiceRef} is not a known invoice` });
      if (v.paymentRef && !payments.has(v.paymentRef))
        batch.errors.push({ row, field: 'paymentRef', message: `paymentRef ${v.paymentRef} is not a known payment` });
      if (v.creditNoteRef && !creditNotes.has(v.creditNoteRef))
        batch.errors.push({
          row,
          field: 'creditNoteRef',
          message: `creditNoteRef ${v.creditNoteRef} is not a known credit note`,
        });
    }
    const valid = this.settle(req, batch);
    const written = new Map<string, { inserted: boolean }>();
    let replayed = 0;
    for (const { row, value: v } of valid) {
      const created = await this.applyRow(tx, batch.errors, row, 'amount', {
        invoiceId: invoices.get(v.invoiceRef)!,
        paymentId: v.paymentRef ? payments.get(v.paymentRef) : null,
        creditNoteId: v.creditNoteRef ? creditNotes.get(v.creditNoteRef) : null,
        amount: v.amount,
        date: v.date ?? null,
        externalRef: v.externalRef ?? null,
      });
      if (created) written.set(`row:${row}`, { inserted: true });
      else if (created === false) replayed++;
    }
    this.rejectLate(req, batch, valid.length, written);
    const o = this.outcome(batch, valid.length, written);
    o.counts.unchanged = replayed;
    return o;
  }
}

class ConcurrentReplay extends Error {}

function sortErrors(errors: FieldError[]): FieldError[] {
  return [...errors].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
}

function rejectDetail(o: Outcome): string {
  return `${o.counts.failed} of ${o.counts.received} rows have errors; nothing was written (send partial=true to write the valid rows)`;
}
