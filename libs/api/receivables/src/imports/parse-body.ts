/**
 * Turns an import body (JSON array, NDJSON or CSV) into plain rows. Pure: no I/O.
 * CSV: RFC 4180 quoting, header row, delimiter `,` `;` or tab (detected from the header when
 * not given), optional column mapping (header → field), dotted headers build nested objects
 * (`billingAddress.city`).
 */
export type ImportFormat = 'json' | 'ndjson' | 'csv';
export type RawRow = Record<string, unknown>;

export class BodyProblem extends Error {
  constructor(
    readonly status: 400 | 415 | 422,
    message: string,
  ) {
    super(message);
  }
}

export const DELIMITERS = [',', ';', '\t'] as const;

export function formatOf(contentType: string | undefined): ImportFormat | null {
  const ct = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (ct === 'application/json' || ct.endsWith('+json')) return 'json';
  if (ct === 'application/x-ndjson') return 'ndjson';
  if (ct === 'text/csv' || ct === 'text/plain') return 'csv';
  return null;
}

export interface ParseOptions {
  delimiter?: string;
  mapping?: Record<string, string>;
}

export function parseBody(format: ImportFormat, body: unknown, options: ParseOptions = {}): RawRow[] {
  if (format === 'json') {
    if (!Array.isArray(body)) throw new BodyProblem(422, 'The body must be a JSON array of rows');
    body.forEach((row, i) => {
      if (!row || typeof row !== 'object' || Array.isArray(row)) throw new BodyProblem(422, `Row ${i + 1} is not a JSON object`);
    });
    return body as RawRow[];
  }
  if (typeof body !== 'string') throw new BodyProblem(400, `The body must be ${format === 'csv' ? 'CSV' : 'NDJSON'} text`);
  return format === 'ndjson' ? parseNdjson(body) : parseCsv(body, options);
}

export function parseNdjson(text: string): RawRow[] {
  const rows: RawRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new BodyProblem(400, `Line ${i + 1} is not valid JSON`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new BodyProblem(422, `Line ${i + 1} is not a JSON object`);
    rows.push(value as RawRow);
  });
  return rows;
}

/** Splits CSV text into records of cells (quotes, doubled quotes, newlines inside quotes). */
export function csvRecords(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  while (i < s.length) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) {
      record.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
    } else cell += c;
    i++;
  }
  if (quoted) throw new BodyProblem(422, 'The CSV has an unterminated quoted field');
  if (cell !== '' || record.length) {
    record.push(cell);
    records.push(record);
  }
  return records.filter((r) => !(r.length === 1 && r[0].trim() === ''));
}

/** The delimiter that splits the header line into the most columns. */
export function detectDelimiter(text: string): string {
  const header = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/, 1)[0] ?? '';
  let best: string = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const n = header.split(d).length - 1;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

export function parseCsv(text: string, options: ParseOptions = {}): RawRow[] {
  if (!text.trim()) throw new BodyProblem(422, 'The CSV is empty');
  if (options.delimiter !== undefined && !(DELIMITERS as readonly string[]).includes(options.delimiter)) {
    throw new BodyProblem(400, 'delimiter must be one of , ; or a tab');
  }
  const delimiter = options.delimiter ?? detectDelimiter(text);
  const records = csvRecords(text, delimiter);
  const [header, ...data] = records;
  if (!header || header.length < 2) {
    throw new BodyProblem(
      422,
      `The CSV header has a single column with delimiter ${JSON.stringify(delimiter)}: check the delimiter (, ; or tab) and the header row`,
    );
  }
  const names = header.map((h) => {
    const name = h.trim();
    return options.mapping?.[name] ?? name;
  });
  const seen = new Set<string>();
  for (const n of names) {
    if (!n) throw new BodyProblem(422, 'The CSV header has an empty column name');
    if (seen.has(n)) throw new BodyProblem(422, `The CSV header has the column ${n} twice`);
    seen.add(n);
  }
  return data.map((cells, i) => {
    if (cells.length !== names.length) {
      throw new BodyProblem(
        422,
        `CSV line ${i + 2} has ${cells.length} cells where the header has ${names.length}: check the delimiter and quotes`,
      );
    }
    const row: RawRow = {};
    names.forEach((name, j) => {
      const v = cells[j].trim();
      if (v === '') return;
      setPath(row, name, v);
    });
    return row;
  });
}

export function setPath(row: RawRow, path: string, value: unknown): void {
  const parts = path.split('.');
  let target: RawRow = row;
  for (const p of parts.slice(0, -1)) {
    if (!target[p] || typeof target[p] !== 'object') target[p] = {};
    target = target[p] as RawRow;
  }
  target[parts[parts.length - 1]] = value;
}

/** Quotes a CSV cell when needed; cells starting with = + - @ are prefixed against formula injection. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = Array.isArray(value) ? value.join('|') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",;\n\r\t]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<T>(rows: T[], columns: { header: string; value: (row: T) => unknown }[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(c.value(r))).join(','));
  return lines.join('\r\n') + '\r\n';
}
