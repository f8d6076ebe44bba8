import { CsvFormatError, importCsv } from '../../ingest/index.js';
import { createWiring } from '../../wiring.js';
import { CommandError } from '../errors.js';

/** `horrorcast import <file>`: exit code 1 when any row was rejected. */
export async function importAction(file: string, options: { json?: boolean }): Promise<number> {
  const wiring = createWiring();
  try {
    const summary = await importCsv({ database: await wiring.database(), logger: wiring.logger }, file);
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
        process.stderr.write(`${summary.rejected.length} rows rejected; the other rows were imported\n`);
      }
    }
    return summary.rejected.length > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof CsvFormatError) throw new CommandError(error.message, 1);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new CommandError(`${file} does not exist`, 1);
    throw error;
  } finally {
    await wiring.close();
  }
}
