import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app.js';
import { usesDemoData } from '../../config/index.js';
import { createBullmqJobRunner } from '../../jobs/bullmq.js';
import { createInProcessJobRunner, type InProcessJobRunner } from '../../jobs/in-process.js';
import { createJobProcessors } from '../../jobs/processors.js';
import { onShutdown } from '../../jobs/shutdown.js';
import { timetableOf } from '../../jobs/timetable.js';
import type { JobRunner } from '../../jobs/types.js';
import { type AppContext, createContext } from '../context.js';
import { CommandError } from '../errors.js';
import { action } from '../run.js';

const version = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** A collection older than this is repeated when the embedded shape starts. */
const STALE_COLLECTION_MS = 24 * 3600 * 1000;

export interface ServeOptions {
  /** In-process jobs and timetable (the default without REDIS_URL). */
  embedded: boolean;
  /** Embedded only: collect and train at start when the data is missing or stale. */
  bootstrap?: boolean;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  jobs: JobRunner;
  /** Settles when the start-up collection and training are done (at once when none was needed). */
  bootstrapped: Promise<void>;
  close(): Promise<void>;
}

/**
 * On a fresh database (or after a long pause) the embedded shape collects at once and trains
 * after it, instead of leaving the dashboard empty until the timetable fires.
 */
async function bootstrap(context: AppContext, jobs: InProcessJobRunner): Promise<void> {
  const { stores } = context;
  const [films, lastIngest, lastTraining] = await Promise.all([
    stores.films.count(),
    stores.collectionRuns.latest(),
    stores.trainingRuns.latestSucceeded(),
  ]);
  const lastCollected = lastIngest?.finished_at ? Date.parse(lastIngest.finished_at) : 0;
  if (films === 0 || Date.now() - lastCollected > STALE_COLLECTION_MS) {
    context.logger.info({ films }, 'collecting at start: no recent collection');
    const ingest = await jobs.enqueueIngest();
    const done = await jobs.settled(ingest.id);
    if (done?.state !== 'completed') return;
    // The runner queues training itself after a successful collection: wait for that one too.
    const train = await jobs.enqueueTrain();
    await jobs.settled(train.id);
    return;
  }
  if (!lastTraining) {
    context.logger.info('training at start: no successful training run yet');
    const train = await jobs.enqueueTrain();
    await jobs.settled(train.id);
  }
}

/** Starts the web server (and, embedded, the jobs and the timetable) on an open context. */
export async function startServer(context: AppContext, options: ServeOptions): Promise<RunningServer> {
  const { config, logger } = context;
  let jobs: JobRunner;
  let inProcess: InProcessJobRunner | undefined;
  if (options.embedded) {
    inProcess = createInProcessJobRunner({
      processors: createJobProcessors({ config, logger, stores: context.stores }),
      logger,
      timetable: timetableOf(config),
    });
    jobs = inProcess;
  } else {
    if (!config.REDIS_URL) {
      throw new CommandError('serve without --embedded needs REDIS_URL (jobs go to BullMQ workers)', 2);
    }
    jobs = createBullmqJobRunner({
      url: config.REDIS_URL,
      prefix: config.REDIS_PREFIX,
      logger,
      timetable: timetableOf(config),
    });
  }

  const app = await buildApp({
    database: context.database,
    logger,
    jobs,
    version,
    settings: {
      adminToken: config.ADMIN_TOKEN,
      pollIntervalMs: config.POLL_INTERVAL_MS,
      configuredSource: usesDemoData(config) ? 'demo' : 'tmdb',
      started: new Date(),
    },
  });

  try {
    await app.listen({ host: config.HOST, port: config.PORT });
  } catch (error) {
    await app.close();
    await jobs.close();
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      throw new CommandError(
        `port ${config.PORT} on ${config.HOST} is already in use: set PORT to a free one`,
        2,
      );
    }
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  logger.info(
    { url, shape: options.embedded ? 'embedded' : 'scaled', database: context.database.location },
    `dashboard at ${url}/ , API docs at ${url}/docs`,
  );
  if (!config.ADMIN_TOKEN) logger.warn('ADMIN_TOKEN is not set: POST /api/jobs/* answer 503 until it is');

  let bootstrapped: Promise<void> = Promise.resolve();
  if (inProcess) {
    await inProcess.startSchedule();
    if (options.bootstrap !== false) {
      bootstrapped = bootstrap(context, inProcess).catch((error) =>
        logger.error({ err: error }, 'start-up collection or training failed; the timetable will retry'),
      );
    }
  }

  return {
    app,
    url,
    jobs,
    bootstrapped,
    async close() {
      // Stop taking requests first, then stop the jobs (they leave the database consistent).
      await app.close();
      await jobs.close();
    },
  };
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the API and dashboard (embedded shape: also scheduler and jobs)')
    .option('--embedded', 'run jobs and the timetable in this process (the default without REDIS_URL)')
    .option('--no-bootstrap', 'embedded: do not collect and train at start')
    .action(
      action(async (options: { embedded?: boolean; bootstrap: boolean }) => {
        const context = await createContext();
        const embedded = options.embedded === true || !context.config.REDIS_URL;
        let server: RunningServer;
        try {
          server = await startServer(context, { embedded, bootstrap: options.bootstrap });
        } catch (error) {
          await context.close();
          throw error;
        }
        const shutdown = onShutdown(context.logger);
        await shutdown.requested;
        try {
          await server.close();
          await context.close();
        } finally {
          shutdown.dispose();
        }
        context.logger.info('stopped');
      }),
    );
}
