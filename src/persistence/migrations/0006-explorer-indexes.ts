import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { DialectName } from '../connection.js';

/**
 * Indexes the film page and the movers card need at 100,000 films: a film's out-of-fold
 * predictions are read by film (the primary key starts with the run and the model), and movers
 * and the newest snapshot time are read by snapshot time.
 */
export function explorerIndexes(dialect: DialectName): Migration {
  const indexes = [
    { name: 'oof_predictions_film_idx', table: 'oof_predictions', columns: ['tmdb_id', 'train_run_id'] },
    { name: 'movie_snapshots_ts_idx', table: 'movie_snapshots', columns: ['snapshot_ts'] },
  ] as const;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const index of indexes) {
        await db.schema
          .createIndex(index.name)
          .on(index.table)
          .columns([...index.columns])
          .execute();
      }
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const index of [...indexes].reverse()) {
        // MySQL lets the tmdb_id foreign key adopt the film index (dropping its own implicit one),
        // so it cannot be dropped there; it goes with its table one migration down.
        if (dialect === 'mysql' && index.table === 'oof_predictions') continue;
        const drop = db.schema.dropIndex(index.name).ifExists();
        // MySQL indexes belong to their table; the other dialects name them database-wide.
        await (dialect === 'mysql' ? drop.on(index.table) : drop).execute();
      }
    },
  };
}
