import { parentPort } from 'node:worker_threads';
import { type GrowTask, growTrees } from './tree/index.js';

/** Entry point of a forest worker thread: grows the trees of each task it is sent. */
interface GrowMessage {
  readonly id: number;
  readonly task: GrowTask;
}

const port = parentPort;
if (!port) throw new Error('forest-worker must run in a worker thread');
port.on('message', ({ id, task }: GrowMessage) => {
  try {
    const result = growTrees(task);
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
