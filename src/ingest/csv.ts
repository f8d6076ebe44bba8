import type { Readable } from 'node:stream';
import { type CsvError, type InfoRecord, type Options, parse } from 'csv-parse';

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

function toRecord({ record: fields, raw }: ParsedRecord, info: InfoRecord): CsvRecord {
  // `info.lines` is the line the record ends on; line breaks inside quoted fields move its start up.
  const line = info.lines - fields.reduce((breaks, value) => breaks + countLineBreaks(value), 0);
  const error = quotingError(raw);
  return error ? { line, fields, error } : { line, fields };
}

/**
 * Reads an RFC 4180 file as a stream (comma-separated, fields optionally in double quotes, `""` for
 * a quote inside quotes, CRLF, LF or CR between records, a UTF-8 byte-order mark ignored, blank
 * lines skipped), one record at a time so a large file never sits in memory whole. A quoting
 * mistake spoils only its own record, which is returned with an error so the caller can report it
 * by line and go on; csv-parse is told to relax quotes so it keeps going, and the raw text of each
 * record is checked here instead. A quote left open swallows the rest of the file: it comes back
 * as one last record with an error.
 */
export async function* readCsv(input: Readable): AsyncGenerator<CsvRecord> {
  let unclosed: CsvRecord | undefined;
  // The line the last record ended on, as the parser sees it (ahead of what has been consumed).
  let lastLine = 0;
  const options: Options<CsvRecord, ParsedRecord> = {
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    raw: true,
    skip_records_with_error: true,
    on_record: (parsed, info) => {
      lastLine = info.lines;
      return toRecord(parsed, info);
    },
    on_skip: (error: CsvError | undefined) => {
      if (error?.code === 'CSV_QUOTE_NOT_CLOSED') {
        unclosed = { line: lastLine + 1, fields: [], error: 'a quoted field is never closed' };
      }
    },
  };
  // csv-parse types `on_record` as returning its input type only when `columns` is set; without
  // columns it still pushes whatever `on_record` returns.
  const parser = input.pipe(parse(options as unknown as Options));
  input.on('error', (error) => parser.destroy(error));
  yield* parser as AsyncIterable<CsvRecord>;
  if (unclosed) yield unclosed;
}
