import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/ingest/csv.js';

const read = (text: string) => [...readCsv(text)];

describe('readCsv', () => {
  it('splits plain records on commas and either line ending', () => {
    expect(read('a,b,c\r\n1,2,3\n4,,6\n')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
      { line: 3, fields: ['4', '', '6'] },
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields, and counts lines', () => {
    const records = read('id,overview\n1,"A town, a ""curse""\nand a lake"\n2,"x"\n');
    expect(records).toEqual([
      { line: 1, fields: ['id', 'overview'] },
      { line: 2, fields: ['1', 'A town, a "curse"\nand a lake'] },
      { line: 4, fields: ['2', 'x'] },
    ]);
  });

  it('skips blank lines, a byte-order mark and a missing final line break', () => {
    expect(read('\ufeffa,b\n\n1,2')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', '2'] },
    ]);
  });

  it('flags a record with broken quoting and carries on with the next one', () => {
    const records = read('1,"ok"x,3\n2,ab"c,4\n5,"never closed\n');
    expect(records[0]).toMatchObject({ line: 1, error: expect.stringMatching(/after a closing quote/) });
    expect(records[1]).toMatchObject({
      line: 2,
      error: expect.stringMatching(/quote inside an unquoted field/),
    });
    expect(records[2]).toMatchObject({ line: 3, error: expect.stringMatching(/never closed/) });
  });
});
