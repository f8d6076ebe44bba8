import { stringify } from 'csv-stringify';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A CSV cell: lists are joined with "; ", null stays an empty cell. */
export type CsvValue = string | number | boolean | null | undefined | readonly string[];

/** `?format=` decides when given; otherwise an Accept header that names text/csv asks for CSV. */
export function wantsCsv(request: FastifyRequest, format: 'json' | 'csv' | undefined): boolean {
  if (format) return format === 'csv';
  return /\btext\/csv\b/i.test(request.headers.accept ?? '');
}

function cell(value: CsvValue): string | number | boolean | null {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.join('; ');
  return value as string | number | boolean | null;
}

/**
 * Streams rows as an RFC 4180 file (header row, CRLF line ends, quotes where needed) for download
 * under `filename`; `columns` fixes the order and the header.
 */
export function sendCsv<Row extends Record<string, CsvValue>>(
  reply: FastifyReply,
  filename: string,
  columns: ReadonlyArray<keyof Row & string>,
  rows: readonly Row[],
): FastifyReply {
  const records = rows.map((row) => columns.map((column) => cell(row[column])));
  const stream = stringify(records, {
    header: true,
    columns: [...columns],
    record_delimiter: 'windows',
    cast: { boolean: (value) => (value ? 'true' : 'false') },
  });
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(stream);
}
