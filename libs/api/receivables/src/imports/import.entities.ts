import { TenantEntity } from '@encours/api-core';
import { Column, Entity, Index, JoinColumn, OneToOne, type Relation } from 'typeorm';
import type { FieldError } from '@encours/api-core';

export const IMPORT_ENTITIES = ['customers', 'invoices', 'credit-notes', 'payments', 'allocations'] as const;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];
/**
 * queued → running → succeeded | partially_succeeded | rejected (row errors, nothing written) |
 * failed (could not run). Synchronous imports record their final status at once.
 */
export const IMPORT_STATUSES = ['queued', 'running', 'succeeded', 'partially_succeeded', 'rejected', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const IMPORT_FORMATS = ['json', 'ndjson', 'csv', 'xlsx'] as const;
export type ImportRunFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportCounts {
  received: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  closed: number;
}

/** One ERP push or file upload: who, what, how it went (history and error report). */
@Entity('import_run')
@Index('ix_import_run_tenant_created', ['tenantId', 'createdAt'])
@Index('ix_import_run_pending', ['createdAt'], { where: `status IN ('queued', 'running')` })
export class ImportRun extends TenantEntity {
  @Column({ type: 'varchar', length: 20 })
  entity: ImportEntity;

  @Column({ type: 'varchar', length: 10, default: 'api' })
  source: 'api' | 'file';

  @Column({ type: 'varchar', length: 10 })
  format: ImportRunFormat;

  @Column({ type: 'varchar', length: 10 })
  mode: 'upsert' | 'snapshot';

  @Column({ type: 'boolean', default: false })
  dryRun: boolean;

  @Column({ type: 'boolean', default: false })
  partial: boolean;

  @Column({ type: 'varchar', length: 20 })
  status: ImportStatus;

  /** 0..100: rows processed / rows received, updated by the background runner chunk by chunk. */
  @Column({ type: 'int', default: 0 })
  progress: number;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  counts: ImportCounts;

  /** The first 1000 row errors. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  errors: FieldError[];

  @Column({ type: 'int', default: 0 })
  errorCount: number;

  @Column({ type: 'varchar', length: 10 })
  actorType: 'user' | 'apiKey' | 'system';

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  actorLabel: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  idempotencyKey: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  /** The uploaded file's name (multipart uploads only). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  fileName: string | null;

  /** A background runner holds the run until then; after it (a crashed runner) another may take it. */
  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  /** Times a background runner claimed the run. */
  @Column({ type: 'int', default: 0 })
  attempts: number;
}

/**
 * The parsed rows of a queued import, kept until the background runner has processed them
 * (then deleted). Rows are stored parsed, so a mapping changed meanwhile does not apply.
 */
@Entity('import_payload')
export class ImportPayload extends TenantEntity {
  /** One payload per run (the one-to-one makes it unique). */
  @Column({ type: 'uuid' })
  importRunId: string;

  @OneToOne(() => ImportRun, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'import_run_id' })
  importRun?: Relation<ImportRun>;

  /** JSON array of the rows (objects of field → value), as parsed from the body or the file. */
  @Column({ type: 'text' })
  rows: string;

  /** Options the run needs beyond its own columns (maxClose). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  options: { maxClose?: number };
}

/** A saved CSV column mapping (header → field) for one source system and entity. */
@Entity('import_mapping')
@Index('uq_import_mapping', ['tenantId', 'source', 'entity'], { unique: true })
export class ImportMapping extends TenantEntity {
  @Column({ type: 'varchar', length: 60 })
  source: string;

  @Column({ type: 'varchar', length: 20 })
  entity: ImportEntity;

  @Column({ type: 'jsonb' })
  columns: Record<string, string>;

  @Column({ type: 'varchar', length: 1, nullable: true })
  delimiter: string | null;
}

/** First answer to a request carrying an `Idempotency-Key`, replayed for the same key. */
@Entity('idempotency_key')
@Index('uq_idempotency_key', ['tenantId', 'key'], { unique: true })
export class IdempotencyKey extends TenantEntity {
  @Column({ type: 'varchar', length: 200 })
  key: string;

  @Column({ type: 'varchar', length: 100 })
  endpoint: string;

  @Column({ type: 'char', length: 64 })
  requestHash: string;

  @Column({ type: 'int', nullable: true })
  responseStatus: number | null;

  @Column({ type: 'jsonb', nullable: true })
  responseBody: unknown;
}
