import { Injectable } from '@nestjs/common';
import type { CalendarDate } from '@encours/domain';
import type { LegalEvent } from './external-rating.entity.js';

/** What a provider connector is told about each customer to rate. */
export interface RatedCustomer {
  id: string;
  siren: string | null;
  vatNumber: string | null;
  name: string;
  /** ISO 3166 alpha-2. */
  country: string;
}

/** One rating a provider returns; checked like an imported row before it is stored. */
export interface RatingInput {
  /** One of the ids it was given. */
  customerId: string;
  ratedOn: CalendarDate;
  /** On the provider's scale (decimal string or number), with `scaleMax`. */
  score?: string | number | null;
  scaleMax?: string | number | null;
  recommendedLimit?: string | null;
  currency?: string | null;
  legalEvent?: LegalEvent | null;
  legalEventDate?: CalendarDate | null;
  comment?: string | null;
}

/** The tenant a refresh runs for, and its day. */
export interface RatingContext {
  tenantId: string;
  today: CalendarDate;
}

/**
 * A connector to a rating provider (Altares, Ellisphere, Creditsafe, Coface...). `fetch` is
 * called with batches of at most 500 customers and returns the ratings it found (customers it
 * does not know are simply left out). Its `name` is stored as the rating's provider.
 */
export interface RatingProvider {
  readonly name: string;
  fetch(customers: RatedCustomer[], context: RatingContext): Promise<RatingInput[]>;
}

const NAME_RE = /^[a-z][a-z0-9_-]{0,59}$/;

/**
 * The connectors this instance knows. None is registered by default (no provider is reachable
 * without a contract and credentials); a deployment registers its own in a module's
 * `onModuleInit`: `registry.register(new AltaresProvider(config))`.
 */
@Injectable()
export class RatingProviderRegistry {
  private readonly providers = new Map<string, RatingProvider>();

  register(provider: RatingProvider): void {
    if (!NAME_RE.test(provider.name))
      throw new Error(`Rating provider name "${provider.name}" must be lower case letters, digits, - or _ (at most 60)`);
    this.providers.set(provider.name, provider);
  }

  /** Removes a connector (tests). */
  unregister(name: string): void {
    this.providers.delete(name);
  }

  get(name: string): RatingProvider | undefined {
    return this.providers.get(name);
  }

  names(): string[] {
    return [...this.providers.keys()].sort();
  }
}
