import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { IngestRunFailedError, ingestWithConfig } from '../../ingest/index.js';
import type { IngestProgress } from '../../ingest/types.js';
import { describeEnqueued, enqueueFromCli } from '../../jobs/enqueue.js';
import { TmdbAuthError } from '../../tmdb/errors.js';
import { createContext } from '../context.js';
import { CommandError } from '../errors.js';
import { action, parseInteger } from '../run.js';

interface IngestCliOptions {
  from?: number;
  to?: number;
  pages?: number;
  json?: boolean;
  enqueue?: boolean;
}

export function ingestCommand(): Command {
  return new Command('ingest')
    .description('collect horror films from TMDB (the demo catalogue when TMDB_API_KEY is not set)')
    .option(
      '--from <year>',
      'first release year (default INGEST_START_YEAR)',
      parseInteger('--from', 1874, 2100),
    )
    .option('--to <year>', 'last release year (default INGEST_END_YEAR)', parseInteger('--to', 1874, 2100))
    .option(
      '--pages <n>',
      'discover pages per year at most (default INGEST_MAX_PAGES_PER_YEAR)',
      parseInteger('--pages', 1, 500),
    )
    .option('--json', 'print one JSON object with the counts and seconds')
    .option('--enqueue', 'queue the collection for a worker (REDIS_URL) instead of running it here')
    .action(
      action(async (options: IngestCliOptions) => {
        const context = await createContext();
        const fromYear = options.from ?? context.config.INGEST_START_YEAR;
        const toYear = options.to ?? context.config.INGEST_END_YEAR;
        if (toYear < fromYear) {
          await context.close();
          throw new CommandError(`--to (${toYear}) is before --from (${fromYear})`, 2);
        }
        if (options.enqueue) {
          try {
            const queued = await enqueueFromCli(context.config, context.logger, 'ingest', {
              from: options.from,
              to: options.to,
              pages: options.pages,
            });
            process.stdout.write(
              `${options.json ? JSON.stringify(queued) : describeEnqueued('ingest', queued)}\n`,
            );
            return;
          } finally {
            await context.close();
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
            { config: context.config, logger: context.logger, stores: context.stores },
            {
              fromYear,
              toYear,
              maxPagesPerYear: options.pages,
              signal: cancel.signal,
              onProgress: bar?.update,
            },
          );
          bar?.stop();
          if (options.json) {
            process.stdout.write(`${JSON.stringify(summary)}\n`);
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
          if (options.json) process.stdout.write(`${JSON.stringify(error.summary)}\n`);
          if (error.cause instanceof TmdbAuthError) throw new CommandError(error.message, 1);
          if (cancel.signal.aborted) throw new CommandError('collection cancelled', 130);
          throw new CommandError(`collection failed: ${error.message}`, 1);
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          await context.close();
        }
      }),
    );
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
