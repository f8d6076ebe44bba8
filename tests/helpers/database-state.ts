import type { DatabaseHandle } from '../../src/persistence/index.js';

/**
 * Test-only reads and writes the stores deliberately do not offer (emptying tables, checking an
 * invariant across every row, breaking stored data on purpose). They stay here so that test files
 * themselves call the stores and nothing else.
 */

/** Removes every film, snapshot and collection run. */
export async function emptyCollectionTables({ db }: DatabaseHandle): Promise<void> {
  await db.deleteFrom('movie_snapshots').execute();
  await db.deleteFrom('movies').execute();
  await db.deleteFrom('ingest_runs').execute();
  await db.deleteFrom('database_facts').execute();
}

/** Snapshots stored per collection run. */
export async function snapshotsPerRun({ db }: DatabaseHandle): Promise<Map<number | null, number>> {
  const rows = await db
    .selectFrom('movie_snapshots')
    .select(['ingest_run_id', (eb) => eb.fn.countAll().as('n')])
    .groupBy('ingest_run_id')
    .execute();
  return new Map(rows.map((row) => [row.ingest_run_id, Number(row.n)]));
}

/** The most snapshots any film has within one run: 1 when nothing was duplicated. */
export async function mostSnapshotsOfOneFilmInOneRun({ db }: DatabaseHandle): Promise<number> {
  const row = await db
    .selectFrom('movie_snapshots')
    .select(['tmdb_id', 'ingest_run_id', (eb) => eb.fn.countAll().as('n')])
    .groupBy(['tmdb_id', 'ingest_run_id'])
    .orderBy('n', 'desc')
    .limit(1)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Deletes the stored models of a run, as if they had been lost. */
export async function deleteStoredModels({ db }: DatabaseHandle, trainRunId: number): Promise<void> {
  await db.deleteFrom('model_artifacts').where('train_run_id', '=', trainRunId).execute();
}

/** Overrides one film's linear popularity prediction in a run. */
export async function setPredictedPopularity(
  { db }: DatabaseHandle,
  trainRunId: number,
  tmdbId: number,
  popularity: number,
): Promise<void> {
  await db
    .updateTable('model_predictions')
    .set({ predicted_popularity: popularity })
    .where('train_run_id', '=', trainRunId)
    .where('tmdb_id', '=', tmdbId)
    .execute();
}

/** Renames the films table away, so that every read of films fails as a broken database would. */
export async function loseFilmsTable({ db }: DatabaseHandle): Promise<void> {
  await db.schema.alterTable('movies').renameTo('movies_gone').execute();
}
