import { DatabaseUnavailableError, describeDriverError } from './connection.js';

/** Driver codes of a lost or refused connection, a server going away, or a write that lost a race. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'SQLITE_BUSY',
  '57P01', // admin shutdown
  '57P03', // cannot connect now
  '08000',
  '08001',
  '08003',
  '08006',
  '40001', // serialization failure
  '40P01', // deadlock
]);

const TRANSIENT_MESSAGES =
  /Connection terminated|connection is closed|Connection lost|timeout exceeded when trying to connect/i;

/** Whether retrying later can succeed: the connection was lost or a concurrent writer won. */
export function isTransientDatabaseError(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isTransientDatabaseError);
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  return error instanceof Error && TRANSIENT_MESSAGES.test(error.message);
}

export interface OutageOptions {
  /** How long to keep trying before giving up with DatabaseUnavailableError. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Told of each failed attempt and the wait before the next. */
  onRetry?: (error: unknown, waitMs: number) => void;
}

const FIRST_WAIT_MS = 250;
const LONGEST_WAIT_MS = 5000;

/**
 * Runs `work`, and while it fails with a transient database error waits (250 ms, doubling up to
 * 5 s) and runs it again, for at most `timeoutMs`; then fails with one line naming where the
 * database is. Other errors pass through at once. `work` must be safe to repeat (idempotent writes).
 */
export async function retryThroughOutage<T>(
  work: () => Promise<T>,
  location: string,
  options: OutageOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let waitMs = FIRST_WAIT_MS;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientDatabaseError(error) || options.signal?.aborted) throw error;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new DatabaseUnavailableError(
          location,
          `${describeDriverError(error)} (still failing after ${Math.round(options.timeoutMs / 1000)} s)`,
        );
      }
      const wait = Math.min(waitMs, left);
      options.onRetry?.(error, wait);
      await new Promise((resolve) => setTimeout(resolve, wait));
      waitMs = Math.min(waitMs * 2, LONGEST_WAIT_MS);
    }
  }
}
