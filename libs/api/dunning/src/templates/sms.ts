/**
 * SMS encoding rules (3GPP TS 23.038): a message that only uses the GSM 7-bit alphabet holds
 * 160 characters in one segment and 153 per segment when split; any other character switches
 * the whole message to UCS-2 (70 / 67). Rendered SMS are transliterated to the GSM alphabet
 * (ê → e, ç → c, œ → oe, ’ → ', no-break space → space) so that one customer name with a
 * circumflex does not double the cost of a campaign.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Characters of the extension table: each costs two septets (escape + character). */
const GSM_EXTENDED = '^{}\\[~]|€\f';

const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

const TRANSLITERATION: Record<string, string> = {
  â: 'a',
  á: 'a',
  ã: 'a',
  À: 'A',
  Â: 'A',
  Á: 'A',
  ç: 'c',
  ê: 'e',
  ë: 'e',
  È: 'E',
  Ê: 'E',
  Ë: 'E',
  î: 'i',
  ï: 'i',
  í: 'i',
  Î: 'I',
  Ï: 'I',
  ô: 'o',
  ó: 'o',
  õ: 'o',
  Ô: 'O',
  û: 'u',
  ú: 'u',
  Û: 'U',
  Ù: 'U',
  ÿ: 'y',
  Ÿ: 'Y',
  œ: 'oe',
  Œ: 'OE',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '«': '"',
  '»': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u202f': ' ',
  '\u2009': ' ',
  '\u2007': ' ',
  '\t': ' ',
  '•': '-',
};

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENDED.has(ch)) return false;
  return true;
}

/** Rewrites a text in the GSM 7-bit alphabet, replacing what cannot be written with its closest form or '?'. */
export function toGsm7(text: string): string {
  let out = '';
  for (const ch of text) {
    if (BASIC.has(ch) || EXTENDED.has(ch)) out += ch;
    else if (TRANSLITERATION[ch] !== undefined) out += TRANSLITERATION[ch];
    else {
      const stripped = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      out += stripped && [...stripped].every((c) => BASIC.has(c)) ? stripped : '?';
    }
  }
  return out;
}

/** Number of septets a GSM-7 text takes (extension characters count twice). */
export function gsmSeptets(text: string): number {
  let n = 0;
  for (const ch of text) n += EXTENDED.has(ch) ? 2 : 1;
  return n;
}

export interface SmsSize {
  encoding: 'gsm7' | 'ucs2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

export function smsSize(text: string): SmsSize {
  if (isGsm7(text)) {
    const units = gsmSeptets(text);
    return { encoding: 'gsm7', units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  const units = text.length;
  return { encoding: 'ucs2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** Septets a GSM-7 message of `segments` segments can hold. */
export function gsmCapacity(segments: number): number {
  return segments <= 1 ? 160 : segments * 153;
}

export const SMS_MAX_SEGMENTS = 3;
