import { parentPort } from 'node:worker_threads';
import { type BoostingJob, fitBoostingJob } from './boosting.js';
import { findAllNeighbours, type NeighboursJob } from './kd-tree.js';
import { fitKMeansJob, type KMeansJob } from './kmeans.js';
import { type GrowTask, growTrees } from './tree/index.js';

/**
 * Entry point of a forest worker thread: grows the trees of each task, fits each boosting and
 * k-means job and searches each neighbours job it is sent.
 */
export type PoolRequest =
  | { readonly task: GrowTask }
  | { readonly boosting: BoostingJob }
  | { readonly neighbours: NeighboursJob }
  | { readonly kmeans: KMeansJob };
type PoolMessage = PoolRequest & { readonly id: number };

const port = parentPort;
if (!port) throw new Error('forest-worker must run in a worker thread');
port.on('message', (message: PoolMessage) => {
  const { id } = message;
  if ('boosting' in message || 'neighbours' in message || 'kmeans' in message) {
    try {
      if ('boosting' in message) port.postMessage({ id, result: fitBoostingJob(message.boosting) });
      else if ('kmeans' in message) port.postMessage({ id, result: fitKMeansJob(message.kmeans) });
      else {
        const result = findAllNeighbours(message.neighbours);
        port.postMessage({ id, result }, [
          result.index.buffer,
          result.squared.buffer,
          result.found.buffer,
        ] as ArrayBuffer[]);
      }
    } catch (error) {
      port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
    }
    return;
  }
  try {
    const result = growTrees(message.task);
    const buffers = [
      result.nodeOffsets,
      result.leafOffsets,
      result.feature,
      result.threshold,
      result.child,
      result.leafValues,
      result.importances,
    ].map((array) => array.buffer as ArrayBuffer);
    port.postMessage({ id, result }, buffers);
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
