import { describe, expect, it } from '@jest/globals';
import { BodyProblem, csvRecords, detectDelimiter, parseBody, parseCsv, toCsv } from './parse-body.js';

describe('parseCsv', () => {
  it.each([
    ['a,b\n1,2\n', ','],
    ['a;b\n1;2\n', ';'],
    ['a\tb\n1\t2\n', '\t'],
    ['"x,y";b;c\n', ';'],
  ])('detects the delimiter of %j', (text, d) => {
    expect(detectDelimiter(text)).toBe(d);
  });

  it('handles quotes, doubled quotes, newlines in cells, BOM, CRLF and blank lines', () => {
    expect(csvRecords('\uFEFFa;b\r\n"x;1";"say ""hi""\nthere"\r\n\r\n', ';')).toEqual([
      ['a', 'b'],
      ['x;1', 'say "hi"\nthere'],
    ]);
  });

  it('maps headers to fields and builds nested objects from dotted names', () => {
    expect(
      parseCsv('Code;Nom;billingAddress.city\nC1;Dupont;Paris\nC2;;\n', { mapping: { Code: 'externalRef', Nom: 'name' } }),
    ).toEqual([{ externalRef: 'C1', name: 'Dupont', billingAddress: { city: 'Paris' } }, { externalRef: 'C2' }]);
  });

  it('refuses a wrong delimiter, ragged lines and unterminated quotes', () => {
    expect(() => parseCsv('a,b,c\n1,2,3\n', { delimiter: ';' })).toThrow(/single column/);
    expect(() => parseCsv('a;b\n1;2;3\n')).toThrow(/line 2 has 3 cells/);
    expect(() => parseCsv('a;b\n"1;2\n')).toThrow(BodyProblem);
  });
});

describe('parseBody', () => {
  it('accepts a JSON array and NDJSON, refuses anything else', () => {
    expect(parseBody('json', [{ a: 1 }])).toEqual([{ a: 1 }]);
    expect(() => parseBody('json', { a: 1 })).toThrow(/JSON array/);
    expect(parseBody('ndjson', '{"a":1}\n\n{"a":2}\n')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(() => parseBody('ndjson', '{"a":1}\n{oops')).toThrow(/Line 2/);
  });
});

describe('toCsv', () => {
  it('quotes when needed and defuses formulas', () => {
    const out = toCsv(
      [{ a: 'x,y', b: '=SUM(A1)', c: '-12.50' }],
      [
        { header: 'a', value: (r) => r.a },
        { header: 'b', value: (r) => r.b },
        { header: 'c', value: (r) => r.c },
      ],
    );
    expect(out).toBe('a,b,c\r\n"x,y",\'=SUM(A1),-12.50\r\n');
  });
});
