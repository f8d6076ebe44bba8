import { TmdbRequestError } from './errors.js';
import { abortableDelay } from './pacing.js';
import type { Outcome } from './transport.js';

export interface BackoffOptions {
  /** The cap of the first retry's delay; each further retry doubles it. */
  baseMs: number;
  maxMs: number;
}

/** "Equal jitter": half the capped exponential delay for sure, the other half at random. */
export function backoffDelay(attempt: number, backoff: BackoffOptions, random: () => number): number {
  const cap = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 1));
  return cap / 2 + (random() * cap) / 2;
}

export interface RetryOptions {
  /** The endpoint, for the error when every attempt failed. */
  path: string;
  signal: AbortSignal;
  /** Attempts, the first included. */
  maxAttempts: number;
  backoff: BackoffOptions;
  random: () => number;
  /** Called before the wait of each retry, e.g. to count and log it. */
  onRetry: (retry: { attempt: number; reason: string; delayMs: number }) => void;
  /** A 429 asked for this wait before the request is sent again. */
  onRetryAfter: (retryAfterMs: number) => void;
  /** Called once the last attempt has failed too, with its reason. */
  onGiveUp: (reason: string) => void;
}

/**
 * Sends `attempt` until it answers, fails for good (its error is thrown as is) or has been tried
 * `maxAttempts` times (TmdbRequestError with the last reason). Between attempts it waits the
 * backoff, or what a 429's Retry-After asked for plus a little jitter.
 */
export async function withRetries<T>(
  attempt: (attemptNo: number) => Promise<Outcome<T>>,
  options: RetryOptions,
): Promise<T> {
  let reason = '';
  for (let attemptNo = 1; attemptNo <= options.maxAttempts; attemptNo += 1) {
    if (options.signal.aborted) throw options.signal.reason;
    const outcome = await attempt(attemptNo);
    if (outcome.kind === 'ok') return outcome.value;
    if (outcome.kind === 'fail') throw outcome.error;
    reason = outcome.reason;
    if (attemptNo === options.maxAttempts) break;
    let delayMs = backoffDelay(attemptNo, options.backoff, options.random);
    if (outcome.retryAfterMs !== undefined) {
      delayMs = outcome.retryAfterMs + options.random() * options.backoff.baseMs;
      options.onRetryAfter(outcome.retryAfterMs);
    }
    options.onRetry({ attempt: attemptNo, reason, delayMs });
    await abortableDelay(delayMs, options.signal);
  }
  options.onGiveUp(reason);
  throw new TmdbRequestError(options.path, options.maxAttempts, reason);
}
