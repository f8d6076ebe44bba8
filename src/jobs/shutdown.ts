import type { Logger } from '../config/logger.js';

export interface ShutdownRequest {
  /** Resolves with the signal's name on the first SIGTERM or SIGINT, or when `stop` aborts. */
  requested: Promise<string>;
  /** Removes the signal handlers once cleanup is over. */
  dispose(): void;
}

/**
 * Turns SIGTERM/SIGINT into a promise. A second signal while stopping is only logged: the first
 * one's cleanup (checkpoint the current job, close connections) is what lets another worker
 * resume cleanly. `stop` serves callers that run a worker inside another process, such as tests.
 */
export function onShutdown(log: Logger, stop?: AbortSignal): ShutdownRequest {
  let stopping = false;
  let resolve!: (signal: string) => void;
  const requested = new Promise<string>((res) => {
    resolve = res;
  });
  const onSignal = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'already stopping: finishing or checkpointing the current job');
      return;
    }
    stopping = true;
    log.info({ signal }, 'stopping');
    resolve(signal);
  };
  const onAbort = () => onSignal('abort');
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  if (stop?.aborted) onAbort();
  else stop?.addEventListener('abort', onAbort, { once: true });
  return {
    requested,
    dispose() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      stop?.removeEventListener('abort', onAbort);
    },
  };
}
