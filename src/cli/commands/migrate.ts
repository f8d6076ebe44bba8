import { Command } from 'commander';
import { migrateToLatest, schemaVersion } from '../../persistence/index.js';
import { createContext } from '../context.js';
import { action } from '../run.js';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply pending database migrations and print the schema version')
    .option('--json', 'print one JSON object')
    .action(
      action(async (options: { json?: boolean }) => {
        const context = await createContext({ migrate: false });
        try {
          const applied = await migrateToLatest(context.database);
          const version = await schemaVersion(context.database);
          if (options.json) {
            process.stdout.write(
              `${JSON.stringify({ database: context.database.location, applied, version })}\n`,
            );
          } else {
            const what = applied.length ? `applied ${applied.join(', ')}` : 'already up to date';
            process.stdout.write(
              `${context.database.location}: ${what}; schema version ${version.current}\n`,
            );
          }
        } finally {
          await context.close();
        }
      }),
    );
}
