import type { Migration, MigrationProvider } from 'kysely/migration';
import type { DialectName } from '../connection.js';
import { initialSchema } from './0001-initial-schema.js';
import { importRuns } from './0002-import-runs.js';

/** Ordered by name; a new migration is a new entry, never an edit of a shipped one. */
export function migrationProvider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '0001-initial-schema': initialSchema(dialect),
        '0002-import-runs': importRuns,
      };
    },
  };
}
