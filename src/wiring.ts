/**
 * The composition root: configuration → logger → database → stores → services → TMDB budget →
 * job runner, for `serve`, `worker`, `scheduler` and every other command. Each piece is built on
 * first request and only then loads its modules (`import()`), so a command pays for the pieces it
 * uses: `migrate` never loads BullMQ, `--enqueue` never opens the database, and none but
 * `serve` loads Fastify. Whatever was built is closed by `close()`, newest first.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiSettings } from './api/services/index.js';
import { type Config, loadConfig, usesDemoData } from './config/index.js';
import { createLogger, type Logger } from './config/logger.js';
import type { BullmqWorkers } from './jobs/bullmq.js';
import type { InProcessJobRunner } from './jobs/in-process.js';
import type { JobRunner } from './jobs/types.js';
import type { DatabaseHandle, Stores } from './persistence/index.js';
import type { RateLimiter } from './tmdb/rate-limiter.js';

export interface WiringOptions {
  /** Configuration already loaded (tests, child processes); otherwise read from the environment. */
  config?: Config;
  /** Overrides the logger built from LOG_LEVEL (tests silence it). */
  logger?: Logger;
  /** The logger's name, one per kind of process. */
  name?: string;
  /** An open database owned by the caller: used as it is, never migrated or closed here. */
  database?: DatabaseHandle;
  /** Apply pending migrations when the database is opened (default true). */
  migrate?: boolean;
}

/** BullMQ worker tuning: the defaults suit production, tests shorten the leases. */
export interface JobWorkerOptions {
  /** Jobs of each kind taken at once. */
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  shutdownGraceMs?: number;
  /** Redis key of the shared TMDB budget: `REDIS_PREFIX:tmdb:rate` unless deployments must share one. */
  rateLimitKey?: string;
}

export interface Wiring {
  readonly config: Config;
  readonly logger: Logger;
  /** Opened, checked to answer and (unless `migrate: false`) migrated to the latest schema. */
  database(): Promise<DatabaseHandle>;
  /** The stores over that database: every read and write of the data goes through them. */
  stores(): Promise<Stores>;
  /** The embedded shape's runner: jobs run in this process (no shared TMDB budget). */
  inProcessJobs(): Promise<InProcessJobRunner>;
  /**
   * The scaled shape's producer on REDIS_URL: enqueues, reads status and queue depths, registers
   * the timetable. Fails with exit code 2 when REDIS_URL is unset (`command` names who needs it)
   * or Redis does not answer.
   */
  jobQueue(command: string): Promise<JobRunner>;
  /** `horrorcast worker`: BullMQ workers whose TMDB requests draw from one Redis token bucket. */
  jobWorkers(options?: JobWorkerOptions): Promise<BullmqWorkers>;
  /** The web application (API, dashboard, docs) on the database, answering job requests with `jobs`. */
  webApp(jobs: JobRunner): Promise<FastifyInstance>;
  /** Closes every piece built so far, the newest first; the wiring can be closed more than once. */
  close(): Promise<void>;
}

/** Masks the TMDB key and the admin token wherever they would appear. */
function createAppLogger(config: Config, name = 'horrorcast'): Logger {
  const secrets = [config.TMDB_API_KEY, config.ADMIN_TOKEN];
  // Logs go to stderr so that `--json` output on stdout stays one clean JSON object.
  return createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, secrets, name }, process.stderr);
}

/**
 * Every command's first look at the runs: those whose process went silent are marked interrupted.
 * A database not migrated yet (`status` reads without migrating) has no runs to settle.
 */
async function settleStaleRuns(stores: Stores, staleAfterMs: number, logger: Logger): Promise<void> {
  const now = new Date().toISOString();
  try {
    const [collections, trainings] = await Promise.all([
      stores.collectionRuns.settleStale(now, staleAfterMs),
      stores.trainingRuns.settleStale(now, staleAfterMs),
    ]);
    if (collections + trainings > 0)
      logger.warn({ collections, trainings }, 'runs whose process stopped were marked interrupted');
  } catch (error) {
    logger.debug({ err: error }, 'no runs settled (the database is not migrated yet?)');
  }
}

/** A piece built on its first request, from that request's argument; later requests share it (or its failure). */
function lazy<T, A = void>(build: (argument: A) => Promise<T>): (argument: A) => Promise<T> {
  let built: Promise<T> | undefined;
  return (argument) => {
    built ??= build(argument);
    return built;
  };
}

export function createWiring(options: WiringOptions = {}): Wiring {
  const config = options.config ?? loadConfig();
  const logger = options.logger ?? createAppLogger(config, options.name);
  const closers: Array<() => Promise<void>> = [];

  const database = lazy(async () => {
    if (options.database) return options.database;
    const { checkConnection, migrateToLatest, openDatabase } = await import('./persistence/index.js');
    const handle = openDatabase(config.DATABASE_URL);
    try {
      await checkConnection(handle);
      if (options.migrate !== false) {
        const applied = await migrateToLatest(handle);
        if (applied.length) logger.info({ migrations: applied }, 'applied database migrations');
      }
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
    closers.push(() => handle.close());
    return handle;
  });

  const stores = lazy(async () => {
    const { createStores } = await import('./persistence/index.js');
    const built = createStores(await database());
    await settleStaleRuns(built, config.RUN_STALE_AFTER_S * 1000, logger);
    return built;
  });

  const inProcessJobs = lazy(async () => {
    const [{ createInProcessJobRunner }, { createJobProcessors }, { timetableOf }] = await Promise.all([
      import('./jobs/in-process.js'),
      import('./jobs/processors.js'),
      import('./jobs/timetable.js'),
    ]);
    const runner = createInProcessJobRunner({
      processors: createJobProcessors({ config, logger, stores: await stores() }),
      logger,
      timetable: timetableOf(config),
    });
    closers.push(() => runner.close());
    return runner;
  });

  /** REDIS_URL, checked to answer: every Redis piece starts here. */
  async function reachableRedis(command: string): Promise<string> {
    const [{ requireRedisUrl }, { checkRedis }] = await Promise.all([
      import('./jobs/redis-url.js'),
      import('./jobs/redis.js'),
    ]);
    const url = requireRedisUrl(config, command);
    await checkRedis(url);
    return url;
  }

  const jobQueue = lazy(async (command: string) => {
    const url = await reachableRedis(command);
    const [{ createBullmqJobRunner }, { timetableOf }] = await Promise.all([
      import('./jobs/bullmq.js'),
      import('./jobs/timetable.js'),
    ]);
    const runner = createBullmqJobRunner({
      url,
      prefix: config.REDIS_PREFIX,
      logger,
      timetable: timetableOf(config),
    });
    closers.push(() => runner.close());
    return runner;
  });

  /** The TMDB budget every worker shares; the demo catalogue's mock lives in each worker, unshared. */
  async function sharedTmdbBudget(url: string, key: string | undefined): Promise<RateLimiter | undefined> {
    if (usesDemoData(config)) return undefined;
    const [{ openRedis }, { RedisRateLimiter }, { redisLocation }] = await Promise.all([
      import('./jobs/redis.js'),
      import('./jobs/redis-rate-limiter.js'),
      import('./jobs/redis-url.js'),
    ]);
    const redis = openRedis(url, 'horrorcast-rate-limit');
    redis.on('error', (error) => logger.error({ err: error }, 'redis connection error'));
    closers.push(async () => {
      await redis.quit();
    });
    return new RedisRateLimiter({
      redis,
      key: key ?? `${config.REDIS_PREFIX}:tmdb:rate`,
      ratePerSecond: config.TMDB_RATE_LIMIT,
      location: redisLocation(url),
      outageTimeoutMs: config.OUTAGE_TIMEOUT_S * 1000,
    });
  }

  const jobWorkers = lazy(async (workerOptions: JobWorkerOptions = {}) => {
    const url = await reachableRedis('worker');
    const workerStores = await stores();
    const rateLimiter = await sharedTmdbBudget(url, workerOptions.rateLimitKey);
    const [{ startBullmqWorkers }, { createJobProcessors }] = await Promise.all([
      import('./jobs/bullmq.js'),
      import('./jobs/processors.js'),
    ]);
    const started = await startBullmqWorkers({
      url,
      prefix: config.REDIS_PREFIX,
      logger,
      processors: createJobProcessors({ config, logger, stores: workerStores, rateLimiter }),
      concurrency: workerOptions.concurrency,
      lockDurationMs: workerOptions.lockDurationMs,
      stalledIntervalMs: workerOptions.stalledIntervalMs,
      shutdownGraceMs: workerOptions.shutdownGraceMs,
    });
    closers.push(() => started.close());
    return started;
  });

  const webApp = lazy(async (jobs: JobRunner) => {
    const [{ buildApp }, { packageVersion }] = await Promise.all([
      import('./api/app.js'),
      import('./version.js'),
    ]);
    const settings: ApiSettings = {
      adminToken: config.ADMIN_TOKEN,
      pollIntervalMs: config.POLL_INTERVAL_MS,
      configuredSource: usesDemoData(config) ? 'demo' : 'tmdb',
      started: new Date(),
      runStaleAfterMs: config.RUN_STALE_AFTER_S * 1000,
    };
    const app = await buildApp({
      database: await database(),
      logger,
      jobs,
      version: packageVersion(),
      settings,
      http: {
        trustProxy: config.TRUST_PROXY,
        rateLimits: {
          readsPerMinute: config.RATE_LIMIT_PER_MINUTE,
          predictPerMinute: config.PREDICT_RATE_LIMIT_PER_MINUTE,
        },
      },
    });
    closers.push(() => app.close());
    return app;
  });

  return {
    config,
    logger,
    database,
    stores,
    inProcessJobs,
    jobQueue,
    jobWorkers,
    webApp,
    async close() {
      for (const close of closers.splice(0).reverse()) await close();
    },
  };
}
