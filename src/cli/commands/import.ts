import { CsvFormatError, type ImportSummary, importCsv } from '../../ingest/index.js';
import { createWiring } from '../../wiring.js';
import { CommandError } from '../errors.js';
import { printJson } from '../json.js';

export interface ImportCommandOptions {
  json?: boolean;
  minVotes?: number;
  keepUnvoted?: boolean;
  allowMixedSources?: boolean;
}

function printSummary(file: string, summary: ImportSummary, minVotes: number): void {
  process.stdout.write(
    `imported ${summary.imported} of ${summary.rows} rows from ${file} (${summary.newFilms} new, ${summary.updatedFilms} updated) in ${summary.seconds.toFixed(1)} s\n`,
  );
  if (summary.skipped) {
    process.stdout.write(
      `skipped ${summary.skipped} films with fewer than ${minVotes} votes (--keep-unvoted keeps them)\n`,
    );
  }
  for (const { line, reason } of summary.rejected) {
    process.stderr.write(`${file}:${line}: rejected: ${reason}\n`);
  }
  if (summary.rejected.length) {
    process.stderr.write(`${summary.rejected.length} rows rejected; the other rows were imported\n`);
  }
}

/** `horrorcast import <file>`: exit code 1 when any row was rejected. */
export async function importAction(file: string, options: ImportCommandOptions): Promise<number> {
  const wiring = createWiring();
  const minVotes = options.keepUnvoted ? 0 : (options.minVotes ?? wiring.config.INGEST_MIN_VOTES);
  try {
    const summary = await importCsv({ stores: await wiring.stores(), logger: wiring.logger }, file, {
      minVotes,
      allowMixedSources: options.allowMixedSources,
    });
    if (options.json) printJson(summary);
    else printSummary(file, summary, minVotes);
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
