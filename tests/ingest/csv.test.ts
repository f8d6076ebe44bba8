import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type CsvRecord, readCsv } from '../../src/ingest/csv.js';

async function read(text: string, chunkSize = text.length || 1): Promise<CsvRecord[]> {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += chunkSize) chunks.push(text.slice(i, i + chunkSize));
  const records: CsvRecord[] = [];
  for await (const record of readCsv(Readable.from(chunks))) records.push(record);
  return records;
}

describe('readCsv', () => {
  it('splits plain records on commas and either line ending', async () => {
    expect(await read('a,b,c\r\n1,2,3\n4,,6\n')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
      { line: 3, fields: ['4', '', '6'] },
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields, and counts lines', async () => {
    const records = await read('id,overview\n1,"A town, a ""curse""\nand a lake"\n2,"x"\n');
    expect(records).toEqual([
      { line: 1, fields: ['id', 'overview'] },
      { line: 2, fields: ['1', 'A town, a "curse"\nand a lake'] },
      { line: 4, fields: ['2', 'x'] },
    ]);
  });

  it('counts a CRLF inside a quoted field as one line', async () => {
    const records = await read('id,overview\r\n1,"two\r\nlines"\r\n2,"three\r\nmore\r\nlines"\r\n3,x\r\n');
    expect(records.map((record) => record.line)).toEqual([1, 2, 4, 7]);
  });

  it('reads the same records when the file arrives in small chunks', async () => {
    const text = 'id,overview\n1,"A town, a ""curse""\r\nand a lake"\n2,"x"\n';
    expect(await read(text, 3)).toEqual(await read(text));
  });

  it('skips blank lines, a byte-order mark and a missing final line break', async () => {
    expect(await read('\ufeffa,b\n\n1,2')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', '2'] },
    ]);
  });

  it('flags a record with broken quoting and carries on with the next one', async () => {
    const records = await read('1,"ok"x,3\n2,ab"c,4\n4,"fine"\n5,"never closed\n');
    expect(records[0]).toMatchObject({ line: 1, error: expect.stringMatching(/after a closing quote/) });
    expect(records[1]).toMatchObject({
      line: 2,
      error: expect.stringMatching(/quote inside an unquoted field/),
    });
    expect(records[2]).toEqual({ line: 3, fields: ['4', 'fine'] });
    expect(records[3]).toMatchObject({ line: 4, error: expect.stringMatching(/never closed/) });
  });
});
