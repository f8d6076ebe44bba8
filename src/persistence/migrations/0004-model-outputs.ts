import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { DialectName } from '../connection.js';
import { columnTypes } from './column-types.js';

/**
 * Per-run model outputs that the explorer reads: every film's out-of-fold prediction (from a model
 * that never saw the film) with its 80% interval, and each film's nearest neighbours.
 */
export function modelOutputs(dialect: DialectName): Migration {
  const t = columnTypes(dialect);

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await t
        .finish(
          db.schema
            .createTable('oof_predictions')
            .addColumn('train_run_id', 'integer', (col) =>
              col.notNull().references('train_runs.id').onDelete('cascade'),
            )
            .addColumn('model_name', 'varchar(64)', (col) => col.notNull())
            .addColumn('tmdb_id', 'integer', (col) =>
              col.notNull().references('movies.tmdb_id').onDelete('cascade'),
            )
            .addColumn('actual', t.double, (col) => col.notNull())
            .addColumn('predicted', t.double, (col) => col.notNull())
            .addColumn('lower', t.double)
            .addColumn('upper', t.double)
            .addColumn('residual', t.double, (col) => col.notNull())
            .addPrimaryKeyConstraint('oof_predictions_pk', ['train_run_id', 'model_name', 'tmdb_id']),
        )
        .execute();
      await db.schema
        .createIndex('oof_predictions_residual_idx')
        .on('oof_predictions')
        .columns(['train_run_id', 'model_name', 'residual'])
        .execute();

      await t
        .finish(
          db.schema
            .createTable('similar_films')
            .addColumn('train_run_id', 'integer', (col) =>
              col.notNull().references('train_runs.id').onDelete('cascade'),
            )
            .addColumn('tmdb_id', 'integer', (col) =>
              col.notNull().references('movies.tmdb_id').onDelete('cascade'),
            )
            .addColumn('rank', 'integer', (col) => col.notNull())
            .addColumn('similar_tmdb_id', 'integer', (col) =>
              col.notNull().references('movies.tmdb_id').onDelete('cascade'),
            )
            .addColumn('distance', t.double, (col) => col.notNull())
            .addColumn('shared_genres', 'integer', (col) => col.notNull().defaultTo(0))
            .addColumn('shared_keywords', 'integer', (col) => col.notNull().defaultTo(0))
            .addPrimaryKeyConstraint('similar_films_pk', ['train_run_id', 'tmdb_id', 'rank']),
        )
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('similar_films').ifExists().execute();
      await db.schema.dropTable('oof_predictions').ifExists().execute();
    },
  };
}
