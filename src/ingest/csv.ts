import type { Readable } from 'node:stream';
import { type CsvError, type Options, parse } from 'csv-parse';

/** One record of a CSV file and the line it starts on (quoted fields may span several lines). */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** Set when the record breaks RFC 4180 quoting; its fields are then unreliable. */
  error?: string;
}

const field = '(?:"(?:[^"]|"")*"|[^",\\r\\n]*)';
/** One RFC 4180 record as it stands in the file, its own line break included. */
const wellQuotedRecord = new RegExp(`^${field}(?:,${field})*(?:\\r\\n|\\n|\\r)?$`);
const quoteAfterTextInField = /(?:^|,)[^",\r\n]+"/;
const lineBreaks = /\r\n|\r|\n/g;

function countLineBreaks(text: string): number {
  return text.match(lineBreaks)?.length ?? 0;
}

/** Why a record's raw text is not RFC 4180, or undefined when its quoting is sound. */
function quotingError(raw: string): string | undefined {
  if (!raw.includes('"')) return undefined;
  const record = raw.replace(/^[\r\n]+/, '');
  if (wellQuotedRecord.test(record)) return undefined;
  return quoteAfterTextInField.test(record)
    ? 'broken quoting: a quote inside an unquoted field'
    : 'broken quoting: unexpected text after a closing quote';
}

/** What csv-parse hands `on_record` when asked for each record's raw text. */
interface ParsedRecord {
  record: string[];
  raw: string;
}

const sum = (values: readonly string[], count: (value: string) => number) =>
  values.reduce((total, value) => total + count(value), 0);
const countCrlf = (text: string) => text.split('\r\n').length - 1;

/**
 * Turns csv-parse's line count into the file's own line numbers. csv-parse reports the line a
 * record ends on, but counts a CRLF inside a quoted field as two lines: the lines it over-counted
 * so far are taken off, then the line breaks inside the record's fields give the line it starts on.
 */
function lineCounter() {
  let overCounted = 0;
  let lastLine = 0;
  return {
    /** The line a record starts on, given csv-parse's count at its end. */
    startOf(fields: readonly string[], parserLines: number): number {
      overCounted += sum(fields, countCrlf);
      lastLine = parserLines - overCounted;
      return lastLine - sum(fields, countLineBreaks);
    },
    /** The line after the last record read. */
    next(): number {
      return lastLine + 1;
    },
  };
}

/**
 * Reads an RFC 4180 file as a stream (comma-separated, fields optionally in double quotes, `""` for
 * a quote inside quotes, CRLF, LF or CR between records, a UTF-8 byte-order mark ignored, blank
 * lines skipped), one record at a time so a large file never sits in memory whole. A quoting
 * mistake spoils only its own record, which is returned with an error so the caller can report it
 * by line and go on; csv-parse is told to relax quotes so it keeps going, and the raw text of each
 * record is checked here instead. A quote left open swallows the rest of the file: it comes back
 * as a record with an error after the others, as does any other record csv-parse has to skip.
 */
export async function* readCsv(input: Readable): AsyncGenerator<CsvRecord> {
  const skipped: CsvRecord[] = [];
  // Counts as the parser reads, which is ahead of what has been consumed.
  const lines = lineCounter();
  const options: Options<CsvRecord, ParsedRecord> = {
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    raw: true,
    skip_records_with_error: true,
    on_record: ({ record: fields, raw }, info) => {
      const line = lines.startOf(fields, info.lines);
      const error = quotingError(raw);
      return error ? { line, fields, error } : { line, fields };
    },
    on_skip: (error: CsvError | undefined) => {
      skipped.push(
        error?.code === 'CSV_QUOTE_NOT_CLOSED'
          ? { line: lines.next(), fields: [], error: 'a quoted field is never closed' }
          : { line: Number(error?.lines) || lines.next(), fields: [], error: error?.message ?? 'unreadable' },
      );
    },
  };
  // csv-parse types `on_record` as returning its input type only when `columns` is set; without
  // columns it still pushes whatever `on_record` returns.
  const parser = input.pipe(parse(options as unknown as Options));
  input.on('error', (error) => parser.destroy(error));
  yield* parser as AsyncIterable<CsvRecord>;
  yield* skipped;
}
