import type { Config } from '../../config/index.js';
import { onShutdown } from '../../jobs/shutdown.js';
import { createWiring } from '../../wiring.js';

/**
 * Registering is idempotent, so the scheduler repeats it now and then: a Redis that lost its data
 * (restarted without persistence, flushed) gets its timetable back without anyone noticing.
 */
const REREGISTER_MS = 10 * 60_000;

export interface SchedulerOptions {
  /** Configuration already loaded; otherwise read from the environment. */
  config?: Config;
  /** Stops the scheduler as SIGTERM does (for callers that run it in-process). */
  stop?: AbortSignal;
}

/** `horrorcast scheduler`: registers INGEST_SCHEDULE and TRAIN_SCHEDULE as BullMQ job schedulers. */
export async function runScheduler(options: SchedulerOptions = {}): Promise<void> {
  const wiring = createWiring({ config: options.config, name: 'horrorcast-scheduler' });
  const { logger } = wiring;
  try {
    const runner = await wiring.jobQueue('scheduler');
    await wiring.metricsServer('scheduler');
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
    }
  } finally {
    await wiring.close();
  }
}

export function schedulerAction(): Promise<void> {
  return runScheduler();
}
