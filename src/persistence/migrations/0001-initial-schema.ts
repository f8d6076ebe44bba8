import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { DialectName } from '../connection.js';
import { columnTypes } from './column-types.js';

const tables = [
  'cluster_profiles',
  'cluster_points',
  'classification_results',
  'regression_predictions',
  'feature_importances',
  'model_predictions',
  'model_artifacts',
  'train_runs',
  'movie_snapshots',
  'ingest_runs',
  'movies',
] as const;

export function initialSchema(dialect: DialectName): Migration {
  const t = columnTypes(dialect);

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await t
        .finish(
          db.schema
            .createTable('movies')
            .addColumn('tmdb_id', 'integer', (col) => col.primaryKey())
            .addColumn('imdb_id', 'varchar(20)')
            .addColumn('title', 'varchar(500)', (col) => col.notNull())
            .addColumn('original_title', 'varchar(500)')
            .addColumn('overview', 'text')
            .addColumn('original_language', 'varchar(16)')
            .addColumn('release_date', 'varchar(10)')
            .addColumn('popularity', t.double, (col) => col.notNull().defaultTo(0))
            .addColumn('vote_count', 'integer', (col) => col.notNull().defaultTo(0))
            .addColumn('vote_average', t.double, (col) => col.notNull().defaultTo(0))
            .addColumn('runtime', 'integer')
            .addColumn('genres', 'text')
            .addColumn('poster_path', 'varchar(255)')
            .addColumn('backdrop_path', 'varchar(255)')
            .addColumn('details_fetched_at', t.timestamp)
            .addColumn('inserted_at', t.timestamp, (col) => col.notNull())
            .addColumn('updated_at', t.timestamp, (col) => col.notNull()),
        )
        .execute();
      await db.schema.createIndex('movies_popularity_idx').on('movies').column('popularity').execute();

      await t
        .finish(
          t
            .id(db.schema.createTable('ingest_runs'))
            .addColumn('started_at', t.timestamp, (col) => col.notNull())
            .addColumn('finished_at', t.timestamp)
            .addColumn('status', 'varchar(24)', (col) => col.notNull())
            .addColumn('source', 'varchar(16)', (col) => col.notNull())
            .addColumn('job_id', 'varchar(100)')
            .addColumn('year_from', 'integer')
            .addColumn('year_to', 'integer')
            .addColumn('pages', 'integer', (col) => col.notNull().defaultTo(0))
            .addColumn('api_calls', 'integer', (col) => col.notNull().defaultTo(0))
            .addColumn('new_films', 'integer', (col) => col.notNull().defaultTo(0))
            .addColumn('updated_films', 'integer', (col) => col.notNull().defaultTo(0))
            .addColumn('snapshots', 'integer', (col) => col.notNull().defaultTo(0))
            .addColumn('failure_count', 'integer', (col) => col.notNull().defaultTo(0))
            .addColumn('failures', t.largeText)
            .addColumn('error', 'text'),
        )
        .execute();
      await db.schema
        .createIndex('ingest_runs_status_idx')
        .on('ingest_runs')
        .columns(['status', 'id'])
        .execute();

      await t
        .finish(
          t
            .id(db.schema.createTable('movie_snapshots'))
            .addColumn('tmdb_id', 'integer', (col) =>
              col.notNull().references('movies.tmdb_id').onDelete('cascade'),
            )
            .addColumn('ingest_run_id', 'integer', (col) =>
              col.references('ingest_runs.id').onDelete('set null'),
            )
            .addColumn('snapshot_ts', t.timestamp, (col) => col.notNull())
            .addColumn('popularity', t.double, (col) => col.notNull())
            .addColumn('vote_count', 'integer', (col) => col.notNull())
            .addColumn('vote_average', t.double, (col) => col.notNull())
            .addUniqueConstraint('movie_snapshots_film_run_unique', ['tmdb_id', 'ingest_run_id']),
        )
        .execute();
      await db.schema
        .createIndex('movie_snapshots_film_ts_idx')
        .on('movie_snapshots')
        .columns(['tmdb_id', 'snapshot_ts'])
        .execute();

      await t
        .finish(
          t
            .id(db.schema.createTable('train_runs'))
            .addColumn('started_at', t.timestamp, (col) => col.notNull())
            .addColumn('finished_at', t.timestamp)
            .addColumn('status', 'varchar(24)', (col) => col.notNull())
            .addColumn('job_id', 'varchar(100)')
            .addColumn('sample_count', 'integer', (col) => col.notNull().defaultTo(0))
            .addColumn('metrics', t.largeText)
            .addColumn('durations', 'text')
            .addColumn('duration_seconds', t.double)
            .addColumn('error', 'text'),
        )
        .execute();
      await db.schema
        .createIndex('train_runs_status_idx')
        .on('train_runs')
        .columns(['status', 'id'])
        .execute();

      await t
        .finish(
          t
            .id(db.schema.createTable('model_artifacts'))
            .addColumn('train_run_id', 'integer', (col) =>
              col.notNull().references('train_runs.id').onDelete('cascade'),
            )
            .addColumn('model_name', 'varchar(64)', (col) => col.notNull())
            .addColumn('format_version', 'integer', (col) => col.notNull())
            .addColumn('payload', t.largeText, (col) => col.notNull())
            .addUniqueConstraint('model_artifacts_run_model_unique', ['train_run_id', 'model_name']),
        )
        .execute();

      await t
        .finish(
          t
            .id(db.schema.createTable('model_predictions'))
            .addColumn('train_run_id', 'integer', (col) =>
              col.notNull().references('train_runs.id').onDelete('cascade'),
            )
            .addColumn('pred_ts', t.timestamp, (col) => col.notNull())
            .addColumn('tmdb_id', 'integer', (col) =>
              col.notNull().references('movies.tmdb_id').onDelete('cascade'),
            )
            .addColumn('model_name', 'varchar(64)', (col) => col.notNull())
            .addColumn('predicted_popularity', t.double, (col) => col.notNull())
            .addColumn('actual_popularity', t.double, (col) => col.notNull())
            .addColumn('predicted_vote_average', t.double, (col) => col.notNull())
            .addColumn('actual_vote_average', t.double, (col) => col.notNull())
            .addColumn('mae_popularity', t.double, (col) => col.notNull())
            .addColumn('mae_vote_average', t.double, (col) => col.notNull()),
        )
        .execute();
      await db.schema
        .createIndex('model_predictions_run_pred_idx')
        .on('model_predictions')
        .columns(['train_run_id', 'predicted_popularity'])
        .execute();

      await t
        .finish(
          t
            .id(db.schema.createTable('feature_importances'))
            .addColumn('train_run_id', 'integer', (col) =>
              col.notNull().references('train_runs.id').onDelete('cascade'),
            )
            .addColumn('feature', 'varchar(64)', (col) => col.notNull())
            .addColumn('importance', t.double, (col) => col.notNull())
            .addColumn('rank', 'integer', (col) => col.notNull())
            .addUniqueConstraint('feature_importances_run_feature_unique', ['train_run_id', 'feature']),
        )
        .execute();

      await t
        .finish(
          t
            .id(db.schema.createTable('regression_predictions'))
            .addColumn('train_run_id', 'integer', (col) =>
              col.notNull().references('train_runs.id').onDelete('cascade'),
            )
            .addColumn('tmdb_id', 'integer', (col) =>
              col.notNull().references('movies.tmdb_id').onDelete('cascade'),
            )
            .addColumn('actual_popularity', t.double, (col) => col.notNull())
            .addColumn('predicted_popularity', t.double, (col) => col.notNull())
            .addColumn('in_test_set', 'integer', (col) => col.notNull()),
        )
        .execute();
      await db.schema
        .createIndex('regression_predictions_run_idx')
        .on('regression_predictions')
        .column('train_run_id')
        .execute();

      await t
        .finish(
          db.schema
            .createTable('classification_results')
            .addColumn('train_run_id', 'integer', (col) =>
              col.primaryKey().references('train_runs.id').onDelete('cascade'),
            )
            .addColumn('threshold', t.double, (col) => col.notNull())
            .addColumn('accuracy', t.double, (col) => col.notNull())
            .addColumn('auc', t.double, (col) => col.notNull())
            .addColumn('true_negatives', 'integer', (col) => col.notNull())
            .addColumn('false_positives', 'integer', (col) => col.notNull())
            .addColumn('false_negatives', 'integer', (col) => col.notNull())
            .addColumn('true_positives', 'integer', (col) => col.notNull())
            .addColumn('roc_curve', t.largeText, (col) => col.notNull()),
        )
        .execute();

      await t
        .finish(
          t
            .id(db.schema.createTable('cluster_points'))
            .addColumn('train_run_id', 'integer', (col) =>
              col.notNull().references('train_runs.id').onDelete('cascade'),
            )
            .addColumn('tmdb_id', 'integer', (col) =>
              col.notNull().references('movies.tmdb_id').onDelete('cascade'),
            )
            .addColumn('cluster', 'integer', (col) => col.notNull())
            .addColumn('pc1', t.double, (col) => col.notNull())
            .addColumn('pc2', t.double, (col) => col.notNull()),
        )
        .execute();
      await db.schema
        .createIndex('cluster_points_run_idx')
        .on('cluster_points')
        .column('train_run_id')
        .execute();

      await t
        .finish(
          db.schema
            .createTable('cluster_profiles')
            .addColumn('train_run_id', 'integer', (col) =>
              col.notNull().references('train_runs.id').onDelete('cascade'),
            )
            .addColumn('cluster', 'integer', (col) => col.notNull())
            .addColumn('film_count', 'integer', (col) => col.notNull())
            .addColumn('avg_popularity', t.double, (col) => col.notNull())
            .addColumn('avg_vote_average', t.double, (col) => col.notNull())
            .addColumn('avg_runtime', t.double, (col) => col.notNull())
            .addColumn('avg_vote_count', t.double, (col) => col.notNull())
            .addPrimaryKeyConstraint('cluster_profiles_pk', ['train_run_id', 'cluster']),
        )
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of tables) await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
