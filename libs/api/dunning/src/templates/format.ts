import { currencyDigits, fromMinor, isCalendarDate, isCurrency, sumMinor, toMinor } from '@encours/domain';
import type { TemplateLanguage } from './merge-context.js';

/**
 * Locale formatting for dunning messages: amounts from their decimal strings (never through a
 * binary floating-point sum), calendar dates from their 'YYYY-MM-DD' strings (no time zone).
 * fr: "1 234,56 €", "15/06/2024", "1er décembre 2026"; en: "€1,234.56", "15 Jun 2024", "1 December 2026".
 * Spaces inside a formatted value are no-break spaces (U+00A0), which email clients, SMS
 * transliteration and the PDF's WinAnsi fonts all handle (U+202F, which Intl uses in French, is not).
 */

const LOCALES: Record<TemplateLanguage, string> = { fr: 'fr-FR', en: 'en-GB' };
const NBSP = '\u00a0';

const formatters = new Map<string, Intl.NumberFormat>();
function currencyFormatter(language: TemplateLanguage, currency: string): Intl.NumberFormat {
  const key = `${language}:${currency}`;
  let nf = formatters.get(key);
  if (!nf) {
    const digits = currencyDigits(currency);
    nf = new Intl.NumberFormat(LOCALES[language], {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, nf);
  }
  return nf;
}

/** Replaces the narrow and thin spaces some locales use with a no-break space. */
export function normalizeSpaces(s: string): string {
  return s.replace(/[\u202f\u2009\u2007]/g, NBSP);
}

/**
 * "1234.5", "EUR" → fr "1 234,50 €", en "€1,234.50". The decimal string is formatted exactly
 * (Intl.NumberFormat formats a numeric string without converting it to a double).
 * An unknown currency code falls back to "1234.50 XYZ".
 */
export function formatAmount(amount: string, currency: string, language: TemplateLanguage): string {
  if (!isCurrency(currency)) return `${amount}${NBSP}${currency}`;
  const exact = fromMinor(toMinor(amount, currency), currency);
  // The string overload is exact (Intl.NumberFormat v3); the lib typings only know number | bigint.
  return normalizeSpaces(currencyFormatter(language, currency).format(exact as unknown as number));
}

/** Exact sum of decimal strings in one currency, as a decimal string. */
export function sumAmounts(amounts: Iterable<string>, currency: string): string {
  const minors: bigint[] = [];
  for (const a of amounts) minors.push(toMinor(a, currency));
  return fromMinor(sumMinor(minors), currency);
}

export function isZeroAmount(amount: string): boolean {
  return /^-?0*(?:\.0*)?$/.test(amount.trim());
}

const MONTHS_SHORT_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const MONTHS_FR = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

function parts(date: string): [number, number, number] {
  if (!isCalendarDate(date)) throw new Error(`Not a calendar date: ${date}`);
  const [y, m, d] = date.split('-').map(Number);
  return [y, m, d];
}

/** Short date: fr "15/06/2024", en "15 Jun 2024". */
export function formatDate(date: string, language: TemplateLanguage): string {
  const [y, m, d] = parts(date);
  if (language === 'fr') return `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;
  return `${d}${NBSP}${MONTHS_SHORT_EN[m - 1]}${NBSP}${y}`;
}

/** Long date for the date line of a letter: fr "1er décembre 2026", en "1 December 2026". */
export function formatLongDate(date: string, language: TemplateLanguage): string {
  const [y, m, d] = parts(date);
  if (language === 'fr') return `${d === 1 ? '1er' : d} ${MONTHS_FR[m - 1]} ${y}`;
  return `${d} ${MONTHS_LONG_EN[m - 1]} ${y}`;
}

/** "a, b et c" / "a, b and c". */
export function joinList(items: string[], language: TemplateLanguage): string {
  if (items.length <= 1) return items.join('');
  const and = language === 'fr' ? ' et ' : ' and ';
  return `${items.slice(0, -1).join(', ')}${and}${items[items.length - 1]}`;
}

const INTEGER_FORMATS = new Map<TemplateLanguage, Intl.NumberFormat>();

/** Integer with grouping: fr "1 234", en "1,234" (formatters are costly to build: one per language). */
export function formatInteger(n: number, language: TemplateLanguage): string {
  let nf = INTEGER_FORMATS.get(language);
  if (!nf) {
    nf = new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 0 });
    INTEGER_FORMATS.set(language, nf);
  }
  if (Number.isInteger(n) && Math.abs(n) < 1000) return String(n);
  return normalizeSpaces(nf.format(n));
}
