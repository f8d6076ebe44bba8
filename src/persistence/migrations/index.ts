import type { Migration, MigrationProvider } from 'kysely/migration';
import type { DialectName } from '../connection.js';
import { initialSchema } from './0001-initial-schema.js';
import { importRuns } from './0002-import-runs.js';
import { filmFacts } from './0003-film-facts.js';
import { modelOutputs } from './0004-model-outputs.js';
import { runLiveness } from './0005-run-liveness.js';
import { explorerIndexes } from './0006-explorer-indexes.js';
import { unknownRatings } from './0007-unknown-ratings.js';
import { titleOrderIndex } from './0008-title-order-index.js';

/** Ordered by name; a new migration is a new entry, never an edit of a shipped one. */
export function migrationProvider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '0001-initial-schema': initialSchema(dialect),
        '0002-import-runs': importRuns,
        '0003-film-facts': filmFacts(dialect),
        '0004-model-outputs': modelOutputs(dialect),
        '0005-run-liveness': runLiveness(dialect),
        '0006-explorer-indexes': explorerIndexes(dialect),
        '0007-unknown-ratings': unknownRatings(dialect),
        '0008-title-order-index': titleOrderIndex(dialect),
      };
    },
  };
}
