import type { Kysely } from 'kysely';
import type { Database, IngestRun, Timestamp } from '../persistence/index.js';

/** When each of these films last had its details fetched (null: never); absent ids are new films. */
export async function detailsFetchedAt(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<Map<number, Timestamp | null>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('movies')
    .select(['tmdb_id', 'details_fetched_at'])
    .where('tmdb_id', 'in', [...ids])
    .execute();
  return new Map(rows.map((row) => [row.tmdb_id, row.details_fetched_at]));
}

/**
 * The run a resumed job left unfinished: its worker died (still `running`) or stopped and
 * checkpointed (`failed`, cancelled). Continuing it keeps one snapshot per film for that collection.
 */
export async function resumableRun(db: Kysely<Database>, jobId: string): Promise<IngestRun | undefined> {
  return db
    .selectFrom('ingest_runs')
    .selectAll()
    .where('job_id', '=', jobId)
    .where('status', 'in', ['running', 'failed'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Runs still marked `running` when a new one starts were cut short (killed, crashed, host lost):
 * their rows would otherwise claim to be running forever. Should one of them in fact still be
 * going, its own final update puts its status right.
 */
export async function closeInterruptedRuns(
  db: Kysely<Database>,
  currentRunId: number,
  now: Timestamp,
): Promise<number> {
  const result = await db
    .updateTable('ingest_runs')
    .set({
      status: 'failed',
      finished_at: now,
      error: `interrupted before it finished; run ${currentRunId} collects what it missed`,
    })
    .where('status', '=', 'running')
    .where('id', '<', currentRunId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
