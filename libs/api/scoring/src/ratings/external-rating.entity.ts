import { TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index } from 'typeorm';

export const LEGAL_EVENTS = ['safeguard', 'receivership', 'liquidation'] as const;
/** Collective proceedings (procédures collectives): sauvegarde, redressement, liquidation judiciaire. */
export type LegalEvent = (typeof LEGAL_EVENTS)[number];
export const RATING_SOURCES = ['manual', 'api', 'file', 'provider'] as const;
export type RatingSource = (typeof RATING_SOURCES)[number];

/**
 * An external rating of a customer by a provider (Altares, Ellisphere, Creditsafe, Coface...)
 * on a date: its score on the provider's scale, a recommended limit, a legal event.
 */
@Entity('external_rating')
@Index('uq_external_rating', ['tenantId', 'customerId', 'provider', 'ratedOn'], { unique: true })
@Index('ix_external_rating_legal', ['tenantId', 'legalEvent'])
@Check('ck_external_rating_score', '"score" IS NULL OR ("scale_max" > 0 AND "score" >= 0 AND "score" <= "scale_max")')
@Check('ck_external_rating_limit', '"recommended_limit" IS NULL OR "recommended_limit" >= 0')
export class ExternalRating extends TenantEntity {
  @Column({ type: 'uuid' })
  customerId: string;

  /** Provider name as given (`altares`, `ellisphere`, `creditsafe`, `coface`...). */
  @Column({ type: 'varchar', length: 60 })
  provider: string;

  @Column({ type: 'date' })
  ratedOn: string;

  /** Score on the provider's scale (e.g. 0-20 Altares, 1-100 Creditsafe), decimal string. */
  @Column({ type: 'numeric', precision: 8, scale: 2, nullable: true })
  score: string | null;

  @Column({ type: 'numeric', precision: 8, scale: 2, nullable: true })
  scaleMax: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 3, nullable: true })
  recommendedLimit: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  currency: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  legalEvent: LegalEvent | null;

  @Column({ type: 'date', nullable: true })
  legalEventDate: string | null;

  @Column({ type: 'varchar', length: 10 })
  source: RatingSource;

  @Column({ type: 'varchar', length: 500, nullable: true })
  comment: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;
}
