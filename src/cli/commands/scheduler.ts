import { Command } from 'commander';
import { type Config, loadConfig } from '../../config/index.js';
import { createBullmqJobRunner } from '../../jobs/bullmq.js';
import { checkRedis, requireRedisUrl } from '../../jobs/redis.js';
import { onShutdown } from '../../jobs/shutdown.js';
import { timetableOf } from '../../jobs/timetable.js';
import { createAppLogger } from '../context.js';
import { action } from '../run.js';

/**
 * Registering is idempotent, so the scheduler repeats it now and then: a Redis that lost its data
 * (restarted without persistence, flushed) gets its timetable back without anyone noticing.
 */
const REREGISTER_MS = 10 * 60_000;

export interface SchedulerOptions {
  config: Config;
  /** Stops the scheduler as SIGTERM does (for callers that run it in-process). */
  stop?: AbortSignal;
}

/** `horrorcast scheduler`: registers INGEST_SCHEDULE and TRAIN_SCHEDULE as BullMQ job schedulers. */
export async function runScheduler(options: SchedulerOptions): Promise<void> {
  const { config } = options;
  const url = requireRedisUrl(config, 'scheduler');
  const timetable = timetableOf(config);
  await checkRedis(url);
  const logger = createAppLogger(config, 'horrorcast-scheduler');
  const runner = createBullmqJobRunner({ url, prefix: config.REDIS_PREFIX, logger, timetable });
  const shutdown = onShutdown(logger, options.stop);
  try {
    await runner.startSchedule();
    const timer = setInterval(() => {
      runner
        .startSchedule()
        .catch((error) => logger.error({ err: error }, 'could not register the timetable'));
    }, REREGISTER_MS);
    await shutdown.requested;
    clearInterval(timer);
  } finally {
    shutdown.dispose();
    await runner.close();
  }
}

export function schedulerCommand(): Command {
  return new Command('scheduler')
    .description('register the ingest and training timetable in Redis (INGEST_SCHEDULE, TRAIN_SCHEDULE)')
    .action(action(async () => runScheduler({ config: loadConfig() })));
}
