import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../config/logger.js';
import { BATCH_SIZE, type MovieInput, type Stores } from '../persistence/index.js';
import { type CsvRecord, readCsv } from './csv.js';
import { guardFilmSource } from './source-guard.js';
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

/** R writes a missing value as `NA`; an empty cell means the same. */
const isMissing = (value: string) => {
  const trimmed = value.trim();
  return trimmed === '' || trimmed === 'NA';
};

const optionalText = (max: number) =>
  z
    .string()
    .max(max, { error: `longer than ${max} characters` })
    .transform((value) => (isMissing(value) ? null : value));

type NumberCheck = { what: string; check: (n: number) => boolean };

function parseNumber(value: string, { what, check }: NumberCheck, ctx: z.RefinementCtx): number {
  const parsed = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed) || !check(parsed)) {
    ctx.addIssue({ code: 'custom', message: `expected ${what}, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return parsed;
}

const number = (what: string, check: (n: number) => boolean) =>
  z.string().transform((value, ctx) => parseNumber(value, { what, check }, ctx));

const optionalNumber = (what: string, check: (n: number) => boolean) =>
  z.string().transform((value, ctx) => (isMissing(value) ? null : parseNumber(value, { what, check }, ctx)));

const isWhole = (n: number) => Number.isInteger(n) && n >= 0;
const isId = (n: number) => Number.isInteger(n) && n > 0 && n <= 2_147_483_647;

const isoDate = z.string().transform((value, ctx) => {
  if (isMissing(value)) return null;
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

/** `Horror, Thriller` → ["Horror", "Thriller"]; missing → []. */
const nameList = z.string().transform((value) =>
  isMissing(value)
    ? []
    : value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
);

const rowSchema = z
  .object({
    id: number('a positive whole number', isId),
    title: z
      .string()
      .trim()
      .min(1, { error: 'is empty' })
      .max(500, { error: 'longer than 500 characters' })
      .refine((value) => value !== 'NA', { error: 'is missing (NA)' }),
    original_title: optionalText(500),
    original_language: optionalText(16),
    overview: optionalText(100_000),
    tagline: optionalText(10_000),
    release_date: isoDate,
    poster_path: optionalText(255),
    backdrop_path: optionalText(255),
    popularity: number('a number ≥ 0', (n) => n >= 0),
    vote_count: number('a whole number ≥ 0', isWhole),
    // Without votes there is no rating, so a film with none may leave it missing.
    vote_average: optionalNumber('a number from 0 to 10', (n) => n >= 0 && n <= 10),
    runtime: optionalNumber('a whole number of minutes', isWhole),
    budget: optionalNumber('an amount ≥ 0', (n) => n >= 0),
    revenue: optionalNumber('an amount ≥ 0', (n) => n >= 0),
    status: optionalText(100),
    adult: z.string().transform((value, ctx) => {
      const normalised = value.trim().toLowerCase();
      if (isMissing(value) || normalised === 'false') return false;
      if (normalised === 'true') return true;
      ctx.addIssue({ code: 'custom', message: `expected TRUE or FALSE, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }),
    genre_names: nameList,
    /** The TMDB id of the collection (franchise) the film belongs to. */
    collection: optionalNumber('a positive whole number', isId),
    collection_name: optionalText(500),
  })
  .superRefine((row, ctx) => {
    if (row.vote_average === null && row.vote_count > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['vote_average'],
        message: `expected a number from 0 to 10 for a film with ${row.vote_count} votes, got a missing value`,
      });
    }
  });

/** One film of a `horror_movies.csv` file, every cell checked and typed; missing values are null. */
export type HorrorMoviesRow = z.output<typeof rowSchema>;

export interface ImportOptions {
  /** Films with fewer votes are skipped (counted, not rejected); 0 keeps films nobody voted on. */
  minVotes: number;
  /** Import even when the database holds demo films (their ids collide with real ones). */
  allowMixedSources?: boolean;
}

export interface ImportSummary {
  runId: number;
  file: string;
  /** Data rows read (the header excluded). */
  rows: number;
  imported: number;
  /** Good rows left out for having fewer votes than the minimum. */
  skipped: number;
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

type Rejection = ImportSummary['rejected'][number];
type RowResult = { row: HorrorMoviesRow } | { reason: string };

/** The header's column names, after checking that every required column is there. */
function readHeader(file: string, header: CsvRecord | undefined): string[] {
  if (!header) throw new CsvFormatError(`${file} is empty: expected a header row naming the columns`);
  const columns = header.fields.map((name) => name.trim());
  const missing = REQUIRED_COLUMNS.filter((name) => !columns.includes(name));
  if (missing.length > 0) {
    throw new CsvFormatError(
      `${file} lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: expected the horror_movies.csv header (${HORROR_MOVIES_COLUMNS.join(',')})`,
    );
  }
  return columns;
}

const KNOWN_COLUMNS = new Set<string>(HORROR_MOVIES_COLUMNS);

function parseRecord(record: CsvRecord, columns: readonly string[]): RowResult {
  if (record.error) return { reason: record.error };
  if (record.fields.length !== columns.length) {
    return { reason: `expected ${columns.length} fields, found ${record.fields.length}` };
  }
  // Optional columns absent from the file read as empty, like an empty cell.
  const values: Record<string, string> = Object.fromEntries(HORROR_MOVIES_COLUMNS.map((name) => [name, '']));
  columns.forEach((name, index) => {
    if (KNOWN_COLUMNS.has(name)) values[name] = record.fields[index];
  });
  const parsed = rowSchema.safeParse(values);
  if (parsed.success) return { row: parsed.data };
  const issue = parsed.error.issues[0];
  return { reason: `${issue.path.join('.') || 'row'}: ${issue.message}` };
}

function toMovie(row: HorrorMoviesRow): MovieInput {
  return {
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
    tagline: row.tagline,
    status: row.status,
    // TMDB's extract writes 0 for an amount nobody entered.
    budget: row.budget || null,
    revenue: row.revenue || null,
    // A collection is stored under its name; an id without one cannot be shown.
    ...(row.collection && row.collection_name
      ? { collection: { id: row.collection, name: row.collection_name } }
      : {}),
  };
}

interface Written {
  inserted: number;
  updated: number;
  snapshots: number;
}

/** Upserts one batch of films with a snapshot each, in its own transaction. */
async function writeBatch(
  stores: Stores,
  runId: number,
  films: readonly MovieInput[],
  at: string,
): Promise<Written> {
  return stores.transaction(async (trx) => {
    const upserted = await trx.films.upsert(films, at);
    const snapshots = await trx.films.insertSnapshots(
      films.map((film) => ({
        tmdb_id: film.tmdb_id,
        ingest_run_id: runId,
        snapshot_ts: at,
        popularity: film.popularity,
        vote_count: film.vote_count,
        vote_average: film.vote_average,
      })),
    );
    return { ...upserted, snapshots };
  });
}

/**
 * Loads a `horror_movies.csv` file, streaming it so memory stays bounded: every row is checked on
 * its own; good rows are upserted in batches (a snapshot each, on an `ingest_runs` row of source
 * `import`), rows with fewer votes than the minimum are counted as skipped, and bad rows are
 * returned with their line number, the column and the value that is wrong.
 */
export async function importCsv(
  deps: ImportDeps,
  file: string,
  options: ImportOptions,
): Promise<ImportSummary> {
  const started = performance.now();
  const now = deps.now ?? (() => new Date());
  const records = readCsv(createReadStream(file));
  try {
    const columns = readHeader(file, (await records.next()).value ?? undefined);
    await guardFilmSource(deps.stores, 'import', { allowMixed: options.allowMixedSources, now });
    return await importRecords(deps, { file, columns, records, minVotes: options.minVotes, started, now });
  } finally {
    await records.return(undefined);
  }
}

interface ImportInput {
  file: string;
  columns: readonly string[];
  records: AsyncIterable<CsvRecord>;
  minVotes: number;
  started: number;
  now: () => Date;
}

async function importRecords(deps: ImportDeps, input: ImportInput): Promise<ImportSummary> {
  const { file, columns, now } = input;
  const startedAt = now().toISOString();
  const runId = await deps.stores.collectionRuns.start({ source: 'import', startedAt });
  const sourceFile = basename(file);
  const rejected: Rejection[] = [];
  const lineOf = new Map<number, number>();
  const written: Written = { inserted: 0, updated: 0, snapshots: 0 };
  let batch: MovieInput[] = [];
  let rows = 0;
  let imported = 0;
  let skipped = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await writeBatch(deps.stores, runId, batch, startedAt);
    written.inserted += result.inserted;
    written.updated += result.updated;
    written.snapshots += result.snapshots;
    batch = [];
  };
  try {
    for await (const record of input.records) {
      rows += 1;
      const result = parseRecord(record, columns);
      if ('reason' in result) {
        rejected.push({ line: record.line, reason: result.reason });
        continue;
      }
      const { row } = result;
      const earlier = lineOf.get(row.id);
      if (earlier !== undefined) {
        rejected.push({ line: record.line, reason: `id ${row.id} already appears on line ${earlier}` });
        continue;
      }
      lineOf.set(row.id, record.line);
      if (row.vote_count < input.minVotes) {
        skipped += 1;
        continue;
      }
      batch.push(toMovie(row));
      imported += 1;
      if (batch.length >= BATCH_SIZE) await flush();
    }
    await flush();
  } catch (error) {
    await deps.stores.collectionRuns.update(runId, {
      finished_at: now().toISOString(),
      status: 'failed',
      source_file: sourceFile,
      new_films: written.inserted,
      updated_films: written.updated,
      snapshots: written.snapshots,
      error: (error as Error).message,
    });
    throw error;
  }
  const failures: IngestFailure[] = rejected.map(({ line, reason }) => ({
    reason: `line ${line}: ${reason}`,
  }));
  await deps.stores.collectionRuns.update(runId, {
    finished_at: now().toISOString(),
    status: rejected.length ? 'partial' : 'succeeded',
    source_file: sourceFile,
    new_films: written.inserted,
    updated_films: written.updated,
    snapshots: written.snapshots,
    skipped,
    failure_count: rejected.length,
    failures: failures.length ? JSON.stringify(failures.slice(0, 500)) : null,
  });
  deps.logger.info(
    { runId, file, rows, imported, skipped, rejected: rejected.length },
    'CSV import finished',
  );
  return {
    runId,
    file,
    rows,
    imported,
    skipped,
    newFilms: written.inserted,
    updatedFilms: written.updated,
    snapshots: written.snapshots,
    rejected,
    seconds: Math.round(performance.now() - input.started) / 1000,
  };
}
