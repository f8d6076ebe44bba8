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

/** Removes one film and everything that references it. */
export async function deleteFilm({ db }: DatabaseHandle, tmdbId: number): Promise<void> {
  await db.deleteFrom('movies').where('tmdb_id', '=', tmdbId).execute();
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

/** Marks every film's details as stored in an older shape, as a database from before the film facts is. */
export async function setDetailsVersion({ db }: DatabaseHandle, version: number): Promise<void> {
  await db.updateTable('movies').set({ details_version: version }).execute();
}

/** Production companies and keywords of films, as a collection of film facts would store them. */
export async function addFilmFacts(
  { db }: DatabaseHandle,
  facts: {
    companies: Array<{ id: number; name: string; films: number[] }>;
    keywords: Array<{ id: number; name: string; films: number[] }>;
  },
): Promise<void> {
  for (const company of facts.companies) {
    await db
      .insertInto('companies')
      .values({ id: company.id, name: company.name, origin_country: 'US' })
      .execute();
    for (const tmdbId of company.films) {
      await db.insertInto('movie_companies').values({ tmdb_id: tmdbId, company_id: company.id }).execute();
    }
  }
  for (const keyword of facts.keywords) {
    await db.insertInto('keywords').values({ id: keyword.id, name: keyword.name }).execute();
    for (const tmdbId of keyword.films) {
      await db.insertInto('movie_keywords').values({ tmdb_id: tmdbId, keyword_id: keyword.id }).execute();
    }
  }
}
