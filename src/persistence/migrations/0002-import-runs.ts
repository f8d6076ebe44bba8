import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * A CSV load is recorded as an import: source `import` (earlier loads were written as `csv`), the
 * file it read and how many films it skipped for having too few votes. Rejected rows stay in
 * `failure_count` and `failures`, as for a collection.
 */
export const importRuns: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('ingest_runs').addColumn('source_file', 'varchar(1000)').execute();
    await db.schema
      .alterTable('ingest_runs')
      .addColumn('skipped', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
    const runs = db as Kysely<{ ingest_runs: { source: string } }>;
    await runs.updateTable('ingest_runs').set({ source: 'import' }).where('source', '=', 'csv').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    const runs = db as Kysely<{ ingest_runs: { source: string } }>;
    await runs.updateTable('ingest_runs').set({ source: 'csv' }).where('source', '=', 'import').execute();
    await db.schema.alterTable('ingest_runs').dropColumn('skipped').execute();
    await db.schema.alterTable('ingest_runs').dropColumn('source_file').execute();
  },
};
