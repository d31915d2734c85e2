/**
 * What the browser reads of a CSV file before sending it: the delimiter, the header and a
 * few rows for the preview. The API parses the file again (it is the reference); these
 * rules follow it: delimiter `,` `;` or tab, detected on the header line; RFC 4180 quotes.
 */
export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The delimiter that splits the header line into the most columns (`,` when none does). */
export function detectDelimiter(text: string): Delimiter {
  const header = stripBom(text).split(/\r?\n/, 1)[0] ?? '';
  let best: Delimiter = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const n = splitRecords(header, d, 1)[0]?.length ?? 0;
    if (n - 1 > bestCount) {
      best = d;
      bestCount = n - 1;
    }
  }
  return best;
}

/** Splits CSV text into at most `limit` records of cells (quotes, doubled quotes, newlines in quotes). */
export function splitRecords(text: string, delimiter: string, limit = Infinity): string[][] {
  const s = stripBom(text);
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < s.length && records.length < limit; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) {
      record.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      record.push(cell);
      if (!(record.length === 1 && record[0]?.trim() === '')) records.push(record);
      record = [];
      cell = '';
    } else cell += c;
  }
  if (records.length < limit && (cell !== '' || record.length > 0)) {
    record.push(cell);
    if (!(record.length === 1 && record[0]?.trim() === '')) records.push(record);
  }
  return records;
}

export interface CsvPreview {
  delimiter: Delimiter;
  /** Trimmed column names of the header line. */
  header: string[];
  /** The first data rows, for the preview table. */
  rows: string[][];
  /** Data rows in the file (records after the header). */
  rowCount: number;
}

export function previewCsv(text: string, delimiter: Delimiter = detectDelimiter(text), previewRows = 5): CsvPreview {
  const records = splitRecords(text, delimiter);
  const [header = [], ...data] = records;
  return {
    delimiter,
    header: header.map((h) => h.trim()),
    rows: data.slice(0, previewRows),
    rowCount: data.length,
  };
}

/**
 * Reads an uploaded file as text: UTF-8, or Windows-1252 when the bytes are not valid UTF-8
 * (what Excel writes by default in France).
 */
export async function readCsvFile(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

export function isCsvFileName(name: string): boolean {
  return /\.(csv|txt)$/i.test(name);
}
