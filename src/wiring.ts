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
import type { BullmqJobRunner, BullmqWorkers } from './jobs/bullmq.js';
import type { InProcessJobRunner } from './jobs/in-process.js';
import type { JobProcessors, JobRunner } from './jobs/types.js';
import type { MetricSources, Metrics } from './observability/metrics.js';
import type { HealthCheck, MetricsServer } from './observability/server.js';
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
  /**
   * This process's metrics registry (one per process, labelled with its kind), recording HTTP,
   * TMDB and job figures; the first request names the process.
   */
  metrics(process: MetricsProcess): Promise<Metrics>;
  /**
   * `worker` and `scheduler`: /metrics and /health on METRICS_PORT (undefined when it is unset).
   * The worker is healthy while its database answers, the scheduler while Redis does.
   */
  metricsServer(process: 'worker' | 'scheduler'): Promise<MetricsServer | undefined>;
  /** Closes every piece built so far, the newest first; the wiring can be closed more than once. */
  close(): Promise<void>;
}

/** The kinds of process whose metrics are told apart by the `process` label. */
export type MetricsProcess = 'web' | 'worker' | 'scheduler';

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

  const metrics = lazy(async (process: MetricsProcess) => {
    const { createMetrics } = await import('./observability/metrics.js');
    return createMetrics({ process });
  });

  /** Films, snapshots and the newest model scores, read from the database when Prometheus scrapes. */
  async function databaseFigures(): Promise<MetricSources> {
    const { scoresOf } = await import('./api/services/scores.js');
    return {
      counts: async () => {
        const { films } = await stores();
        const [filmCount, snapshots] = await Promise.all([films.count(), films.countSnapshots()]);
        return { films: filmCount, snapshots };
      },
      modelScores: async () => {
        const run = await (await stores()).trainingRuns.latestSucceeded();
        return run && { runId: run.id, scores: scoresOf(run.metrics) };
      },
    };
  }

  /** The job processors, timed and counted into this process's metrics. */
  async function observedProcessors(
    process: MetricsProcess,
    rateLimiter: RateLimiter | undefined,
  ): Promise<JobProcessors> {
    const [{ createJobProcessors }, { observeJobProcessors }, { tmdbObserverFor }, jobStores, registry] =
      await Promise.all([
        import('./jobs/processors.js'),
        import('./observability/jobs.js'),
        import('./observability/tmdb.js'),
        stores(),
        metrics(process),
      ]);
    const processors = createJobProcessors({
      config,
      logger,
      stores: jobStores,
      rateLimiter,
      tmdbObserver: tmdbObserverFor(registry),
    });
    return observeJobProcessors(processors, registry);
  }

  const inProcessJobs = lazy(async () => {
    const [{ createInProcessJobRunner }, { timetableOf }] = await Promise.all([
      import('./jobs/in-process.js'),
      import('./jobs/timetable.js'),
    ]);
    const runner = createInProcessJobRunner({
      processors: await observedProcessors('web', undefined),
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
    const rateLimiter = await sharedTmdbBudget(url, workerOptions.rateLimitKey);
    const { startBullmqWorkers } = await import('./jobs/bullmq.js');
    const started = await startBullmqWorkers({
      url,
      prefix: config.REDIS_PREFIX,
      logger,
      processors: await observedProcessors('worker', rateLimiter),
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
    const registry = await metrics('web');
    registry.watch({ ...(await databaseFigures()), queueDepths: () => jobs.queueDepths() });
    const app = await buildApp({
      stores: await stores(),
      databaseKind: (await database()).dialect,
      logger,
      jobs,
      version: packageVersion(),
      settings,
      metrics: registry,
      // Only the scaled shape's runner has queues to show; the embedded shape's page says so.
      boardQueues: 'queues' in jobs ? (jobs as BullmqJobRunner).queues : undefined,
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

  /** What /health on METRICS_PORT checks: the store the process cannot work without. */
  async function healthOf(process: 'worker' | 'scheduler'): Promise<HealthCheck> {
    if (process === 'scheduler') {
      const runner = await jobQueue('scheduler');
      return async () => {
        try {
          await runner.queueDepths();
          return { ok: true };
        } catch {
          return { ok: false, reason: 'Redis does not answer' };
        }
      };
    }
    const [{ checkConnection }, handle] = await Promise.all([import('./persistence/index.js'), database()]);
    return async () => {
      try {
        await checkConnection(handle);
        return { ok: true };
      } catch {
        return { ok: false, reason: 'the database does not answer' };
      }
    };
  }

  const metricsServer = lazy(async (process: 'worker' | 'scheduler') => {
    if (config.METRICS_PORT === undefined) return undefined;
    const registry = await metrics(process);
    if (process === 'scheduler') {
      const runner = await jobQueue('scheduler');
      registry.watch({ queueDepths: () => runner.queueDepths() });
    }
    const { startMetricsServer } = await import('./observability/server.js');
    const server = await startMetricsServer({
      metrics: registry,
      health: await healthOf(process),
      host: config.HOST,
      port: config.METRICS_PORT,
      logger,
    });
    closers.push(() => server.close());
    return server;
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
    metrics,
    metricsServer,
    async close() {
      for (const close of closers.splice(0).reverse()) await close();
    },
  };
}
