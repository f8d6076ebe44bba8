import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Cores this process may use; 1 means work stays on the calling thread. */
export function defaultThreadCount(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Starts a worker from a module that sits beside `callerUrl`, named without extension. From
 * compiled code it loads `name.js`; from TypeScript sources (tsx, Vitest) it loads `name.ts` with
 * tsx's loader, so the same call works in development, in tests and in production.
 */
export function startModuleWorker(callerUrl: string, name: string, workerData?: unknown): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const url = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, callerUrl);
  if (!fromSource) return new Worker(url, { workerData });
  const inherited = process.execArgv;
  const hasLoader = inherited.some((argument) => argument.includes('tsx'));
  const loader = pathToFileURL(createRequire(callerUrl).resolve('tsx')).href;
  return new Worker(url, {
    workerData,
    execArgv: hasLoader ? inherited : [...inherited, '--import', loader],
  });
}
