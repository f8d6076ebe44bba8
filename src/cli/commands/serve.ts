import type { FastifyInstance } from 'fastify';
import { usesDemoData } from '../../config/index.js';
import { resolveLogFormat } from '../../config/logger.js';
import { backfillDemoHistory } from '../../ingest/index.js';
import type { InProcessJobRunner } from '../../jobs/in-process.js';
import { onShutdown } from '../../jobs/shutdown.js';
import type { JobRunner } from '../../jobs/types.js';
import { createWiring, type Wiring } from '../../wiring.js';
import { CommandError } from '../errors.js';

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

/** How often the start-up collection and training say how far they are. */
const PROGRESS_EVERY_MS = 3000;

/**
 * Waits for a start-up job, logging its progress every few seconds: the first start on an empty
 * database collects and trains for a while, and a silent terminal looks stuck.
 */
async function settledWithProgress(wiring: Wiring, jobs: InProcessJobRunner, id: string, what: string) {
  let last = '';
  const timer = setInterval(async () => {
    const job = await jobs.getJob(id);
    const message = job?.state === 'running' ? job.progress?.message : undefined;
    if (message && message !== last) {
      last = message;
      wiring.logger.info(`${what}: ${message}`);
    }
  }, PROGRESS_EVERY_MS);
  try {
    const done = await jobs.settled(id);
    const seconds =
      done?.startedAt && done.finishedAt
        ? (Date.parse(done.finishedAt) - Date.parse(done.startedAt)) / 1000
        : 0;
    if (done?.state === 'completed') wiring.logger.info(`${what}: done in ${seconds.toFixed(1)} s`);
    return done;
  } finally {
    clearInterval(timer);
  }
}

/**
 * On a fresh database (or after a long pause) the embedded shape collects at once and trains
 * after it, instead of leaving the dashboard empty until the timetable fires.
 */
async function bootstrap(wiring: Wiring, jobs: InProcessJobRunner): Promise<void> {
  const stores = await wiring.stores();
  const [films, lastIngest, lastTraining] = await Promise.all([
    stores.films.count(),
    stores.collectionRuns.latest(),
    stores.trainingRuns.latestSucceeded(),
  ]);
  const lastCollected = lastIngest?.finished_at ? Date.parse(lastIngest.finished_at) : 0;
  if (films === 0 || Date.now() - lastCollected > STALE_COLLECTION_MS) {
    wiring.logger.info({ films }, 'collecting at start: no recent collection');
    const ingest = await jobs.enqueueIngest();
    const done = await settledWithProgress(wiring, jobs, ingest.id, 'first collection');
    if (done?.state !== 'completed') return;
    // A fresh demo database starts with 60 days of history, so trends and movers are not empty.
    if (films === 0 && usesDemoData(wiring.config))
      await backfillDemoHistory(stores, { logger: wiring.logger });
    // The runner queues training itself after a successful collection: wait for that one too.
    const train = await jobs.enqueueTrain();
    await settledWithProgress(wiring, jobs, train.id, 'training');
    return;
  }
  if (!lastTraining) {
    wiring.logger.info('training at start: no successful training run yet');
    const train = await jobs.enqueueTrain();
    await settledWithProgress(wiring, jobs, train.id, 'training');
  }
}

/**
 * Starts the web server (and, embedded, the jobs and the timetable) from the wiring; closing the
 * server closes everything the wiring built.
 */
export async function startServer(wiring: Wiring, options: ServeOptions): Promise<RunningServer> {
  const { config, logger } = wiring;
  let jobs: JobRunner;
  let inProcess: InProcessJobRunner | undefined;
  if (options.embedded) {
    inProcess = await wiring.inProcessJobs();
    jobs = inProcess;
  } else {
    if (!config.REDIS_URL) {
      throw new CommandError('serve without --embedded needs REDIS_URL (jobs go to BullMQ workers)', 2);
    }
    jobs = await wiring.jobQueue('serve');
  }
  const app = await wiring.webApp(jobs);

  try {
    await app.listen({ host: config.HOST, port: config.PORT });
  } catch (error) {
    await wiring.close();
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
    { url, shape: options.embedded ? 'embedded' : 'scaled', database: (await wiring.database()).location },
    `Horrorcast is serving the dashboard at ${url}/ (API docs at ${url}/docs)`,
  );
  if (resolveLogFormat(config.LOG_FORMAT, process.stderr.isTTY === true) === 'pretty') {
    // On a terminal the address is what a newcomer looks for: set it apart from the log lines.
    process.stderr.write(`\n  Horrorcast dashboard: ${url}/\n\n`);
  }
  if (!config.ADMIN_TOKEN) logger.warn('ADMIN_TOKEN is not set: POST /api/jobs/* answer 503 until it is');

  let bootstrapped: Promise<void> = Promise.resolve();
  if (inProcess) {
    await inProcess.startSchedule();
    if (options.bootstrap !== false) {
      bootstrapped = bootstrap(wiring, inProcess).catch((error) =>
        logger.error({ err: error }, 'start-up collection or training failed; the timetable will retry'),
      );
    }
  }

  return {
    app,
    url,
    jobs,
    bootstrapped,
    close: () => wiring.close(),
  };
}

/** `horrorcast serve`: until SIGTERM or SIGINT. */
export async function serveAction(options: { embedded?: boolean; bootstrap: boolean }): Promise<void> {
  const wiring = createWiring();
  const embedded = options.embedded === true || !wiring.config.REDIS_URL;
  let server: RunningServer;
  try {
    server = await startServer(wiring, { embedded, bootstrap: options.bootstrap });
  } catch (error) {
    await wiring.close();
    throw error;
  }
  const shutdown = onShutdown(wiring.logger);
  await shutdown.requested;
  try {
    await server.close();
  } finally {
    shutdown.dispose();
  }
  wiring.logger.info('stopped');
}
