import { SingleBar } from 'cli-progress';
import { IngestRunFailedError, ingestWithConfig } from '../../ingest/index.js';
import type { IngestProgress } from '../../ingest/types.js';
import { describeEnqueued } from '../../jobs/enqueue.js';
import { DatabaseUnavailableError, isStorageError } from '../../persistence/index.js';
import { TmdbAuthError } from '../../tmdb/errors.js';
import { createWiring } from '../../wiring.js';
import { CommandError } from '../errors.js';
import { printJson } from '../json.js';

export interface IngestCliOptions {
  from?: number;
  to?: number;
  pages?: number;
  json?: boolean;
  enqueue?: boolean;
  allowMixedSources?: boolean;
}

/** `horrorcast ingest`: a collection here, or (`--enqueue`) one handed to the workers. */
export async function ingestAction(options: IngestCliOptions): Promise<void> {
  const wiring = createWiring();
  const fromYear = options.from ?? wiring.config.INGEST_START_YEAR;
  const toYear = options.to ?? wiring.config.INGEST_END_YEAR;
  if (toYear < fromYear) {
    throw new CommandError(`--to (${toYear}) is before --from (${fromYear})`, 2);
  }
  if (options.enqueue) {
    try {
      const jobs = await wiring.jobQueue('ingest --enqueue');
      const queued = await jobs.enqueueIngest({
        from: options.from,
        to: options.to,
        pages: options.pages,
      });
      if (options.json) printJson(queued);
      else process.stdout.write(`${describeEnqueued('ingest', queued)}\n`);
      return;
    } finally {
      await wiring.close();
    }
  }
  const bar = process.stdout.isTTY && !options.json ? progressBar() : undefined;
  // Ctrl-C ends the run cleanly: the run row says "cancelled" instead of staying "running".
  const cancel = new AbortController();
  const onSignal = () => cancel.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const summary = await ingestWithConfig(
      { config: wiring.config, logger: wiring.logger, stores: await wiring.stores() },
      {
        fromYear,
        toYear,
        maxPagesPerYear: options.pages,
        signal: cancel.signal,
        onProgress: bar?.update,
        allowMixedSources: options.allowMixedSources,
      },
    );
    bar?.stop();
    if (options.json) {
      printJson(summary);
    } else {
      process.stdout.write(
        `${[
          `run ${summary.runId} ${summary.status} in ${summary.seconds.toFixed(1)} s (${summary.source === 'demo' ? 'demo catalogue' : 'TMDB'}, ${fromYear}–${toYear})`,
          `films      ${summary.newFilms} new, ${summary.updatedFilms} updated, ${summary.snapshots} snapshots`,
          `requests   ${summary.apiCalls} (${summary.pages} discover pages, ${summary.detailsFetched} details)`,
          `failures   ${summary.failureCount}${summary.failureCount ? ' (retried on the next run; see `horrorcast status --json`)' : ''}`,
        ].join('\n')}\n`,
      );
    }
  } catch (error) {
    bar?.stop();
    if (!(error instanceof IngestRunFailedError)) throw error;
    if (options.json) printJson(error.summary);
    if (error.cause instanceof TmdbAuthError) throw new CommandError(error.message, 1);
    if (cancel.signal.aborted) throw new CommandError('collection cancelled', 130);
    // A lost database or a refusing disk is the environment's problem: exit code 2, like at start.
    const environmental = isStorageError(error.cause) || error.cause instanceof DatabaseUnavailableError;
    throw new CommandError(`collection failed: ${error.message}`, environmental ? 2 : 1);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await wiring.close();
  }
}

function progressBar(): { update: (progress: IngestProgress) => void; stop: () => void } {
  const bar = new SingleBar({
    format: 'collecting |{bar}| {percentage}% | {value}/{total} pages | {films} films | {apiCalls} requests',
    stream: process.stdout,
    hideCursor: true,
  });
  let started = false;
  return {
    update(progress) {
      const payload = { films: progress.newFilms + progress.updatedFilms, apiCalls: progress.apiCalls };
      if (!started) {
        bar.start(progress.pagesPlanned, progress.pagesDone, payload);
        started = true;
      }
      bar.setTotal(progress.pagesPlanned);
      bar.update(progress.pagesDone, payload);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
