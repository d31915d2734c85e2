import { TenantEntity } from '@encours/api-core';
import { Column, Entity, Index } from 'typeorm';

export const DOCUMENT_KINDS = ['email', 'sms', 'letter', 'formal_notice', 'attachment'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/**
 * Every document sent to a customer, archived as sent: the email (raw MIME message with its
 * attachments), an SMS text, a PDF letter or formal notice. `content` is never listed, only
 * downloaded. Letters wait in the print queue (`print_status`) until marked printed.
 */
@Entity('dunning_document')
@Index('ix_dunning_document_customer', ['tenantId', 'customerId', 'createdAt'])
@Index('ix_dunning_document_print', ['tenantId', 'printStatus'])
export class DunningDocument extends TenantEntity {
  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'uuid', nullable: true })
  actionId: string | null;

  @Column({ type: 'varchar', length: 16 })
  kind: DocumentKind;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'varchar', length: 200 })
  filename: string;

  @Column({ type: 'varchar', length: 100 })
  mimeType: string;

  @Column({ type: 'bytea', select: false })
  content: Buffer;

  @Column({ type: 'int' })
  size: number;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ type: 'varchar', length: 12, nullable: true })
  printStatus: 'to_print' | 'printed' | null;

  @Column({ type: 'timestamptz', nullable: true })
  printedAt: Date | null;
}
