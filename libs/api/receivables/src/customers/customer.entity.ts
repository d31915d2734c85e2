import { BusinessUnit, LegalEntity, TenantEntity, User, type PostalAddress } from '@encours/api-core';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, type Relation } from 'typeorm';

export const CONTACT_ROLES = ['billing', 'accounting', 'purchasing', 'management', 'other'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];

/** A customer (account) of the tenant, known by the ERP's reference. */
@Entity('customer')
@Index('uq_customer_external_ref', ['tenantId', 'externalRef'], { unique: true })
@Check('ck_customer_payment_terms', '"payment_terms_days" IS NULL OR "payment_terms_days" >= 0')
export class Customer extends TenantEntity {
  @Column({ type: 'varchar', length: 100 })
  externalRef: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 9, nullable: true })
  siren: string | null;

  @Column({ type: 'varchar', length: 14, nullable: true })
  siret: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  vatNumber: string | null;

  @Column({ type: 'char', length: 2, default: 'FR' })
  country: string;

  @Column({ type: 'jsonb', nullable: true })
  billingAddress: PostalAddress | null;

  @Column({ type: 'jsonb', nullable: true })
  shippingAddress: PostalAddress | null;

  @Column({ type: 'varchar', length: 2, default: 'fr' })
  language: 'fr' | 'en';

  @Column({ type: 'uuid', nullable: true })
  legalEntityId: string | null;

  @ManyToOne(() => LegalEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'legal_entity_id' })
  legalEntity?: Relation<LegalEntity>;

  @Column({ type: 'uuid', nullable: true })
  businessUnitId: string | null;

  @ManyToOne(() => BusinessUnit, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'business_unit_id' })
  businessUnit?: Relation<BusinessUnit>;

  @Column({ type: 'uuid', nullable: true })
  salespersonId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'salesperson_id' })
  salesperson?: Relation<User>;

  @Column({ type: 'int', nullable: true })
  paymentTermsDays: number | null;

  @Column({ type: 'char', length: 3, default: 'EUR' })
  currency: string;

  @Column({ type: 'varchar', length: 60, nullable: true })
  segment: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'boolean', default: false })
  blocked: boolean;

  @OneToMany(() => CustomerContact, (c) => c.customer)
  contacts?: Relation<CustomerContact>[];
}

/** A person to talk to at the customer (billing, accounting, purchasing...). */
@Entity('customer_contact')
@Index('ix_customer_contact_customer', ['tenantId', 'customerId'])
export class CustomerContact extends TenantEntity {
  @Column({ type: 'uuid' })
  customerId: string;

  @ManyToOne(() => Customer, (c) => c.contacts, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  customer?: Relation<Customer>;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 20, default: 'billing' })
  role: ContactRole;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  phone: string | null;

  @Column({ type: 'boolean', default: false })
  primary: boolean;
}
