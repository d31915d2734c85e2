/**
 * Turns an uploaded file (multipart field `file`) into plain rows: CSV in UTF-8 (with or
 * without BOM), UTF-16 (with BOM) or Windows-1252, and XLSX (first sheet or a named one). No I/O
 * besides reading the buffer; every unreadable file is a BodyProblem naming the file.
 */
import ExcelJS from 'exceljs';
import { BodyProblem, parseCsv, setPath, type ParseOptions, type RawRow } from './parse-body.js';

export type UploadFormat = 'csv' | 'xlsx';

/** What multer's memory storage gives the controller. */
export interface UploadedImportFile {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/** Largest file accepted by the import routes (multer stops reading beyond it: 413). */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const XLSX_TYPES = [
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-excel.sheet.macroenabled.12',
];
/** Fields read as calendar dates: an unformatted Excel serial number there is a date too. */
const DATE_FIELDS = new Set(['issueDate', 'dueDate', 'date']);

const isZip = (b: Buffer) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
/** The OLE2 header of the old binary .xls (Excel 97-2003). */
const isOle2 = (b: Buffer) => b.length >= 8 && b.readUInt32BE(0) === 0xd0cf11e0 && b.readUInt32BE(4) === 0xa1b11ae1;

/** CSV or XLSX from the name, the declared type and the first bytes; old .xls is refused. */
export function uploadFormatOf(file: Pick<UploadedImportFile, 'originalname' | 'mimetype' | 'buffer'>): UploadFormat {
  const name = file.originalname.toLowerCase();
  if (isOle2(file.buffer) || name.endsWith('.xls'))
    throw new BodyProblem(415, `${quote(file)} is an Excel 97-2003 (.xls) workbook: save it as .xlsx or CSV`);
  if (name.endsWith('.xlsx') || name.endsWith('.xlsm') || XLSX_TYPES.includes(file.mimetype.toLowerCase()) || isZip(file.buffer))
    return 'xlsx';
  return 'csv';
}

/** Text of a CSV file: BOMs honoured, UTF-8 when the bytes are valid UTF-8, else Windows-1252. */
export function decodeText(buffer: Uint8Array): string {
  if (buffer[0] === 0xff && buffer[1] === 0xfe) return new TextDecoder('utf-16le').decode(buffer.subarray(2));
  if (buffer[0] === 0xfe && buffer[1] === 0xff) return new TextDecoder('utf-16be').decode(buffer.subarray(2));
  try {
    // `ignoreBOM: false` (the default) strips a UTF-8 BOM.
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    // French ERPs (Sage, Cegid, EBP) export Windows-1252; it decodes any byte sequence.
    return decodeWindows1252(buffer);
  }
}

/** Windows-1252 where it differs from Latin-1 (0x80-0x9F: € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ). */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Windows-1252 text. Not `new TextDecoder('windows-1252')`: Node 20 decodes that label as
 * Latin-1, which turns € œ ’ … – into invisible control characters.
 */
export function decodeWindows1252(buffer: Uint8Array): string {
  const latin1 = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).toString('latin1');
  return latin1.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

/** True when the text holds control characters a CSV export never has (a binary file). */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 64 * 1024);
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return true;
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) control++;
  }
  return control > sample.length / 100;
}

export function parseCsvFile(file: UploadedImportFile, options: ParseOptions = {}): RawRow[] {
  const text = decodeText(file.buffer);
  if (looksBinary(text)) throw new BodyProblem(422, `${quote(file)} is not a CSV text file (it holds binary data)`);
  try {
    return parseCsv(text, options);
  } catch (e) {
    if (e instanceof BodyProblem) throw new BodyProblem(e.status, `${quote(file)}: ${e.message}`);
    throw e;
  }
}

export interface XlsxOptions {
  sheet?: string;
  mapping?: Record<string, string>;
}

/** Rows of one worksheet: the first row is the header, empty rows are skipped. */
export async function parseXlsxFile(file: UploadedImportFile, options: XlsxOptions = {}): Promise<RawRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    if (!isZip(file.buffer)) throw new Error('not a zip archive');
    await workbook.xlsx.load(file.buffer as unknown as ArrayBuffer);
  } catch {
    throw new BodyProblem(
      422,
      `${quote(file)} is not a readable XLSX workbook: export it again from Excel as .xlsx, or send CSV`,
    );
  }
  const sheets = workbook.worksheets;
  const sheet = options.sheet === undefined ? sheets[0] : sheets.find((s) => s.name === options.sheet);
  if (!sheet) {
    throw new BodyProblem(
      422,
      options.sheet === undefined
        ? `${quote(file)} has no worksheet`
        : `${quote(file)} has no sheet named ${JSON.stringify(options.sheet)}; its sheets are ${sheets.map((s) => JSON.stringify(s.name)).join(', ')}`,
    );
  }
  const header = sheet.getRow(1);
  const names = new Map<number, string>();
  const seen = new Set<string>();
  header.eachCell({ includeEmpty: false }, (cell, col) => {
    const text = String(cellValue(cell.value) ?? '').trim();
    if (!text) return;
    const name = options.mapping?.[text] ?? text;
    if (seen.has(name)) throw new BodyProblem(422, `${quote(file)}: the header has the column ${name} twice`);
    seen.add(name);
    names.set(col, name);
  });
  if (names.size < 2)
    throw new BodyProblem(
      422,
      `${quote(file)}: the first row of sheet ${JSON.stringify(sheet.name)} must be a header row with the column names`,
    );
  const rows: RawRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (r, n) => {
    if (n === 1) return;
    const row: RawRow = {};
    for (const [col, name] of names) {
      let v = cellValue(r.getCell(col).value);
      if (v === null || v === undefined) continue;
      if (typeof v === 'string') {
        v = v.trim();
        if (v === '') continue;
      } else if (typeof v === 'number' && DATE_FIELDS.has(name) && v > 0 && v < 2_958_466) v = excelSerialDate(v);
      setPath(row, name, v);
    }
    if (Object.keys(row).length) rows.push(row);
  });
  return rows;
}

type Cell = ExcelJS.CellValue;

/** A cell as the row rules expect it: text, a number, a boolean or a YYYY-MM-DD date. */
export function cellValue(v: Cell): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  // Excel keeps 15 significant digits: 0.1 + 0.2 computed by a formula shows as 0.3.
  if (typeof v === 'number') return Number(v.toPrecision(15));
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('formula' in v || 'sharedFormula' in v) return cellValue((v as { result?: Cell }).result ?? null);
    if ('hyperlink' in v) return cellValue((v as { text?: Cell }).text ?? null);
    if ('error' in v) return String(v.error);
  }
  return null;
}

/** Excel's serial day number (1900 system, UTC) as YYYY-MM-DD. */
export function excelSerialDate(serial: number): string {
  return new Date(Math.round((Math.floor(serial) - 25569) * 86_400_000)).toISOString().slice(0, 10);
}

const quote = (file: Pick<UploadedImportFile, 'originalname'>) => `The file ${JSON.stringify(file.originalname)}`;
