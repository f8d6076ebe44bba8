import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Timestamps are ISO-8601 UTC strings (`2026-11-24T06:00:00.000Z`) in every dialect: they sort
 * correctly as text and read back identically from SQLite, MySQL and PostgreSQL drivers.
 * JSON columns hold text written with JSON.stringify.
 */
export type Timestamp = string;

export interface MoviesTable {
  tmdb_id: number;
  imdb_id: string | null;
  title: string;
  original_title: string | null;
  overview: string | null;
  original_language: string | null;
  /** YYYY-MM-DD, or null when TMDB does not know it. */
  release_date: string | null;
  popularity: number;
  vote_count: number;
  /** Null when nobody has voted on the film yet: its rating is unknown (TMDB sends 0). */
  vote_average: number | null;
  runtime: number | null;
  /** JSON array of genre names, e.g. ["Horror","Thriller"]. */
  genres: string | null;
  poster_path: string | null;
  backdrop_path: string | null;
  /** When `/movie/{id}` was last fetched; null until details are known. */
  details_fetched_at: Timestamp | null;
  /** Budget and revenue in US dollars; null when TMDB does not know them (TMDB sends 0). */
  budget: number | null;
  revenue: number | null;
  /** TMDB's release status: Rumored, Planned, In Production, Post Production, Released, Canceled. */
  status: string | null;
  tagline: string | null;
  /** YYYY-MM-DD of the US theatrical release, when TMDB lists one. */
  us_release_date: string | null;
  /** JSON array of ISO 639-1 codes, e.g. ["en","es"]. */
  spoken_languages: string | null;
  /** The franchise (TMDB collection) the film belongs to; null when none. */
  collection_id: number | null;
  /** Which shape of the details answer filled the row (0: before the film facts existed). */
  details_version: ColumnType<number, number | undefined, number>;
  inserted_at: Timestamp;
  updated_at: Timestamp;
}

export interface MovieSnapshotsTable {
  id: Generated<number>;
  tmdb_id: number;
  ingest_run_id: number | null;
  snapshot_ts: Timestamp;
  popularity: number;
  vote_count: number;
  /** Null while the film had no votes. */
  vote_average: number | null;
}

/** `interrupted`: the run's process went silent (its heartbeat grew stale) before the run finished. */
export type IngestStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted';
/** Where a run's films came from: a TMDB or demo collection, or an import of a CSV file. */
export type DataSource = 'tmdb' | 'demo' | 'import';

export interface IngestRunsTable {
  id: Generated<number>;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  status: IngestStatus;
  source: DataSource;
  job_id: string | null;
  year_from: number | null;
  year_to: number | null;
  pages: ColumnType<number, number | undefined, number>;
  api_calls: ColumnType<number, number | undefined, number>;
  new_films: ColumnType<number, number | undefined, number>;
  updated_films: ColumnType<number, number | undefined, number>;
  snapshots: ColumnType<number, number | undefined, number>;
  /** Films that failed; for an import, the rejected rows. */
  failure_count: ColumnType<number, number | undefined, number>;
  /** JSON array of { tmdbId?, year?, page?, reason }. */
  failures: string | null;
  error: string | null;
  /** The file an import read; null for a collection. */
  source_file: string | null;
  /** Films an import left out for having fewer votes than the minimum. */
  skipped: ColumnType<number, number | undefined, number>;
  /** Written while the run works; a running row with an old heartbeat belongs to a dead process. */
  heartbeat_at: Timestamp | null;
}

export type TrainStatus = 'running' | 'succeeded' | 'failed' | 'insufficient_data' | 'interrupted';

export interface TrainRunsTable {
  id: Generated<number>;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  status: TrainStatus;
  job_id: string | null;
  sample_count: ColumnType<number, number | undefined, number>;
  /** JSON object: every metric, single split and cross-validated. */
  metrics: string | null;
  /** JSON object: seconds per model. */
  durations: string | null;
  duration_seconds: number | null;
  error: string | null;
  heartbeat_at: Timestamp | null;
}

export interface ModelArtifactsTable {
  id: Generated<number>;
  train_run_id: number;
  model_name: string;
  format_version: number;
  /** Versioned JSON of the fitted model. */
  payload: string;
}

export interface ModelPredictionsTable {
  id: Generated<number>;
  train_run_id: number;
  pred_ts: Timestamp;
  tmdb_id: number;
  model_name: string;
  predicted_popularity: number;
  actual_popularity: number;
  predicted_vote_average: number;
  actual_vote_average: number;
  mae_popularity: number;
  mae_vote_average: number;
}

export interface FeatureImportancesTable {
  id: Generated<number>;
  train_run_id: number;
  feature: string;
  importance: number;
  rank: number;
}

export interface RegressionPredictionsTable {
  id: Generated<number>;
  train_run_id: number;
  tmdb_id: number;
  actual_popularity: number;
  predicted_popularity: number;
  /** 1 when the film was in the held-out test part, 0 when it was trained on. */
  in_test_set: number;
}

export interface ClassificationResultsTable {
  train_run_id: number;
  /** vote_average median that separates "high rating" from the rest. */
  threshold: number;
  accuracy: number;
  auc: number;
  true_negatives: number;
  false_positives: number;
  false_negatives: number;
  true_positives: number;
  /** JSON object { fpr: number[], tpr: number[], thresholds: number[] }. */
  roc_curve: string;
}

export interface ClusterPointsTable {
  id: Generated<number>;
  train_run_id: number;
  tmdb_id: number;
  cluster: number;
  pc1: number;
  pc2: number;
}

export interface ClusterProfilesTable {
  train_run_id: number;
  cluster: number;
  film_count: number;
  avg_popularity: number;
  avg_vote_average: number;
  avg_runtime: number;
  avg_vote_count: number;
}

export interface CompaniesTable {
  id: number;
  name: string;
  origin_country: string | null;
}

export interface CountriesTable {
  iso_3166_1: string;
  name: string;
}

export interface CollectionsTable {
  id: number;
  name: string;
}

export interface KeywordsTable {
  id: number;
  name: string;
}

export interface MovieCompaniesTable {
  tmdb_id: number;
  company_id: number;
}

export interface MovieCountriesTable {
  tmdb_id: number;
  iso_3166_1: string;
}

export interface MovieKeywordsTable {
  tmdb_id: number;
  keyword_id: number;
}

/**
 * A film's out-of-fold prediction of one model in one run: the model never saw the film.
 * `residual` is actual minus predicted on the model's own scale: log1p for popularity models (so
 * that ranking is by ratio, not by size), points for rating models.
 */
export interface OofPredictionsTable {
  train_run_id: number;
  model_name: string;
  tmdb_id: number;
  actual: number;
  predicted: number;
  /** 80% prediction interval; null for models without one. */
  lower: number | null;
  upper: number | null;
  residual: number;
}

export interface SimilarFilmsTable {
  train_run_id: number;
  tmdb_id: number;
  /** 1 is the nearest. */
  rank: number;
  similar_tmdb_id: number;
  distance: number;
  shared_genres: ColumnType<number, number | undefined, number>;
  shared_keywords: ColumnType<number, number | undefined, number>;
}

/** Facts about the database itself, e.g. `film_source`: demo, tmdb or import. */
export interface DatabaseFactsTable {
  name: string;
  value: string;
  updated_at: Timestamp;
}

export interface Database {
  movies: MoviesTable;
  movie_snapshots: MovieSnapshotsTable;
  ingest_runs: IngestRunsTable;
  train_runs: TrainRunsTable;
  model_artifacts: ModelArtifactsTable;
  model_predictions: ModelPredictionsTable;
  feature_importances: FeatureImportancesTable;
  regression_predictions: RegressionPredictionsTable;
  classification_results: ClassificationResultsTable;
  cluster_points: ClusterPointsTable;
  cluster_profiles: ClusterProfilesTable;
  companies: CompaniesTable;
  countries: CountriesTable;
  collections: CollectionsTable;
  keywords: KeywordsTable;
  movie_companies: MovieCompaniesTable;
  movie_countries: MovieCountriesTable;
  movie_keywords: MovieKeywordsTable;
  oof_predictions: OofPredictionsTable;
  similar_films: SimilarFilmsTable;
  database_facts: DatabaseFactsTable;
}

export type Movie = Selectable<MoviesTable>;
export type NewMovie = Insertable<MoviesTable>;
export type MovieSnapshot = Selectable<MovieSnapshotsTable>;
export type IngestRun = Selectable<IngestRunsTable>;
export type IngestRunUpdate = Updateable<IngestRunsTable>;
export type TrainRun = Selectable<TrainRunsTable>;
export type TrainRunUpdate = Updateable<TrainRunsTable>;
