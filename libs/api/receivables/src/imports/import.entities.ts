import { TenantEntity } from '@encours/api-core';
import { Column, Entity, Index } from 'typeorm';
import type { FieldError } from '@encours/api-core';

export const IMPORT_ENTITIES = ['customers', 'invoices', 'credit-notes', 'payments', 'allocations'] as const;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];
export type ImportStatus = 'running' | 'succeeded' | 'partially_succeeded' | 'failed';

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
export class ImportRun extends TenantEntity {
  @Column({ type: 'varchar', length: 20 })
  entity: ImportEntity;

  @Column({ type: 'varchar', length: 10, default: 'api' })
  source: 'api' | 'file';

  @Column({ type: 'varchar', length: 10 })
  format: 'json' | 'ndjson' | 'csv';

  @Column({ type: 'varchar', length: 10 })
  mode: 'upsert' | 'snapshot';

  @Column({ type: 'boolean', default: false })
  dryRun: boolean;

  @Column({ type: 'boolean', default: false })
  partial: boolean;

  @Column({ type: 'varchar', length: 20 })
  status: ImportStatus;

  /** 0..100; filled by a background runner for large imports. */
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
