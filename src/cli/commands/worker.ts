import type { Config } from '../../config/index.js';
import { onShutdown } from '../../jobs/shutdown.js';
import { createWiring, type JobWorkerOptions } from '../../wiring.js';

export interface WorkerOptions extends JobWorkerOptions {
  /** Configuration already loaded; otherwise read from the environment. */
  config?: Config;
  /** Stops the worker as SIGTERM does (for callers that run it in-process). */
  stop?: AbortSignal;
}

/**
 * `horrorcast worker`: processes ingest and training jobs from Redis until SIGTERM, then stops
 * taking jobs and finishes or checkpoints the current one. TMDB requests of every worker draw
 * from one token bucket in Redis.
 */
export async function runWorker(options: WorkerOptions = {}): Promise<void> {
  const { config, stop, ...tuning } = options;
  const wiring = createWiring({ config });
  // Registered before the workers start, and removed only after they have stopped: a second
  // signal while stopping must not kill the process half-way through a checkpoint.
  const shutdown = onShutdown(wiring.logger, stop);
  try {
    await wiring.jobWorkers(tuning);
    await wiring.metricsServer('worker');
    await shutdown.requested;
  } finally {
    try {
      // The workers first (they finish or checkpoint the current job), then Redis and the database.
      await wiring.close();
    } finally {
      shutdown.dispose();
    }
  }
}

export function workerAction(options: { concurrency: number }): Promise<void> {
  return runWorker({ concurrency: options.concurrency });
}
