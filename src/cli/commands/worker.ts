import { Command } from 'commander';
import { type Config, loadConfig, usesDemoData } from '../../config/index.js';
import { startBullmqWorkers } from '../../jobs/bullmq.js';
import { createJobProcessors } from '../../jobs/processors.js';
import { checkRedis, openRedis, requireRedisUrl } from '../../jobs/redis.js';
import { RedisRateLimiter } from '../../jobs/redis-rate-limiter.js';
import { onShutdown } from '../../jobs/shutdown.js';
import { createContext } from '../context.js';
import { action, parseInteger } from '../run.js';

export interface WorkerOptions {
  config: Config;
  /** Jobs of each kind taken at once. */
  concurrency?: number;
  /** BullMQ lease and stalled-job check; the defaults suit production, tests shorten them. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  shutdownGraceMs?: number;
  /** Redis key of the shared TMDB budget: `REDIS_PREFIX:tmdb:rate` unless deployments must share one. */
  rateLimitKey?: string;
  /** Stops the worker as SIGTERM does (for callers that run it in-process). */
  stop?: AbortSignal;
}

/**
 * `horrorcast worker`: processes ingest and training jobs from Redis until SIGTERM, then stops
 * taking jobs and finishes or checkpoints the current one. TMDB requests of every worker draw
 * from one token bucket in Redis.
 */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const { config } = options;
  const url = requireRedisUrl(config, 'worker');
  await checkRedis(url);
  const context = await createContext({ config });
  const { logger } = context;
  const redis = openRedis(url, 'horrorcast-rate-limit');
  redis.on('error', (error) => logger.error({ err: error }, 'redis connection error'));
  // The demo catalogue is served by a mock inside each worker: nobody to share a budget with.
  const rateLimiter = usesDemoData(config)
    ? undefined
    : new RedisRateLimiter({
        redis,
        key: options.rateLimitKey ?? `${config.REDIS_PREFIX}:tmdb:rate`,
        ratePerSecond: config.TMDB_RATE_LIMIT,
      });
  const shutdown = onShutdown(logger, options.stop);
  try {
    const workers = await startBullmqWorkers({
      url,
      prefix: config.REDIS_PREFIX,
      logger,
      processors: createJobProcessors({ config, logger, stores: context.stores, rateLimiter }),
      concurrency: options.concurrency,
      lockDurationMs: options.lockDurationMs,
      stalledIntervalMs: options.stalledIntervalMs,
      shutdownGraceMs: options.shutdownGraceMs,
    });
    await shutdown.requested;
    await workers.close();
  } finally {
    shutdown.dispose();
    await redis.quit();
    await context.close();
  }
}

export function workerCommand(): Command {
  return new Command('worker')
    .description('process ingest and training jobs from Redis (REDIS_URL)')
    .option(
      '--concurrency <n>',
      'jobs taken at once from each queue; above 1, a job of a kind already running is merged at once instead of waiting',
      parseInteger('--concurrency', 1, 64),
      1,
    )
    .action(
      action(async (options: { concurrency: number }) =>
        runWorker({ config: loadConfig(), concurrency: options.concurrency }),
      ),
    );
}
