import { createI18n } from 'vue-i18n';
import fr from './fr';
import en from './en';

export type MessageSchema = typeof fr;
export const SUPPORTED_LOCALES = ['fr', 'en'] as const;
export type AppLocale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: AppLocale = 'fr';

const STORAGE_KEY = 'encours.locale';

/** BCP 47 tags used for Intl: English follows the British (day/month/year) convention. */
export const INTL_LOCALES: Record<AppLocale, string> = { fr: 'fr-FR', en: 'en-GB' };

export function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/** The locale the user chose explicitly on this browser, if any. */
export function storedLocale(): AppLocale | null {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return isAppLocale(value) ? value : null;
  } catch {
    return null;
  }
}

// Dates and amounts go through src/format.ts (calendar dates must not shift with the
// time zone, amounts are never floats); these named formats are kept in line with it for
// templates that prefer $d / $n.
const dateFormats = {
  date: { year: 'numeric', month: '2-digit', day: '2-digit' },
  datetime: { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' },
} as const;
const numberFormats = {
  currency: { style: 'currency', currency: 'EUR' },
  decimal: { style: 'decimal', minimumFractionDigits: 0, maximumFractionDigits: 2 },
  percent: { style: 'percent', maximumFractionDigits: 1 },
} as const;

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: storedLocale() ?? DEFAULT_LOCALE,
  fallbackLocale: DEFAULT_LOCALE,
  messages: { fr, en },
  datetimeFormats: { fr: dateFormats, en: dateFormats },
  numberFormats: { fr: numberFormats, en: numberFormats },
});

export function currentLocale(): AppLocale {
  return i18n.global.locale.value;
}

/** Switches the UI language; `persist` records the explicit choice for the next visits. */
export function setLocale(locale: AppLocale, persist = true): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  if (persist) {
    try {
      window.localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      // private browsing: the choice lasts for this page only
    }
  }
}

/** Shorthand for code outside components (stores, guards, error mapping). */
export function t(key: string, named?: Record<string, unknown>): string {
  return named ? i18n.global.t(key, named) : i18n.global.t(key);
}

export function te(key: string): boolean {
  return i18n.global.te(key);
}
