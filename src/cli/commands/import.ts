import { Command } from 'commander';
import { CsvFormatError, importCsv } from '../../ingest/index.js';
import { createContext } from '../context.js';
import { CommandError } from '../errors.js';
import { action } from '../run.js';

export function importCommand(): Command {
  return new Command('import')
    .description('import a horror_movies.csv file (TidyTuesday / Kaggle layout)')
    .argument('<file>', 'the CSV file')
    .option('--json', 'print one JSON object with the counts and every rejected row')
    .action(
      action(async (file: string, options: { json?: boolean }) => {
        const context = await createContext();
        try {
          const summary = await importCsv({ stores: context.stores, logger: context.logger }, file);
          if (options.json) {
            process.stdout.write(`${JSON.stringify(summary)}\n`);
          } else {
            process.stdout.write(
              `imported ${summary.imported} of ${summary.rows} rows from ${file} (${summary.newFilms} new, ${summary.updatedFilms} updated) in ${summary.seconds.toFixed(1)} s\n`,
            );
            for (const { line, reason } of summary.rejected) {
              process.stderr.write(`${file}:${line}: rejected: ${reason}\n`);
            }
            if (summary.rejected.length) {
              process.stderr.write(
                `${summary.rejected.length} rows rejected; the other rows were imported\n`,
              );
            }
          }
          return summary.rejected.length > 0 ? 1 : 0;
        } catch (error) {
          if (error instanceof CsvFormatError) throw new CommandError(error.message, 1);
          if ((error as NodeJS.ErrnoException).code === 'ENOENT')
            throw new CommandError(`${file} does not exist`, 1);
          throw error;
        } finally {
          await context.close();
        }
      }),
    );
}
