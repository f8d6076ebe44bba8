import { Command } from 'commander';
import { importCommand } from './commands/import.js';
import { ingestCommand } from './commands/ingest.js';
import { migrateCommand } from './commands/migrate.js';
import { mockTmdbCommand } from './commands/mock-tmdb.js';
import { schedulerCommand } from './commands/scheduler.js';
import { serveCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';
import { trainCommand } from './commands/train.js';
import { workerCommand } from './commands/worker.js';

const program = new Command('horrorcast')
  .description('Horrorcast: horror films from TMDB, their history, and what the models predict')
  .showHelpAfterError()
  .addCommand(serveCommand())
  .addCommand(workerCommand())
  .addCommand(schedulerCommand())
  .addCommand(ingestCommand())
  .addCommand(trainCommand())
  .addCommand(importCommand())
  .addCommand(mockTmdbCommand())
  .addCommand(migrateCommand())
  .addCommand(statusCommand());

/** Usage errors (unknown option, bad option value) exit with 2 like other bad input; help exits 0. */
for (const command of [program, ...program.commands]) {
  command.exitOverride((error) => {
    process.exit(error.exitCode === 0 ? 0 : 2);
  });
}

await program.parseAsync(process.argv);
