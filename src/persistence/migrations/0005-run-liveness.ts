import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { DialectName } from '../connection.js';
import { columnTypes } from './column-types.js';

/**
 * A run writes a heartbeat while it works, so that a run is called interrupted only when its
 * process has gone silent; `database_facts` records what the database holds (demo, TMDB or
 * imported films) so that a collection from another source cannot mix them in.
 */
export function runLiveness(dialect: DialectName): Migration {
  const t = columnTypes(dialect);

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('ingest_runs').addColumn('heartbeat_at', t.timestamp).execute();
      await db.schema.alterTable('train_runs').addColumn('heartbeat_at', t.timestamp).execute();
      await t
        .finish(
          db.schema
            .createTable('database_facts')
            .addColumn('name', 'varchar(64)', (col) => col.primaryKey())
            .addColumn('value', 'text', (col) => col.notNull())
            .addColumn('updated_at', t.timestamp, (col) => col.notNull()),
        )
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('database_facts').ifExists().execute();
      await db.schema.alterTable('train_runs').dropColumn('heartbeat_at').execute();
      await db.schema.alterTable('ingest_runs').dropColumn('heartbeat_at').execute();
    },
  };
}
