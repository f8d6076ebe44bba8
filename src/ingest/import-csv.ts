import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Logger } from '../config/logger.js';
import type { MovieInput, Stores } from '../persistence/index.js';
import { readCsv } from './csv.js';
import type { IngestFailure } from './types.js';

/** Columns of the TidyTuesday / Kaggle `horror_movies.csv`. */
export const HORROR_MOVIES_COLUMNS = [
  'id',
  'original_title',
  'title',
  'original_language',
  'overview',
  'tagline',
  'release_date',
  'poster_path',
  'popularity',
  'vote_count',
  'vote_average',
  'budget',
  'revenue',
  'runtime',
  'status',
  'adult',
  'backdrop_path',
  'genre_names',
  'collection',
  'collection_name',
] as const;

/** Without these a row is no use to Horrorcast; the other columns may be absent from the file. */
const REQUIRED_COLUMNS = ['id', 'title', 'release_date', 'popularity', 'vote_count', 'vote_average'] as const;

const optionalText = (max: number) =>
  z
    .string()
    .max(max, { error: `longer than ${max} characters` })
    .transform((value) => (value.trim() === '' ? null : value));

const number = (what: string, check: (n: number) => boolean) =>
  z.string().transform((value, ctx) => {
    const parsed = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(parsed) || !check(parsed)) {
      ctx.addIssue({ code: 'custom', message: `expected ${what}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return parsed;
  });

const optional = <T extends z.ZodType<number, string>>(schema: T) =>
  z.union([z.literal('').transform(() => null), schema]);

const isoDate = z.string().transform((value, ctx) => {
  if (value.trim() === '') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const date = match
    ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
    : undefined;
  if (!date || date.toISOString().slice(0, 10) !== value.trim()) {
    ctx.addIssue({ code: 'custom', message: `expected a date as YYYY-MM-DD, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return value.trim();
});

const rowSchema = z.object({
  id: number('a positive whole number', (n) => Number.isInteger(n) && n > 0 && n <= 2_147_483_647),
  title: z.string().trim().min(1, { error: 'is empty' }).max(500, { error: 'longer than 500 characters' }),
  original_title: optionalText(500),
  original_language: optionalText(16),
  overview: optionalText(100_000),
  release_date: isoDate,
  poster_path: optionalText(255),
  backdrop_path: optionalText(255),
  popularity: number('a number ≥ 0', (n) => n >= 0),
  vote_count: number('a whole number ≥ 0', (n) => Number.isInteger(n) && n >= 0),
  vote_average: number('a number from 0 to 10', (n) => n >= 0 && n <= 10),
  runtime: optional(number('a whole number of minutes ≥ 0', (n) => Number.isInteger(n) && n >= 0)),
  budget: optional(number('an amount ≥ 0', (n) => n >= 0)),
  revenue: optional(number('an amount ≥ 0', (n) => n >= 0)),
  adult: z.string().transform((value, ctx) => {
    const normalised = value.trim().toLowerCase();
    if (normalised === '' || normalised === 'false') return false;
    if (normalised === 'true') return true;
    ctx.addIssue({ code: 'custom', message: `expected TRUE or FALSE, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }),
  genre_names: z.string().transform((value) =>
    value
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  ),
});

export interface ImportSummary {
  runId: number;
  file: string;
  /** Data rows read (the header excluded). */
  rows: number;
  imported: number;
  newFilms: number;
  updatedFilms: number;
  snapshots: number;
  rejected: Array<{ line: number; reason: string }>;
  seconds: number;
}

export class CsvFormatError extends Error {
  override name = 'CsvFormatError';
}

export interface ImportDeps {
  stores: Stores;
  logger: Logger;
  now?: () => Date;
}

/**
 * Loads a `horror_movies.csv` file: every row is checked on its own; good rows are upserted (with
 * a snapshot each, on an `ingest_runs` row of source `csv`) in one transaction, bad rows are
 * returned with their line number and what is wrong with them.
 */
export async function importCsv(deps: ImportDeps, file: string): Promise<ImportSummary> {
  const started = performance.now();
  const now = deps.now ?? (() => new Date());
  const text = await readFile(file, 'utf8');
  const records = readCsv(text);
  const header = records.next();
  if (header.done) throw new CsvFormatError(`${file} is empty: expected a header row naming the columns`);
  const columns = header.value.fields.map((name) => name.trim());
  const missing = REQUIRED_COLUMNS.filter((name) => !columns.includes(name));
  if (missing.length > 0) {
    throw new CsvFormatError(
      `${file} lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: expected the horror_movies.csv header (${HORROR_MOVIES_COLUMNS.join(',')})`,
    );
  }
  const known = new Set<string>(HORROR_MOVIES_COLUMNS);
  const rejected: ImportSummary['rejected'] = [];
  const films: MovieInput[] = [];
  const lineOf = new Map<number, number>();
  let rows = 0;
  for (const record of records) {
    rows += 1;
    const reject = (reason: string) => rejected.push({ line: record.line, reason });
    if (record.error) {
      reject(record.error);
      continue;
    }
    if (record.fields.length !== columns.length) {
      reject(`expected ${columns.length} fields, found ${record.fields.length}`);
      continue;
    }
    // Optional columns absent from the file read as empty, like an empty cell.
    const values: Record<string, string> = Object.fromEntries(
      HORROR_MOVIES_COLUMNS.map((name) => [name, '']),
    );
    columns.forEach((name, index) => {
      if (known.has(name)) values[name] = record.fields[index];
    });
    const parsed = rowSchema.safeParse(values);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      reject(`${issue.path.join('.') || 'row'}: ${issue.message}`);
      continue;
    }
    const row = parsed.data;
    const earlier = lineOf.get(row.id);
    if (earlier !== undefined) {
      reject(`id ${row.id} already appears on line ${earlier}`);
      continue;
    }
    lineOf.set(row.id, record.line);
    films.push({
      tmdb_id: row.id,
      title: row.title,
      original_title: row.original_title,
      overview: row.overview,
      original_language: row.original_language,
      release_date: row.release_date,
      popularity: row.popularity,
      vote_count: row.vote_count,
      vote_average: row.vote_average,
      poster_path: row.poster_path,
      backdrop_path: row.backdrop_path,
      runtime: row.runtime,
      genres: row.genre_names.length ? row.genre_names : null,
    });
  }

  const { stores } = deps;
  const startedAt = now().toISOString();
  const runId = await stores.collectionRuns.start({ source: 'csv', startedAt });
  const failures: IngestFailure[] = rejected.map(({ line, reason }) => ({
    reason: `line ${line}: ${reason}`,
  }));
  const written = await stores.transaction(async (trx) => {
    const upserted = await trx.films.upsert(films, startedAt);
    const snapshots = await trx.films.insertSnapshots(
      films.map((film) => ({
        tmdb_id: film.tmdb_id,
        ingest_run_id: runId,
        snapshot_ts: startedAt,
        popularity: film.popularity,
        vote_count: film.vote_count,
        vote_average: film.vote_average,
      })),
    );
    await trx.collectionRuns.update(runId, {
      finished_at: now().toISOString(),
      status: rejected.length ? 'partial' : 'succeeded',
      new_films: upserted.inserted,
      updated_films: upserted.updated,
      snapshots,
      failure_count: rejected.length,
      failures: failures.length ? JSON.stringify(failures.slice(0, 500)) : null,
    });
    return { ...upserted, snapshots };
  });
  const summary: ImportSummary = {
    runId,
    file,
    rows,
    imported: films.length,
    newFilms: written.inserted,
    updatedFilms: written.updated,
    snapshots: written.snapshots,
    rejected,
    seconds: Math.round(performance.now() - started) / 1000,
  };
  deps.logger.info(
    { runId, file, rows, imported: films.length, rejected: rejected.length },
    'CSV import finished',
  );
  return summary;
}
