/**
 * What the bulk routes of this module share (external ratings import, open orders import): rows
 * from a JSON array or an uploaded CSV / XLSX file (the receivables import parsers), field checks
 * that report `{row, field, message}`, customers resolved by id, ERP reference or SIREN in one
 * query, and the answer's counts.
 */
import { ApiProperty } from '@nestjs/swagger';
import { AppError, RequestContext, ValidationFailed, type FieldError } from '@encours/api-core';
import { amountProblem, fromMinor, isCalendarDate, isCurrency, toMinor } from '@encours/domain';
import { parseCsvFile, parseXlsxFile, uploadFormatOf, type UploadedImportFile } from '@encours/receivables';
import type { Request } from 'express';
import type { EntityManager } from 'typeorm';

export type RawRow = Record<string, unknown>;

/** Most rows one request may carry (larger batches: split them). */
export const MAX_BULK_ROWS = 50_000;

/** The parsers' own errors (BodyProblem: status 400/415/422) as problem+json. */
function bodyProblem(e: unknown): unknown {
  const status = (e as { status?: unknown } | null)?.status;
  if (e instanceof Error && (status === 400 || status === 415 || status === 422)) {
    const code = status === 400 ? 'bad-request' : status === 415 ? 'unsupported-media-type' : 'unprocessable-body';
    return new AppError(status, code, e.message);
  }
  return e;
}

/** The rows of a bulk request: a JSON array body, or a CSV / XLSX file in the multipart field `file`. */
export async function readRows(req: Request, options: { sheet?: string; allowFile?: boolean } = {}): Promise<RawRow[]> {
  const file = (req as Request & { file?: UploadedImportFile }).file;
  let rows: RawRow[];
  if (file && options.allowFile !== false) {
    try {
      rows = uploadFormatOf(file) === 'xlsx' ? await parseXlsxFile(file, { sheet: options.sheet }) : parseCsvFile(file, {});
    } catch (e) {
      throw bodyProblem(e);
    }
  } else {
    if (req.is('multipart/form-data'))
      throw new ValidationFailed([{ field: 'file', message: 'Send the CSV or XLSX file in the multipart field "file"' }]);
    if (!req.is('application/json'))
      throw new AppError(415, 'unsupported-media-type', 'Send a JSON array (application/json) or a file in multipart/form-data');
    const body: unknown = req.body;
    if (!Array.isArray(body)) throw new AppError(422, 'unprocessable-body', 'The body must be a JSON array of rows');
    body.forEach((row, i) => {
      if (!row || typeof row !== 'object' || Array.isArray(row))
        throw new AppError(422, 'unprocessable-body', `Row ${i + 1} is not a JSON object`);
    });
    rows = body as RawRow[];
  }
  if (!rows.length)
    throw new AppError(422, 'unprocessable-body', file ? 'The file has no rows under its header' : 'The batch has no rows');
  if (rows.length > MAX_BULK_ROWS)
    throw new AppError(422, 'unprocessable-body', `At most ${MAX_BULK_ROWS} rows per request: split the batch`);
  return rows;
}

/** Collects the field errors of one row (1-based, as a spreadsheet user counts). */
export class RowChecker {
  readonly errors: FieldError[] = [];
  constructor(
    readonly raw: RawRow,
    readonly row: number,
  ) {}

  fail(field: string, message: string): void {
    this.errors.push({ row: this.row, field, message });
  }

  private present(field: string): unknown {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' && v.trim() === '') return undefined;
    return v;
  }

  /** Trimmed text of at most `max` characters; undefined when absent (an error when required). */
  text(field: string, max: number, required = false): string | undefined {
    const v = this.present(field);
    if (v === undefined) {
      if (required) this.fail(field, `${field} is required`);
      return undefined;
    }
    if (typeof v !== 'string' && typeof v !== 'number') {
      this.fail(field, `${field} must be text`);
      return undefined;
    }
    const s = String(v).trim();
    if (s.length > max) {
      this.fail(field, `${field} must be at most ${max} characters`);
      return undefined;
    }
    return s;
  }

  /** A calendar date YYYY-MM-DD (an Excel day number is read as its date). */
  date(field: string, required = false): string | undefined {
    let v = this.present(field);
    if (v === undefined) {
      if (required) this.fail(field, `${field} is required`);
      return undefined;
    }
    if (typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 2_958_466)
      v = new Date((v - 25569) * 86_400_000).toISOString().slice(0, 10);
    if (typeof v !== 'string' || !isCalendarDate(v.trim())) {
      this.fail(field, `${field} must be a real calendar date as YYYY-MM-DD`);
      return undefined;
    }
    return v.trim();
  }

  /** An ISO 4217 currency, upper-cased. */
  currency(field: string, required = false): string | undefined {
    const v = this.text(field, 3, required);
    if (v === undefined) return undefined;
    const c = v.toUpperCase();
    if (!isCurrency(c)) {
      this.fail(field, `${field} must be an ISO 4217 currency code such as EUR (got ${JSON.stringify(v)})`);
      return undefined;
    }
    return c;
  }

  /** A non-negative amount with the currency's decimals, as a canonical decimal string. */
  amount(field: string, currency: string | undefined, required = false): string | undefined {
    const v = this.present(field);
    if (v === undefined) {
      if (required) this.fail(field, `${field} is required`);
      return undefined;
    }
    const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : null;
    if (s === null || !/^-?\d+(\.\d+)?$/.test(s)) {
      this.fail(field, `${field} must be a decimal amount such as 1234.56`);
      return undefined;
    }
    if (s.startsWith('-')) {
      this.fail(field, `${field} must not be negative`);
      return undefined;
    }
    if (!currency) return s; // the currency field reports its own error
    const problem = amountProblem(s, currency);
    if (problem) {
      this.fail(field, `${field} ${problem}`);
      return undefined;
    }
    return fromMinor(toMinor(s, currency), currency);
  }

  /** A non-negative decimal with at most `decimals` decimals and `intDigits` integer digits. */
  decimal(field: string, decimals: number, intDigits: number): string | undefined {
    const v = this.present(field);
    if (v === undefined) return undefined;
    const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim().replace(',', '.') : null;
    const m = s === null ? null : /^(-)?(\d+)(?:\.(\d+))?$/.exec(s);
    if (!m) {
      this.fail(field, `${field} must be a number such as 15.5`);
      return undefined;
    }
    if (m[1]) {
      this.fail(field, `${field} must not be negative`);
      return undefined;
    }
    const int = m[2].replace(/^0+(?=\d)/, '');
    const frac = (m[3] ?? '').replace(/0+$/, '');
    if (frac.length > decimals || int.length > intDigits) {
      this.fail(field, `${field} must have at most ${intDigits} digits before and ${decimals} after the decimal point`);
      return undefined;
    }
    return frac ? `${int}.${frac}` : int;
  }

  /** true / false (also "true", "1", "yes", "oui"...). */
  bool(field: string): boolean | undefined {
    const v = this.present(field);
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    const s = String(v).trim().toLowerCase();
    if (['true', '1', 'yes', 'oui', 'y', 'o'].includes(s)) return true;
    if (['false', '0', 'no', 'non', 'n'].includes(s)) return false;
    this.fail(field, `${field} must be true or false`);
    return undefined;
  }

  /** One of the allowed values (lower-cased). */
  oneOf<T extends string>(field: string, allowed: readonly T[]): T | undefined {
    const v = this.text(field, 100);
    if (v === undefined) return undefined;
    const s = v.toLowerCase();
    if (!(allowed as readonly string[]).includes(s)) {
      this.fail(field, `${field} must be one of ${allowed.join(', ')}`);
      return undefined;
    }
    return s as T;
  }
}

/** How a row names its customer. */
export interface CustomerKey {
  customerId?: string;
  customerRef?: string;
  siren?: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads customerId | customerRef | siren of a row (at least one, per `accepted`). */
export function customerKeyOf(c: RowChecker, accepted: Array<keyof CustomerKey>): CustomerKey | undefined {
  const key: CustomerKey = {};
  if (accepted.includes('customerId')) {
    const id = c.text('customerId', 36);
    if (id !== undefined) {
      if (!UUID_RE.test(id)) c.fail('customerId', 'customerId must be a customer id (uuid)');
      else key.customerId = id.toLowerCase();
    }
  }
  if (accepted.includes('customerRef')) {
    const ref = c.text('customerRef', 100);
    if (ref !== undefined) key.customerRef = ref;
  }
  if (accepted.includes('siren')) {
    const siren = c.text('siren', 20);
    if (siren !== undefined) {
      const s = siren.replace(/\s/g, '');
      if (!/^\d{9}$/.test(s)) c.fail('siren', 'siren must be 9 digits');
      else key.siren = s;
    }
  }
  if (!key.customerId && !key.customerRef && !key.siren) {
    if (!c.errors.some((e) => ['customerId', 'customerRef', 'siren'].includes(e.field)))
      c.fail(accepted[0], `one of ${accepted.join(', ')} is required to name the customer`);
    return undefined;
  }
  return key;
}

export interface CustomerLookup {
  /** The customer id a row names, or the field error explaining why none. */
  resolve(key: CustomerKey): { id: string } | { field: keyof CustomerKey; message: string };
}

/** Resolves every customer key of a batch with one query per kind of key. */
export async function lookupCustomers(m: EntityManager, tenantId: string, keys: CustomerKey[]): Promise<CustomerLookup> {
  const ids = [...new Set(keys.map((k) => k.customerId).filter((v): v is string => !!v))];
  const refs = [...new Set(keys.map((k) => k.customerRef).filter((v): v is string => !!v))];
  const sirens = [
    ...new Set(keys.map((k) => (k.customerRef || k.customerId ? undefined : k.siren)).filter((v): v is string => !!v)),
  ];
  const rows: Array<{ id: string; external_ref: string; siren: string | null }> = await m.query(
    `SELECT id, external_ref, siren FROM customer
      WHERE tenant_id = $1 AND (id = ANY($2::uuid[]) OR external_ref = ANY($3::text[]) OR siren = ANY($4::text[]))`,
    [tenantId, ids, refs, sirens],
  );
  const byId = new Set(rows.map((r) => r.id));
  const byRef = new Map(rows.map((r) => [r.external_ref, r.id]));
  const bySiren = new Map<string, string[]>();
  for (const r of rows) if (r.siren && sirens.includes(r.siren)) bySiren.set(r.siren, [...(bySiren.get(r.siren) ?? []), r.id]);
  return {
    resolve(key) {
      if (key.customerId) {
        return byId.has(key.customerId)
          ? { id: key.customerId }
          : { field: 'customerId', message: `customerId ${key.customerId} is not a customer of this tenant` };
      }
      if (key.customerRef) {
        const id = byRef.get(key.customerRef);
        return id
          ? { id }
          : { field: 'customerRef', message: `no customer has the ERP reference ${JSON.stringify(key.customerRef)}` };
      }
      const found = bySiren.get(key.siren!) ?? [];
      if (found.length === 1) return { id: found[0] };
      return {
        field: 'siren',
        message: found.length
          ? `${found.length} customers have the SIREN ${key.siren}: name the customer by customerRef`
          : `no customer has the SIREN ${key.siren}`,
      };
    },
  };
}

/** The user behind the request, if a person (null: an API key or a job). */
export function currentUserId(): string | null {
  const p = RequestContext.principal();
  return p?.kind === 'user' ? p.userId : null;
}

/** An import rejected for its row errors: nothing was written (422, `errors[]` with row numbers). */
export function rowsRejected(errors: FieldError[], received: number): AppError {
  const rows = new Set(errors.map((e) => e.row)).size;
  return new AppError(
    422,
    'import-rejected',
    `${rows} of ${received} rows ${rows === 1 ? 'has' : 'have'} errors; nothing was written (fix them, or send partial=true to keep the valid rows)`,
    errors.slice(0, 1000),
  );
}

export class BulkRowErrorDto {
  @ApiProperty({ example: 3, description: 'Row number, 1-based: the first row of the batch (under the header of a file) is 1' })
  row: number;
  @ApiProperty({ example: 'ratedOn' }) field: string;
  @ApiProperty({ example: 'ratedOn must be a real calendar date as YYYY-MM-DD' }) message: string;
}

/** Row errors as the answer lists them. */
export function rowErrors(errors: FieldError[]): BulkRowErrorDto[] {
  return errors.slice(0, 1000).map((e) => ({ row: e.row ?? 0, field: e.field, message: e.message }));
}
