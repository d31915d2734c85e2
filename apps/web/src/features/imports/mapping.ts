import type { ImportField } from './fields';

/** Column of the file → API field, or null for a column that is not imported. */
export type ColumnAssignment = Record<string, string | null>;

/** "Date d'échéance" → "datedecheance": no case, accents, spaces nor punctuation. */
export function normalizeHeader(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/**
 * Proposes a field for each column whose name matches: first the API's own field names
 * (any case, `billingAddress.city` as `billing_address_city`), then the usual French and
 * English ERP headers. A field is given to one column only (the first that matches).
 */
export function autoMap(header: string[], fields: ImportField[]): ColumnAssignment {
  const result: ColumnAssignment = Object.fromEntries(header.map((h) => [h, null]));
  const taken = new Set<string>();
  const passes: ((field: ImportField) => string[])[] = [(field) => [field.name], (field) => field.aliases];
  for (const candidates of passes) {
    for (const column of header) {
      if (result[column] !== null) continue;
      const key = normalizeHeader(column);
      const field = fields.find((f) => !taken.has(f.name) && candidates(f).some((c) => normalizeHeader(c) === key));
      if (field) {
        result[column] = field.name;
        taken.add(field.name);
      }
    }
  }
  return result;
}

/**
 * Applies a saved mapping (`{ "CSV header": field }`) to the columns of a file; columns it
 * does not name keep the automatic proposal, unless their field is already taken.
 */
export function applySavedMapping(header: string[], saved: Record<string, unknown>, fields: ImportField[]): ColumnAssignment {
  const known = new Set(fields.map((f) => f.name));
  const fromSaved: ColumnAssignment = {};
  for (const column of header) {
    const field = saved[column];
    fromSaved[column] = typeof field === 'string' && known.has(field) ? field : null;
  }
  const taken = new Set(Object.values(fromSaved).filter((v): v is string => v !== null));
  const auto = autoMap(
    header.filter((h) => fromSaved[h] === null),
    fields.filter((f) => !taken.has(f.name)),
  );
  return Object.fromEntries(header.map((h) => [h, fromSaved[h] ?? auto[h] ?? null]));
}

/** Required fields no column is mapped to. */
export function missingRequired(assignment: ColumnAssignment, fields: ImportField[]): string[] {
  const used = new Set(Object.values(assignment));
  return fields.filter((f) => f.required && !used.has(f.name)).map((f) => f.name);
}

/** Fields mapped from more than one column. */
export function duplicateFields(assignment: ColumnAssignment): string[] {
  const seen = new Map<string, number>();
  for (const field of Object.values(assignment)) if (field) seen.set(field, (seen.get(field) ?? 0) + 1);
  return [...seen.entries()].filter(([, n]) => n > 1).map(([field]) => field);
}

/**
 * The `mapping` the API expects (`{ "CSV header": field }`). The API ignores extra CSV
 * columns, except one whose header already is a field name: such a column left out is
 * renamed so it cannot be read as that field.
 */
export function toApiMapping(assignment: ColumnAssignment, fields: ImportField[]): Record<string, string> {
  const names = new Set(fields.map((f) => f.name));
  const mapping: Record<string, string> = {};
  Object.entries(assignment).forEach(([column, field], i) => {
    if (field) {
      if (field !== column) mapping[column] = field;
    } else if (names.has(column)) {
      mapping[column] = `_ignored_${i + 1}`;
    }
  });
  return mapping;
}

/** What is saved with POST /import-mappings: every mapped column, identity included. */
export function toSavedColumns(assignment: ColumnAssignment): Record<string, string> {
  return Object.fromEntries(Object.entries(assignment).filter((e): e is [string, string] => e[1] !== null));
}
