import { startModuleWorker } from '../ml/threads.js';
import type { TrainingFilm, TrainingOutcome, TrainingSettings } from './pipeline.js';
import type { TrainingMessage, TrainingRequest } from './worker.js';

export interface ComputeOptions {
  /** Threads for growing trees inside the training thread (1: grow them there). */
  readonly threads: number;
  readonly onStep?: (step: string) => void;
  /** Aborting terminates the training thread. */
  readonly signal?: AbortSignal;
}

/** Runs computeTraining in a worker thread, so the caller's event loop stays free. */
export function computeInWorker(
  films: readonly TrainingFilm[],
  settings: TrainingSettings,
  keywordsOf: ReadonlyMap<number, readonly number[]>,
  options: ComputeOptions,
): Promise<TrainingOutcome> {
  return new Promise<TrainingOutcome>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new Error('training was cancelled'));
      return;
    }
    const worker = startModuleWorker(import.meta.url, 'worker');
    let settled = false;
    const finish = (result: { outcome: TrainingOutcome } | { error: Error }) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', abort);
      void worker.terminate();
      if ('outcome' in result) resolve(result.outcome);
      else reject(result.error);
    };
    const abort = () => finish({ error: new Error('training was cancelled') });
    options.signal?.addEventListener('abort', abort, { once: true });
    worker.on('message', (message: TrainingMessage) => {
      if (message.type === 'step') options.onStep?.(message.step);
      else if (message.type === 'done') finish({ outcome: message.outcome });
      else finish({ error: new Error(message.message) });
    });
    worker.on('error', (error) => finish({ error }));
    worker.on('exit', (code) => finish({ error: new Error(`training thread exited with code ${code}`) }));
    const request: TrainingRequest = { films, settings, keywordsOf, threads: options.threads };
    worker.postMessage(request);
  });
}
