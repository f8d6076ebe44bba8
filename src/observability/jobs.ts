import type { JobProcessors } from '../jobs/types.js';
import type { JobOutcome, Metrics } from './metrics.js';

/** Times one job and records how it ended: a job stopped by its signal is neither done nor failed. */
async function timed<T>(
  metrics: Metrics,
  kind: string,
  signal: AbortSignal,
  work: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const record = (outcome: JobOutcome) =>
    metrics.job({ kind, outcome, seconds: (performance.now() - started) / 1000 });
  try {
    const result = await work();
    record('completed');
    return result;
  } catch (error) {
    record(signal.aborted ? 'stopped' : 'failed');
    throw error;
  }
}

/** The same processors, with the duration and outcome of every collection and training recorded. */
export function observeJobProcessors(processors: JobProcessors, metrics: Metrics): JobProcessors {
  return {
    ingest: (options, report, signal, job) =>
      timed(metrics, 'ingest', signal, () => processors.ingest(options, report, signal, job)),
    train: (report, signal, job) =>
      timed(metrics, 'train', signal, () => processors.train(report, signal, job)),
  };
}
