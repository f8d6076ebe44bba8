import type { Timestamp } from './schema.js';

/** How often a working run says so, and how long its silence may last before it counts as interrupted. */
export interface RunLiveness {
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
}

/** A beat every 5 s at most, and at least four beats within the stale threshold. */
export function runLiveness(staleAfterSeconds = 120): RunLiveness {
  const staleAfterMs = staleAfterSeconds * 1000;
  return { staleAfterMs, heartbeatMs: Math.min(5000, Math.floor(staleAfterMs / 4)) };
}

export interface Heartbeat {
  /** Stops beating; the run's final update follows. */
  stop(): void;
}

/**
 * Calls `beat` with the current time every `intervalMs` until stopped. A failed beat (the database
 * briefly gone) is reported and the next one tries again: liveness is judged over several beats.
 * The timer never keeps the process alive on its own.
 */
export function startHeartbeat(
  beat: (at: Timestamp) => Promise<void>,
  intervalMs: number,
  onError: (error: unknown) => void,
  now: () => Date = () => new Date(),
): Heartbeat {
  let inFlight = false;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = true;
    beat(now().toISOString())
      .catch(onError)
      .finally(() => {
        inFlight = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
