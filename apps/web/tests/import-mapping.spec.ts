import { describe, expect, it } from 'vitest';
import { detectDelimiter, previewCsv, readCsvFile, splitRecords } from '../src/features/imports/csv';
import { IMPORT_FIELDS } from '../src/features/imports/fields';
import {
  applySavedMapping,
  autoMap,
  duplicateFields,
  missingRequired,
  normalizeHeader,
  toApiMapping,
  toSavedColumns,
} from '../src/features/imports/mapping';

describe('CSV reading', () => {
  it('detects the delimiter on the header line, quotes included', () => {
    expect(detectDelimiter('Code client;Nom;Ville\nC1;"Dupont, fils";Paris')).toBe(';');
    expect(detectDelimiter('a,b,c\n1,2,3')).toBe(',');
    expect(detectDelimiter('a\tb\n1\t2')).toBe('\t');
    expect(detectDelimiter('"x;y",b,c\n')).toBe(',');
    expect(detectDelimiter('single')).toBe(',');
  });

  it('splits quoted cells, doubled quotes, CRLF and a BOM, skipping blank lines', () => {
    const text = '\ufeffref;name\r\nC1;"Dupont ""&"" fils"\r\n\r\nC2;"Two\nlines"\r\n';
    expect(splitRecords(text, ';')).toEqual([
      ['ref', 'name'],
      ['C1', 'Dupont "&" fils'],
      ['C2', 'Two\nlines'],
    ]);
  });

  it('previews the header, the first rows and the row count', () => {
    const text = ['Code client;Raison sociale', ...Array.from({ length: 8 }, (_, i) => `C${i};Client ${i}`)].join('\n');
    const preview = previewCsv(text);
    expect(preview.delimiter).toBe(';');
    expect(preview.header).toEqual(['Code client', 'Raison sociale']);
    expect(preview.rows).toHaveLength(5);
    expect(preview.rowCount).toBe(8);
  });

  it('reads UTF-8 files and falls back on Windows-1252 (Excel in France)', async () => {
    const utf8 = new Blob([new TextEncoder().encode('Échéance;Montant\n')]);
    expect(await readCsvFile(utf8)).toBe('Échéance;Montant\n');
    const cp1252 = new Blob([new Uint8Array([0xc9, 0x63, 0x68, 0xe9, 0x61, 0x6e, 0x63, 0x65])]);
    expect(await readCsvFile(cp1252)).toBe('Échéance');
  });
});

describe('autoMap', () => {
  it('matches the API field names whatever the case or separators', () => {
    expect(normalizeHeader("Date d'échéance")).toBe('datedecheance');
    const map = autoMap(['externalRef', 'NAME', 'billing_address_city', 'Segment'], IMPORT_FIELDS.customers);
    expect(map).toEqual({
      externalRef: 'externalRef',
      NAME: 'name',
      billing_address_city: 'billingAddress.city',
      Segment: 'segment',
    });
  });

  it('recognises the usual French ERP headers of an invoice export', () => {
    const header = ['N° facture', 'Code client', 'Date facture', "Date d'échéance", 'Montant TTC', 'Devise', 'Commentaire'];
    const map = autoMap(header, IMPORT_FIELDS.invoices);
    expect(map).toEqual({
      'N° facture': 'number',
      'Code client': 'customerRef',
      'Date facture': 'issueDate',
      "Date d'échéance": 'dueDate',
      'Montant TTC': 'amount',
      Devise: 'currency',
      Commentaire: null,
    });
    // externalRef has no column: required, so the screen asks for it.
    expect(missingRequired(map, IMPORT_FIELDS.invoices)).toEqual(['externalRef']);
  });

  it('gives a field to one column only, exact field names first', () => {
    const map = autoMap(['Nom', 'name'], IMPORT_FIELDS.customers);
    expect(map).toEqual({ Nom: null, name: 'name' });
  });
});

describe('mapping sent to the API', () => {
  it('sends only renamed columns, and renames an ignored column that carries a field name', () => {
    const assignment = { 'Code client': 'externalRef', name: 'name', segment: null, Commentaire: null };
    expect(toApiMapping(assignment, IMPORT_FIELDS.customers)).toEqual({ 'Code client': 'externalRef', segment: '_ignored_3' });
    expect(toSavedColumns(assignment)).toEqual({ 'Code client': 'externalRef', name: 'name' });
  });

  it('applies a saved mapping, then proposes fields for the columns it does not name', () => {
    const saved = { 'Cpte tiers': 'externalRef', 'Raison soc.': 'name', Old: 'notAField' };
    const map = applySavedMapping(['Cpte tiers', 'Raison soc.', 'Ville', 'Old'], saved, IMPORT_FIELDS.customers);
    expect(map).toEqual({ 'Cpte tiers': 'externalRef', 'Raison soc.': 'name', Ville: 'billingAddress.city', Old: null });
  });

  it('reports fields fed by two columns', () => {
    expect(duplicateFields({ a: 'name', b: 'name', c: 'segment', d: null })).toEqual(['name']);
  });
});
