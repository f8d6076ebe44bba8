import { parentPort } from 'node:worker_threads';
import { createForestPool } from '../ml/forest-pool.js';
import { computeTraining, type TrainingFilm, type TrainingSettings } from './pipeline.js';

/**
 * Entry point of the training thread: computes one run and posts its results. Trees are grown by a
 * pool of further workers when more than one thread is allowed, while this thread fits the other
 * models and finds the similar films.
 */
export interface TrainingRequest {
  readonly films: readonly TrainingFilm[];
  readonly settings: TrainingSettings;
  /** Keyword ids by TMDB id, for ordering equally near similar films. */
  readonly keywordsOf: ReadonlyMap<number, readonly number[]>;
  readonly threads: number;
}

export type TrainingMessage =
  | { readonly type: 'step'; readonly step: string }
  | { readonly type: 'done'; readonly outcome: Awaited<ReturnType<typeof computeTraining>> }
  | { readonly type: 'error'; readonly message: string };

const port = parentPort;
if (!port) throw new Error('training worker must run in a worker thread');
port.once('message', async (request: TrainingRequest) => {
  const pool = request.threads > 1 ? createForestPool(request.threads) : undefined;
  try {
    const outcome = await computeTraining(
      request.films,
      request.settings,
      {
        grow: pool?.grow,
        boost: pool?.boost,
        neighbours: pool?.neighbours,
        kmeans: pool?.kmeans,
        concurrent: pool !== undefined,
        onStep: (step) => port.postMessage({ type: 'step', step } satisfies TrainingMessage),
      },
      request.keywordsOf,
    );
    port.postMessage({ type: 'done', outcome } satisfies TrainingMessage);
  } catch (error) {
    port.postMessage({
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
    } satisfies TrainingMessage);
  } finally {
    await pool?.close();
  }
});
