import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who changed what, when. Written in the same transaction as the change itself. */
@Entity('audit_log')
@Index('ix_audit_log_tenant_at', ['tenantId', 'at'])
@Index('ix_audit_log_entity', ['tenantId', 'entity', 'entityId'])
export class AuditLog {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  tenantId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'varchar', length: 10 })
  actorType: 'user' | 'apiKey' | 'system';

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  actorLabel: string | null;

  @Column({ type: 'varchar', length: 10 })
  action: 'create' | 'update' | 'delete';

  @Column({ type: 'varchar', length: 80 })
  entity: string;

  @Column({ type: 'varchar', length: 64 })
  entityId: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  changes: Record<string, { from?: unknown; to?: unknown }>;

  @Column({ type: 'varchar', length: 64, nullable: true })
  requestId: string | null;
}
