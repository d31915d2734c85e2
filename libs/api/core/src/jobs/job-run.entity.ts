import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One execution of a scheduled or background job. `tenant_id` is null for platform jobs. */
@Entity('job_run')
@Index('ix_job_run_name_started', ['name', 'startedAt'])
@Index('ix_job_run_tenant_started', ['tenantId', 'startedAt'])
export class JobRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  tenantId: string | null;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 12 })
  status: 'running' | 'succeeded' | 'failed' | 'skipped';

  @Column({ type: 'varchar', length: 20, default: 'schedule' })
  trigger: 'schedule' | 'manual' | 'startup';

  @Column({ type: 'timestamptz', default: () => 'now()' })
  startedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  counts: Record<string, number>;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}
