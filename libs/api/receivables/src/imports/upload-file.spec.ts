import { describe, expect, it } from '@jest/globals';
import { BodyProblem } from './parse-body.js';
import { cellValue, decodeText, excelSerialDate, looksBinary, parseCsvFile, uploadFormatOf } from './upload-file.js';

const file = (name: string, buffer: Buffer, mimetype = 'application/octet-stream') => ({
  originalname: name,
  mimetype,
  size: buffer.length,
  buffer,
});

describe('decodeText', () => {
  it.each([
    ['UTF-8', Buffer.from('Crèmerie Française', 'utf8'), 'Crèmerie Française'],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Garçon', 'utf8')]), 'Garçon'],
    ['Windows-1252 (é è ç)', Buffer.from([0x47, 0x61, 0x72, 0xe7, 0x6f, 0x6e, 0x20, 0xe9, 0xe8]), 'Garçon éè'],
    ['Windows-1252 euro sign and œ', Buffer.from([0x80, 0x20, 0x9c, 0x75, 0x76, 0x72, 0x65]), '€ œuvre'],
    ['UTF-16 LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Ève', 'utf16le')]), 'Ève'],
  ])('%s', (_, bytes, text) => {
    expect(decodeText(bytes)).toBe(text);
  });
});

describe('looksBinary', () => {
  it('accepts CSV text with tabs and CRLF, refuses NUL bytes and control characters', () => {
    expect(looksBinary('a\tb\r\n1\t2\r\n')).toBe(false);
    expect(looksBinary('PK\u0003\u0004\u0000abc')).toBe(true);
    expect(looksBinary('x'.repeat(50) + '\u0001\u0002')).toBe(true);
  });
});

describe('uploadFormatOf', () => {
  it('tells XLSX from CSV by name, type or zip signature, and refuses .xls', () => {
    expect(uploadFormatOf(file('a.XLSX', Buffer.from('x')))).toBe('xlsx');
    expect(uploadFormatOf(file('export', Buffer.from([0x50, 0x4b, 0x03, 0x04])))).toBe('xlsx');
    expect(uploadFormatOf(file('a.csv', Buffer.from('a;b')))).toBe('csv');
    expect(() => uploadFormatOf(file('old.xls', Buffer.from('x')))).toThrow(/old\.xls.*Excel 97-2003/);
  });
});

describe('cellValue', () => {
  it.each([
    [1234.56, 1234.56],
    [0.1 + 0.2, 0.3],
    [new Date(Date.UTC(2026, 1, 28)), '2026-02-28'],
    [{ richText: [{ text: 'Dupont ' }, { text: 'SAS' }] }, 'Dupont SAS'],
    [{ formula: 'B2*2', result: 84 }, 84],
    [{ text: 'site', hyperlink: 'https://example.test' }, 'site'],
    [{ error: '#N/A' }, '#N/A'],
    [null, null],
  ])('%j → %j', (v, expected) => {
    expect(cellValue(v as never)).toEqual(expected);
  });
});

describe('excelSerialDate', () => {
  it.each([
    [25569, '1970-01-01'],
    [46023, '2026-01-01'],
    [46054.75, '2026-02-01'],
  ])('%d → %s', (serial, date) => {
    expect(excelSerialDate(serial)).toBe(date);
  });
});

describe('parseCsvFile', () => {
  it('names the file in a problem', () => {
    expect(() => parseCsvFile(file('x.csv', Buffer.from([0, 1, 2, 3])))).toThrow(BodyProblem);
    expect(() => parseCsvFile(file('x.csv', Buffer.from('onecolumn\n1\n')))).toThrow(/"x\.csv".*single column/);
  });
});
