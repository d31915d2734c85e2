import { TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index } from 'typeorm';

/** 1 `fromCurrency` = `rate` `toCurrency` on `date`. */
@Entity('exchange_rate')
@Index('uq_exchange_rate', ['tenantId', 'date', 'fromCurrency', 'toCurrency'], { unique: true })
@Check('ck_exchange_rate_rate', '"rate" > 0')
export class ExchangeRate extends TenantEntity {
  @Column({ type: 'date' })
  date: string;

  @Column({ type: 'char', length: 3 })
  fromCurrency: string;

  @Column({ type: 'char', length: 3 })
  toCurrency: string;

  @Column({ type: 'numeric', precision: 18, scale: 8 })
  rate: string;

  @Column({ type: 'varchar', length: 10, default: 'manual' })
  source: 'manual' | 'import';
}
