import type { Worker } from 'node:worker_threads';
import { type BoostingFitter, type BoostingModel, fitBoostingJob } from './boosting.js';
import { mergeTreeSets, type TreeGrower } from './forest.js';
import type { PoolRequest } from './forest-worker.js';
import { type AllNeighbours, findAllNeighbours, type NeighboursFinder } from './kd-tree.js';
import { fitKMeansJob, type KMeansFitter, type KMeansResult } from './kmeans.js';
import { defaultThreadCount, startModuleWorker } from './threads.js';
import { growTrees, type TreeSet } from './tree/index.js';

/**
 * Worker threads that grow trees, fit boosted models and k-means and search neighbours; reuse one
 * pool for many models, then close it.
 */
export interface ForestPool {
  readonly threads: number;
  readonly grow: TreeGrower;
  /** Fits a boosting job on the worker with the fewest jobs waiting. */
  readonly boost: BoostingFitter;
  /** Searches every row's neighbours on the worker with the fewest jobs waiting. */
  readonly neighbours: NeighboursFinder;
  /** Fits a k-means job on the worker with the fewest jobs waiting. */
  readonly kmeans: KMeansFitter;
  close(): Promise<void>;
}

interface Pending {
  resolve(result: TreeSet | BoostingModel | AllNeighbours | KMeansResult): void;
  reject(error: Error): void;
}

interface PoolThread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  /** Set once the worker has died: later tasks fail at once instead of waiting forever. */
  failure?: Error;
}

/**
 * A pool of `threads` workers. A forest's trees are dealt in contiguous blocks, one per worker;
 * since each tree has its own seed, the forest is identical to the one grown on a single thread.
 */
export function createForestPool(threads = defaultThreadCount()): ForestPool {
  const count = Math.max(1, Math.floor(threads));
  let nextId = 0;
  let closed = false;
  const pool: PoolThread[] = Array.from({ length: count }, () => {
    const worker = startModuleWorker(import.meta.url, 'forest-worker');
    const thread: PoolThread = { worker, pending: new Map() };
    // An idle pool must not keep the process alive; a busy one must.
    worker.unref();
    worker.on(
      'message',
      (message: {
        id: number;
        result?: TreeSet | BoostingModel | AllNeighbours | KMeansResult;
        error?: string;
      }) => {
        const job = thread.pending.get(message.id);
        if (!job) return;
        thread.pending.delete(message.id);
        if (thread.pending.size === 0) worker.unref();
        if (message.result) job.resolve(message.result);
        else job.reject(new Error(`forest worker failed: ${message.error}`));
      },
    );
    const failAll = (error: Error) => {
      thread.failure ??= error;
      for (const job of thread.pending.values()) job.reject(error);
      thread.pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (!closed) failAll(new Error(`forest worker exited with code ${code}`));
    });
    return thread;
  });

  const send = <T extends TreeSet | BoostingModel | AllNeighbours | KMeansResult>(
    thread: PoolThread,
    request: PoolRequest,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (thread.failure) {
        reject(thread.failure);
        return;
      }
      const id = nextId++;
      thread.pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      thread.worker.ref();
      thread.worker.postMessage({ id, ...request });
    });

  const grow: TreeGrower = async (task) => {
    if (closed) throw new Error('forest pool is closed');
    const trees = task.seeds.length;
    const blocks = Math.min(count, trees);
    const jobs: Array<Promise<TreeSet>> = [];
    let first = 0;
    for (let b = 0; b < blocks; b++) {
      const size = Math.floor(trees / blocks) + (b < trees % blocks ? 1 : 0);
      jobs.push(send<TreeSet>(pool[b], { task: { ...task, seeds: task.seeds.slice(first, first + size) } }));
      first += size;
    }
    return mergeTreeSets(await Promise.all(jobs));
  };

  const idlest = (): PoolThread => {
    if (closed) throw new Error('forest pool is closed');
    return pool.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  };
  const boost: BoostingFitter = async (job) => send<BoostingModel>(idlest(), { boosting: job });
  const neighbours: NeighboursFinder = async (job) => send<AllNeighbours>(idlest(), { neighbours: job });
  const kmeans: KMeansFitter = async (job) => send<KMeansResult>(idlest(), { kmeans: job });

  return {
    threads: count,
    grow,
    boost,
    neighbours,
    kmeans,
    close: async () => {
      closed = true;
      await Promise.all(pool.map((thread) => thread.worker.terminate()));
    },
  };
}

/** Grows trees on the calling thread: the path used when only one core is available. */
export const growOnCallingThread: TreeGrower = async (task) => growTrees(task);

/** Fits boosting jobs on the calling thread. */
export const boostOnCallingThread: BoostingFitter = async (job) => fitBoostingJob(job);

/** Fits k-means on the calling thread. */
export const kMeansOnCallingThread: KMeansFitter = async (job) => fitKMeansJob(job);

/** Searches neighbours on the calling thread. */
export const neighboursOnCallingThread: NeighboursFinder = async (job) => findAllNeighbours(job);
