import { computed } from 'vue';
import { currentLocale, i18n, INTL_LOCALES, type AppLocale } from './i18n';

/**
 * Locale-aware formatters. Calendar dates (`YYYY-MM-DD`, e.g. due dates) are shown as they
 * are, never shifted by the browser's time zone; instants (ISO date-times) are shown in the
 * browser's time zone. Amounts are never handled as binary floats.
 */

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

type DateInput = string | Date | null | undefined;

function intl(locale: AppLocale | undefined): string {
  return INTL_LOCALES[locale ?? currentLocale()];
}

/** 2026-11-23 → "23/11/2026" (fr and en). Empty string for null/invalid input. */
export function formatDate(value: DateInput, locale?: AppLocale): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'string') {
    const calendar = CALENDAR_DATE.exec(value);
    if (calendar) {
      const utc = new Date(Date.UTC(Number(calendar[1]), Number(calendar[2]) - 1, Number(calendar[3])));
      return new Intl.DateTimeFormat(intl(locale), {
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        timeZone: 'UTC',
      }).format(utc);
    }
  }
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(intl(locale), { year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** An instant, e.g. "23/11/2026 14:05" in the browser's time zone (or `timeZone` if given). */
export function formatDateTime(value: DateInput, locale?: AppLocale, timeZone?: string): string {
  if (value === null || value === undefined || value === '') return '';
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(intl(locale), {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  })
    .format(date)
    .replace(',', '');
}

/** A calendar date as `YYYY-MM-DD`, read from a Date's local fields (for date pickers). */
export function toCalendarDate(date: Date): string {
  const y = String(date.getFullYear()).padStart(4, '0');
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Today's calendar date in the browser's time zone, `YYYY-MM-DD`. */
export function todayCalendarDate(now: Date = new Date()): string {
  return toCalendarDate(now);
}

/** Integer minor units (e.g. cents) or a decimal string such as "1234.56". */
export type MoneyAmount = number | bigint | string;

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

function currencyDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Converts minor units to an exact decimal string without going through floats. */
export function minorToDecimal(minor: number | bigint, currency = 'EUR'): string {
  if (typeof minor === 'number' && !Number.isSafeInteger(minor)) {
    throw new RangeError(`Minor units must be a safe integer, got ${minor}`);
  }
  const digits = currencyDigits(currency);
  const big = BigInt(minor);
  const negative = big < 0n;
  const abs = (negative ? -big : big).toString().padStart(digits + 1, '0');
  const units = abs.slice(0, abs.length - digits);
  const fraction = digits > 0 ? `.${abs.slice(abs.length - digits)}` : '';
  return `${negative ? '-' : ''}${units}${fraction}`;
}

/**
 * 123456 (minor units) or "1234.56" → "1 234,56 €" (fr) / "€1,234.56" (en).
 * Intl formats the decimal string exactly: no float rounding on large amounts.
 */
export function formatMoney(amount: MoneyAmount, currency = 'EUR', locale?: AppLocale): string {
  const decimal = typeof amount === 'string' ? amount.trim() : minorToDecimal(amount, currency);
  if (!DECIMAL.test(decimal)) return '';
  const formatter = new Intl.NumberFormat(intl(locale), { style: 'currency', currency });
  return formatter.format(decimal as Intl.StringNumericLiteral);
}

/**
 * Percentage points as the API sends them (35.71 means 35.71 %): "35,7 %" (fr) / "35.7%"
 * (en). Empty for null.
 */
export function formatPercent(points: number | null | undefined, locale?: AppLocale, digits = 1): string {
  if (points === null || points === undefined || !Number.isFinite(points)) return '';
  return new Intl.NumberFormat(intl(locale), {
    style: 'percent',
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  }).format(points / 100);
}

/** A number of days (DSO, days late): 42.37 → "42,4" (fr). Empty for null. */
export function formatNumber(value: number | null | undefined, locale?: AppLocale, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  return new Intl.NumberFormat(intl(locale), { maximumFractionDigits: digits }).format(value);
}

/**
 * An amount rounded for chart axes: "1,2 M€" (fr) / "€1.2M" (en). Display only: the
 * amount is parsed to a float here, never summed.
 */
export function formatCompactMoney(amount: MoneyAmount, currency = 'EUR', locale?: AppLocale): string {
  const decimal = typeof amount === 'string' ? amount.trim() : minorToDecimal(amount, currency);
  if (!DECIMAL.test(decimal)) return '';
  return new Intl.NumberFormat(intl(locale), {
    style: 'currency',
    currency,
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(decimal as Intl.StringNumericLiteral);
}

/**
 * A decimal string as a number for a chart's geometry (bar heights). Never use the result
 * for arithmetic on money: labels and tooltips format the original string.
 */
export function chartNumber(amount: string | null | undefined): number {
  if (amount === null || amount === undefined) return 0;
  const trimmed = amount.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : 0;
}

/** Formatters bound to the current UI locale, re-evaluated when the locale changes. */
export function useFormat() {
  const locale = computed(() => i18n.global.locale.value);
  return {
    locale,
    date: (value: DateInput) => formatDate(value, locale.value),
    dateTime: (value: DateInput) => formatDateTime(value, locale.value),
    money: (amount: MoneyAmount, currency = 'EUR') => formatMoney(amount, currency, locale.value),
    percent: (points: number | null | undefined, digits = 1) => formatPercent(points, locale.value, digits),
    number: (value: number | null | undefined, digits = 1) => formatNumber(value, locale.value, digits),
  };
}
