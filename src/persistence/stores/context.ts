import type { Insertable, Kysely } from 'kysely';
import type { DialectCapabilities } from '../connection.js';
import type { Database } from '../schema.js';

/** What every store is built from: a connection (or an open transaction) and what its dialect can do. */
export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly capabilities: DialectCapabilities;
}

/** Rows per statement: well under every dialect's bound-parameter limit (SQLite 32,766). */
export const BATCH_SIZE = 500;

export function chunk<T>(items: readonly T[], size = BATCH_SIZE): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Inserts a run row and returns its id: RETURNING where the dialect has it, the insert id otherwise. */
export async function insertRun<T extends 'ingest_runs' | 'train_runs'>(
  context: StoreContext,
  table: T,
  values: Insertable<Database[T]>,
): Promise<number> {
  // Kysely cannot relate a generic table name to its row type; the signature above already does.
  const insert = context.db
    .insertInto(table as 'ingest_runs')
    .values(values as Insertable<Database['ingest_runs']>);
  if (context.capabilities.returning) {
    const row = await insert.returning('id').executeTakeFirstOrThrow();
    return row.id;
  }
  const result = await insert.executeTakeFirstOrThrow();
  return Number(result.insertId);
}

export async function countRows(
  context: StoreContext,
  table: 'movies' | 'movie_snapshots' | 'ingest_runs' | 'train_runs',
): Promise<number> {
  const row = await context.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
