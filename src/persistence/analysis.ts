import type { Kysely, Selectable } from 'kysely';
import type { ClassificationResultsTable, ClusterProfilesTable, Database, MovieSnapshot } from './schema.js';

/**
 * Read-side queries behind the API and the dashboard: the results of one training run, joined to
 * the film titles. Every query takes the run id, so callers decide which run they show.
 */

export interface LinearPredictionRow {
  tmdb_id: number;
  title: string;
  model_name: string;
  predicted_popularity: number;
  actual_popularity: number;
  predicted_vote_average: number;
  actual_vote_average: number;
  mae_popularity: number;
  mae_vote_average: number;
}

/** A run's linear predictions joined with their films' titles. */
function linearPredictionsOf(db: Kysely<Database>, trainRunId: number) {
  return db
    .selectFrom('model_predictions as p')
    .innerJoin('movies as m', 'm.tmdb_id', 'p.tmdb_id')
    .select([
      'p.tmdb_id',
      'm.title',
      'p.model_name',
      'p.predicted_popularity',
      'p.actual_popularity',
      'p.predicted_vote_average',
      'p.actual_vote_average',
      'p.mae_popularity',
      'p.mae_vote_average',
    ])
    .where('p.train_run_id', '=', trainRunId);
}

/** The run's linear predictions, highest predicted popularity first. */
export async function topLinearPredictions(
  db: Kysely<Database>,
  trainRunId: number,
  limit: number,
): Promise<LinearPredictionRow[]> {
  return linearPredictionsOf(db, trainRunId)
    .orderBy('p.predicted_popularity', 'desc')
    .orderBy('p.tmdb_id', 'asc')
    .limit(limit)
    .execute();
}

/** The linear prediction of one film in one run, if the run predicted it. */
export async function linearPredictionOf(
  db: Kysely<Database>,
  trainRunId: number,
  tmdbId: number,
): Promise<LinearPredictionRow | undefined> {
  return linearPredictionsOf(db, trainRunId).where('p.tmdb_id', '=', tmdbId).limit(1).executeTakeFirst();
}

export interface FeatureImportanceRow {
  feature: string;
  importance: number;
  rank: number;
}

export async function featureImportances(
  db: Kysely<Database>,
  trainRunId: number,
  limit: number,
): Promise<FeatureImportanceRow[]> {
  return db
    .selectFrom('feature_importances')
    .select(['feature', 'importance', 'rank'])
    .where('train_run_id', '=', trainRunId)
    .orderBy('rank', 'asc')
    .limit(limit)
    .execute();
}

export type PredictionSet = 'test' | 'train' | 'all';

export interface RegressionPredictionRow {
  tmdb_id: number;
  title: string;
  actual_popularity: number;
  predicted_popularity: number;
  in_test_set: number;
}

/** Random-forest popularity predictions, in film order so that pages are stable. */
export async function regressionPredictions(
  db: Kysely<Database>,
  trainRunId: number,
  options: { set: PredictionSet; limit: number; offset: number },
): Promise<{ total: number; rows: RegressionPredictionRow[] }> {
  let filtered = db.selectFrom('regression_predictions as r').where('r.train_run_id', '=', trainRunId);
  if (options.set !== 'all') filtered = filtered.where('r.in_test_set', '=', options.set === 'test' ? 1 : 0);
  const [count, rows] = await Promise.all([
    filtered.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    filtered
      .innerJoin('movies as m', 'm.tmdb_id', 'r.tmdb_id')
      .select(['r.tmdb_id', 'm.title', 'r.actual_popularity', 'r.predicted_popularity', 'r.in_test_set'])
      .orderBy('r.tmdb_id', 'asc')
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
  ]);
  return { total: Number(count.n), rows };
}

export type ClassificationRow = Omit<Selectable<ClassificationResultsTable>, 'train_run_id'>;

export async function classificationResult(
  db: Kysely<Database>,
  trainRunId: number,
): Promise<ClassificationRow | undefined> {
  return db
    .selectFrom('classification_results')
    .select([
      'threshold',
      'accuracy',
      'auc',
      'true_negatives',
      'false_positives',
      'false_negatives',
      'true_positives',
      'roc_curve',
    ])
    .where('train_run_id', '=', trainRunId)
    .executeTakeFirst();
}

export interface ClusterPointRow {
  tmdb_id: number;
  title: string;
  cluster: number;
  pc1: number;
  pc2: number;
}

export async function clusterPoints(
  db: Kysely<Database>,
  trainRunId: number,
  options: { limit: number; offset: number },
): Promise<{ total: number; rows: ClusterPointRow[] }> {
  const base = db.selectFrom('cluster_points as c').where('c.train_run_id', '=', trainRunId);
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    base
      .innerJoin('movies as m', 'm.tmdb_id', 'c.tmdb_id')
      .select(['c.tmdb_id', 'm.title', 'c.cluster', 'c.pc1', 'c.pc2'])
      .orderBy('c.tmdb_id', 'asc')
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
  ]);
  return { total: Number(count.n), rows };
}

export type ClusterProfileRow = Omit<Selectable<ClusterProfilesTable>, 'train_run_id'>;

export async function clusterProfiles(
  db: Kysely<Database>,
  trainRunId: number,
): Promise<ClusterProfileRow[]> {
  return db
    .selectFrom('cluster_profiles')
    .select(['cluster', 'film_count', 'avg_popularity', 'avg_vote_average', 'avg_runtime', 'avg_vote_count'])
    .where('train_run_id', '=', trainRunId)
    .orderBy('cluster', 'asc')
    .execute();
}

/** The newest snapshots of a film, returned oldest first (the order a trend is drawn in). */
export async function recentSnapshots(
  db: Kysely<Database>,
  tmdbId: number,
  limit: number,
): Promise<MovieSnapshot[]> {
  const rows = await db
    .selectFrom('movie_snapshots')
    .selectAll()
    .where('tmdb_id', '=', tmdbId)
    .orderBy('snapshot_ts', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
}

/** The newest successful collection: where the data on screen came from. */
export async function latestSucceededIngestSource(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db
    .selectFrom('ingest_runs')
    .select('source')
    .where('status', 'in', ['succeeded', 'partial'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.source;
}
