import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Cores this process may use; 1 means work stays on the calling thread. */
export function defaultThreadCount(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Starts a worker from a module that sits beside `callerUrl`, named without extension. From
 * compiled code it loads `name.js`; from TypeScript sources (tsx, Vitest) it loads `name.ts` after
 * registering tsx's loader inside the new thread (Node 20 does not pass a parent's loader hooks on
 * to workers), so the same call works in development, in tests and in production.
 */
export function startModuleWorker(callerUrl: string, name: string, workerData?: unknown): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const url = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, callerUrl);
  if (!fromSource) return new Worker(url, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
