import { UnrecoverableError } from 'bullmq';
import { DatabaseUnavailableError, isTransientDatabaseError } from '../persistence/index.js';
import { RateLimiterUnavailableError } from '../tmdb/rate-limiter.js';

/**
 * Attempts a job gets: a later attempt resumes the run of the job (same job id, same run row)
 * rather than starting over, so it only pays for what the outage left undone.
 */
export const JOB_ATTEMPTS = 3;
/** First wait before the next attempt; it doubles each time (10 s, then 20 s). */
export const JOB_BACKOFF_MS = 10_000;

/** The error, and what it wraps (a failed run keeps what stopped it as `cause`). */
function* chainOf(error: unknown): Generator<unknown> {
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth += 1) {
    yield current;
    current = (current as { cause?: unknown })?.cause;
  }
}

/** Whether a later attempt can succeed: the run stopped because a service was gone, not because of its data. */
export function isOutage(error: unknown): boolean {
  for (const link of chainOf(error)) {
    if (
      link instanceof DatabaseUnavailableError ||
      link instanceof RateLimiterUnavailableError ||
      isTransientDatabaseError(link)
    )
      return true;
  }
  return false;
}

/** What a failed job throws to BullMQ: outages are attempted again, anything else fails for good. */
export function forBullmq(error: unknown): unknown {
  if (isOutage(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const final = new UnrecoverableError(message);
  final.cause = error;
  return final;
}
