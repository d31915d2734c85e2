import type { PenaltyRegime } from '../state/customer-dunning.entity.js';

/** Member states of the European Union (ISO 3166-1 alpha-2; Greece is GR). */
export const EU_COUNTRIES: readonly string[] = [
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
];

/** France and its overseas departments and collectivities with their own ISO code, where the Code de commerce applies. */
export const FRENCH_LAW_COUNTRIES: readonly string[] = ['FR', 'GP', 'MQ', 'GF', 'RE', 'YT', 'PM', 'BL', 'MF'];

export type PenaltyRegimeSource = 'customer' | 'country';

/**
 * Which late-payment rules apply to a customer: its explicit setting, else by country: the
 * French Code de commerce (L441-10, D441-5) in France, Directive 2011/7/EU in the other member
 * states, none elsewhere (only a contractual rate would apply).
 */
export function penaltyRegimeFor(
  country: string | null | undefined,
  explicit: PenaltyRegime | null | undefined,
): { regime: PenaltyRegime; source: PenaltyRegimeSource } {
  if (explicit) return { regime: explicit, source: 'customer' };
  const c = (country ?? '').trim().toUpperCase();
  if (FRENCH_LAW_COUNTRIES.includes(c)) return { regime: 'fr', source: 'country' };
  if (EU_COUNTRIES.includes(c)) return { regime: 'eu', source: 'country' };
  return { regime: 'none', source: 'country' };
}

/** The same date five years earlier (29 February → 28 February): start of the limitation period. */
export function yearsBefore(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const year = y - years;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const day = m === 2 && d === 29 && !leap ? 28 : d;
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
