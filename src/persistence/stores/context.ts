import type { Insertable, Kysely } from 'kysely';
import type { DialectCapabilities } from '../connection.js';
import type { Database, Timestamp } from '../schema.js';

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

/** The oldest moment a working run's heartbeat may show; anything older belongs to a dead process. */
export function staleBefore(now: Timestamp, staleAfterMs: number): Timestamp {
  return new Date(Date.parse(now) - staleAfterMs).toISOString();
}

/** Writes a run's heartbeat: "still working at `at`". */
export async function beat(
  context: StoreContext,
  table: 'ingest_runs' | 'train_runs',
  id: number,
  at: Timestamp,
): Promise<void> {
  await context.db
    .updateTable(table as 'ingest_runs')
    .set({ heartbeat_at: at })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

/**
 * Marks `running` rows whose heartbeat (or start, before the first beat) is older than the
 * threshold as `interrupted`: their process is gone, whatever ended it. A live run keeps beating,
 * so another run starting never settles it. Returns how many rows were settled.
 */
export async function settleStaleRuns(
  context: StoreContext,
  table: 'ingest_runs' | 'train_runs',
  now: Timestamp,
  staleAfterMs: number,
): Promise<number> {
  const cutoff = staleBefore(now, staleAfterMs);
  const result = await context.db
    .updateTable(table as 'ingest_runs')
    .set((eb) => ({
      status: 'interrupted',
      finished_at: eb.fn.coalesce('heartbeat_at', 'started_at'),
      error: 'interrupted: its process stopped sending heartbeats before the run finished',
    }))
    .where('status', '=', 'running')
    .where((eb) =>
      eb.or([
        eb('heartbeat_at', '<', cutoff),
        eb.and([eb('heartbeat_at', 'is', null), eb('started_at', '<', cutoff)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
