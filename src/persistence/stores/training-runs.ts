import type { Insertable, Selectable } from 'kysely';
import { parseTrainingMetrics, type TrainingMetrics } from '../documents/training-metrics.js';
import type {
  ClassificationResultsTable,
  ClusterProfilesTable,
  Database,
  OofPredictionsTable,
  SimilarFilmsTable,
  Timestamp,
  TrainRun,
  TrainRunUpdate,
} from '../schema.js';
import { beat, chunk, countRows, insertRun, type StoreContext, settleStaleRuns } from './context.js';

/** The tables that hold one training run's results, each keyed by train_run_id. */
export const trainingResultTables = [
  'model_predictions',
  'feature_importances',
  'regression_predictions',
  'classification_results',
  'cluster_points',
  'cluster_profiles',
  'oof_predictions',
  'model_artifacts',
] as const;

export type TrainingResultTable = (typeof trainingResultTables)[number];

/** Each film's nearest films, computed by a run after its models; pruned with the results. */
const NEIGHBOUR_TABLE = 'similar_films' as const;

/** A result row as training produces it; the store adds the run id. */
export type ResultRow<T extends TrainingResultTable> = Omit<Insertable<Database[T]>, 'train_run_id'>;

/** Everything one run computed, row by row. */
export interface TrainingResultRows {
  readonly model_predictions: ReadonlyArray<ResultRow<'model_predictions'>>;
  readonly feature_importances: ReadonlyArray<ResultRow<'feature_importances'>>;
  readonly regression_predictions: ReadonlyArray<ResultRow<'regression_predictions'>>;
  readonly classification_results: ReadonlyArray<ResultRow<'classification_results'>>;
  readonly cluster_points: ReadonlyArray<ResultRow<'cluster_points'>>;
  readonly cluster_profiles: ReadonlyArray<ResultRow<'cluster_profiles'>>;
  /** Every film's out-of-fold prediction by each boosted model. */
  readonly oof_predictions: ReadonlyArray<ResultRow<'oof_predictions'>>;
  readonly model_artifacts: ReadonlyArray<ResultRow<'model_artifacts'>>;
}

/** A run as readers see it: its metrics document parsed (null when it has none this version reads). */
export type TrainRunRecord = Omit<TrainRun, 'metrics'> & { metrics: TrainingMetrics | null };

/** A change to a run; the metrics document goes in typed and is stored as JSON. */
export type TrainRunChange = Omit<TrainRunUpdate, 'metrics'> & { metrics?: TrainingMetrics | null };

function toRecord(run: TrainRun): TrainRunRecord {
  return { ...run, metrics: parseTrainingMetrics(run.metrics) };
}

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

export interface FeatureImportanceRow {
  feature: string;
  importance: number;
  rank: number;
}

export type PredictionSet = 'test' | 'train' | 'all';

export interface RegressionPredictionRow {
  tmdb_id: number;
  title: string;
  actual_popularity: number;
  predicted_popularity: number;
  in_test_set: number;
}

export type ClassificationRow = Omit<Selectable<ClassificationResultsTable>, 'train_run_id'>;

export interface ClusterPointRow {
  tmdb_id: number;
  title: string;
  cluster: number;
  pc1: number;
  pc2: number;
}

export type ClusterProfileRow = Omit<Selectable<ClusterProfilesTable>, 'train_run_id'>;

export type OutOfFoldRow = Omit<Selectable<OofPredictionsTable>, 'train_run_id'>;

export type TrainingRunsStore = ReturnType<typeof createTrainingRunsStore>;

/** Training runs (train_runs), the result tables of each run and the models it stored. */
export function createTrainingRunsStore(context: StoreContext) {
  const { db } = context;

  /** Out-of-fold rows, which may name their run themselves (a seed) or not (training); `runId` wins. */
  async function writeOutOfFold(
    runId: number,
    rows: ReadonlyArray<Omit<Insertable<OofPredictionsTable>, 'train_run_id'> & { train_run_id?: number }>,
  ): Promise<void> {
    for (const part of chunk(rows)) {
      await db
        .insertInto('oof_predictions')
        .values(part.map((row) => ({ ...row, train_run_id: runId })))
        .execute();
    }
  }

  async function insertRows<T extends TrainingResultTable>(
    table: T,
    runId: number,
    rows: ReadonlyArray<ResultRow<T>>,
  ): Promise<void> {
    for (const part of chunk(rows)) {
      // Kysely cannot relate a generic table name to its row type; the signature above already does.
      await db
        .insertInto(table as 'feature_importances')
        .values(
          part.map((row) => ({ ...row, train_run_id: runId })) as Array<
            Insertable<Database['feature_importances']>
          >,
        )
        .execute();
    }
  }

  /** A run's linear predictions joined with their films' titles. */
  function linearPredictionsOf(trainRunId: number) {
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

  return {
    /** Records a run as running and returns its id. */
    async start(run: { jobId?: string | null; startedAt?: Timestamp } = {}): Promise<number> {
      return insertRun(context, 'train_runs', {
        started_at: run.startedAt ?? new Date().toISOString(),
        status: 'running',
        job_id: run.jobId ?? null,
      });
    },

    async update(id: number, change: TrainRunChange): Promise<void> {
      const { metrics, ...rest } = change;
      const update: TrainRunUpdate =
        metrics === undefined
          ? rest
          : { ...rest, metrics: metrics === null ? null : JSON.stringify(metrics) };
      await db.updateTable('train_runs').set(update).where('id', '=', id).execute();
    },

    /** "Still working": written every few seconds while the run works. */
    heartbeat: (id: number, at: Timestamp) => beat(context, 'train_runs', id, at),

    /** Settles runs whose process went silent for longer than `staleAfterMs` as `interrupted`. */
    settleStale: (now: Timestamp, staleAfterMs: number) =>
      settleStaleRuns(context, 'train_runs', now, staleAfterMs),

    /** Writes every result row of a run; large forests go one per statement (packet limits). */
    async writeResults(runId: number, rows: TrainingResultRows): Promise<void> {
      for (const table of trainingResultTables) {
        if (table === 'model_artifacts' || table === 'oof_predictions') continue;
        await insertRows(table, runId, rows[table] as ReadonlyArray<ResultRow<typeof table>>);
      }
      await writeOutOfFold(runId, rows.oof_predictions);
      // One artifact per statement: a forest is hundreds of kilobytes, more than some packet limits allow twice.
      for (const artifact of rows.model_artifacts) {
        await db
          .insertInto('model_artifacts')
          .values({ ...artifact, train_run_id: runId })
          .execute();
      }
    },

    /** Stores each film's nearest neighbours for a run. */
    /** A run's out-of-fold predictions alone, as a seeded database or a benchmark writes them. */
    writeOutOfFoldPredictions: writeOutOfFold,

    async writeSimilarFilms(
      runId: number,
      rows: ReadonlyArray<Omit<Insertable<SimilarFilmsTable>, 'train_run_id'>>,
    ): Promise<void> {
      for (const part of chunk(rows)) {
        await db
          .insertInto('similar_films')
          .values(part.map((row) => ({ ...row, train_run_id: runId })))
          .execute();
      }
    },

    /**
     * Deletes the results of all but the newest `keep` successful runs (the current one counts);
     * older runs keep their train_runs row, so the metrics history stays.
     */
    async pruneResults(currentRunId: number, keep: number): Promise<void> {
      const kept = await db
        .selectFrom('train_runs')
        .select('id')
        .where((eb) => eb.or([eb('status', '=', 'succeeded'), eb('id', '=', currentRunId)]))
        .orderBy('id', 'desc')
        .limit(keep)
        .execute();
      if (kept.length < keep) return;
      const oldestKept = kept[kept.length - 1]!.id;
      for (const table of [...trainingResultTables, NEIGHBOUR_TABLE]) {
        await db.deleteFrom(table).where('train_run_id', '<', oldestKept).execute();
      }
    },

    async find(id: number): Promise<TrainRunRecord | undefined> {
      const run = await db.selectFrom('train_runs').selectAll().where('id', '=', id).executeTakeFirst();
      return run && toRecord(run);
    },

    async latest(): Promise<TrainRunRecord | undefined> {
      const run = await db
        .selectFrom('train_runs')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return run && toRecord(run);
    },

    /** The run whose results the API shows: the newest that finished successfully. */
    async latestSucceeded(): Promise<TrainRunRecord | undefined> {
      const run = await db
        .selectFrom('train_runs')
        .selectAll()
        .where('status', '=', 'succeeded')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return run && toRecord(run);
    },

    /** Every run, oldest first. */
    async all(): Promise<TrainRunRecord[]> {
      const runs = await db.selectFrom('train_runs').selectAll().orderBy('id', 'asc').execute();
      return runs.map(toRecord);
    },

    async recent(limit: number): Promise<TrainRunRecord[]> {
      const runs = await db.selectFrom('train_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
      return runs.map(toRecord);
    },

    count: () => countRows(context, 'train_runs'),

    /** How many rows a result table holds for a run (all runs when none is given). */
    async countResults(table: TrainingResultTable, runId?: number): Promise<number> {
      let query = db.selectFrom(table).select((eb) => eb.fn.countAll().as('n'));
      if (runId !== undefined) query = query.where('train_run_id', '=', runId);
      const row = await query.executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** The stored models of a run, one payload per model name. */
    async artifacts(runId: number): Promise<Array<{ model_name: string; payload: string }>> {
      return db
        .selectFrom('model_artifacts')
        .select(['model_name', 'payload'])
        .where('train_run_id', '=', runId)
        .execute();
    },

    /** The run's linear predictions, highest predicted popularity first. */
    async topLinearPredictions(trainRunId: number, limit: number): Promise<LinearPredictionRow[]> {
      return linearPredictionsOf(trainRunId)
        .orderBy('p.predicted_popularity', 'desc')
        .orderBy('p.tmdb_id', 'asc')
        .limit(limit)
        .execute();
    },

    /** The linear prediction of one film in one run, if the run predicted it. */
    async linearPredictionOf(trainRunId: number, tmdbId: number): Promise<LinearPredictionRow | undefined> {
      return linearPredictionsOf(trainRunId).where('p.tmdb_id', '=', tmdbId).limit(1).executeTakeFirst();
    },

    async featureImportances(trainRunId: number, limit: number): Promise<FeatureImportanceRow[]> {
      return db
        .selectFrom('feature_importances')
        .select(['feature', 'importance', 'rank'])
        .where('train_run_id', '=', trainRunId)
        .orderBy('rank', 'asc')
        .limit(limit)
        .execute();
    },

    /** Random-forest popularity predictions, in film order so that pages are stable. */
    async regressionPredictions(
      trainRunId: number,
      options: { set: PredictionSet; limit: number; offset: number },
    ): Promise<{ total: number; rows: RegressionPredictionRow[] }> {
      let filtered = db.selectFrom('regression_predictions as r').where('r.train_run_id', '=', trainRunId);
      if (options.set !== 'all')
        filtered = filtered.where('r.in_test_set', '=', options.set === 'test' ? 1 : 0);
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
    },

    async classificationResult(trainRunId: number): Promise<ClassificationRow | undefined> {
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
    },

    async clusterPoints(
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
    },

    /** A run's out-of-fold predictions of one film, one per boosted model. */
    async outOfFoldOf(trainRunId: number, tmdbId: number): Promise<OutOfFoldRow[]> {
      return db
        .selectFrom('oof_predictions')
        .select(['model_name', 'tmdb_id', 'actual', 'predicted', 'lower', 'upper', 'residual'])
        .where('train_run_id', '=', trainRunId)
        .where('tmdb_id', '=', tmdbId)
        .orderBy('model_name', 'asc')
        .execute();
    },

    async clusterProfiles(trainRunId: number): Promise<ClusterProfileRow[]> {
      return db
        .selectFrom('cluster_profiles')
        .select([
          'cluster',
          'film_count',
          'avg_popularity',
          'avg_vote_average',
          'avg_runtime',
          'avg_vote_count',
        ])
        .where('train_run_id', '=', trainRunId)
        .orderBy('cluster', 'asc')
        .execute();
    },
  };
}
