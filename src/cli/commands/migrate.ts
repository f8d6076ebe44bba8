import { migrateToLatest, schemaVersion } from '../../persistence/index.js';
import { createWiring } from '../../wiring.js';
import { printJson } from '../json.js';

/** `horrorcast migrate`: the one command that opens the database without migrating it first. */
export async function migrateAction(options: { json?: boolean }): Promise<void> {
  const wiring = createWiring({ migrate: false });
  try {
    const database = await wiring.database();
    const applied = await migrateToLatest(database);
    const version = await schemaVersion(database);
    if (options.json) {
      printJson({ database: database.location, applied, version });
    } else {
      const what = applied.length ? `applied ${applied.join(', ')}` : 'already up to date';
      process.stdout.write(`${database.location}: ${what}; schema version ${version.current}\n`);
    }
  } finally {
    await wiring.close();
  }
}
