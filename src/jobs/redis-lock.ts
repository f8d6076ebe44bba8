import type { Redis } from 'ioredis';

/**
 * Takes the lock when it is free or held by an earlier attempt of the same job (one BullMQ
 * declared stalled, so its worker is dead or stuck); answers the holder's value otherwise.
 *
 * KEYS[1] lock key · ARGV[1] our value (jobId|token) · ARGV[2] our job's prefix (jobId|) · ARGV[3] ttl ms
 */
const ACQUIRE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] and string.sub(current, 1, string.len(ARGV[2])) ~= ARGV[2] then
  return current
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return false
`;

/** KEYS[1] lock key · ARGV[1] our value · ARGV[2] ttl ms. 1 when still ours. */
const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

/** KEYS[1] lock key · ARGV[1] our value. Never deletes a lock another attempt has taken over. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

type LockingRedis = Redis & {
  horrorcastLockAcquire(key: string, value: string, jobPrefix: string, ttlMs: number): Promise<string | null>;
  horrorcastLockRenew(key: string, value: string, ttlMs: number): Promise<number>;
  horrorcastLockRelease(key: string, value: string): Promise<number>;
};

export interface JobLock {
  /** Aborts when the lock is lost (taken over, or not renewed in time): the holder must stop. */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

export type LockAttempt = { acquired: true; lock: JobLock } | { acquired: false; heldByJobId: string };

export interface JobLockOptions {
  redis: Redis;
  key: string;
  jobId: string;
  /** Unique per processing attempt (BullMQ's job token), so a takeover is told from a renewal. */
  token: string;
  /** Expiry when not renewed: how long a dead holder blocks the next job. Renewed every third of it. */
  ttlMs: number;
}

function withLockCommands(redis: Redis): LockingRedis {
  if (!('horrorcastLockAcquire' in redis)) {
    redis.defineCommand('horrorcastLockAcquire', { numberOfKeys: 1, lua: ACQUIRE_SCRIPT });
    redis.defineCommand('horrorcastLockRenew', { numberOfKeys: 1, lua: RENEW_SCRIPT });
    redis.defineCommand('horrorcastLockRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
  }
  return redis as LockingRedis;
}

/**
 * A lease on "the one job of this kind that runs now", held across processes. BullMQ's own job
 * lock guards one job; this one guards the kind, so that two different jobs (a manual and a
 * scheduled ingest, say) never run at once however many workers there are.
 */
export async function acquireJobLock(options: JobLockOptions): Promise<LockAttempt> {
  const redis = withLockCommands(options.redis);
  const { key, ttlMs } = options;
  const value = `${options.jobId}|${options.token}`;
  const holder = await redis.horrorcastLockAcquire(key, value, `${options.jobId}|`, ttlMs);
  if (holder !== null) return { acquired: false, heldByJobId: holder.slice(0, holder.lastIndexOf('|')) };

  const lost = new AbortController();
  let renewedAt = performance.now();
  let renewing = false;
  const timer = setInterval(
    async () => {
      if (renewing) return;
      renewing = true;
      try {
        const renewed = await redis.horrorcastLockRenew(key, value, ttlMs);
        if (renewed === 1) renewedAt = performance.now();
        else lost.abort(new Error(`lost the lock ${key}: another attempt took it over`));
      } catch (error) {
        // Redis unreachable: keep trying until the lease has run out, then stop.
        if (performance.now() - renewedAt >= ttlMs) {
          lost.abort(new Error(`lost the lock ${key}: could not renew it (${(error as Error).message})`));
        }
      } finally {
        renewing = false;
      }
      if (lost.signal.aborted) clearInterval(timer);
    },
    Math.max(50, Math.floor(ttlMs / 3)),
  );

  return {
    acquired: true,
    lock: {
      lost: lost.signal,
      async release() {
        clearInterval(timer);
        await redis.horrorcastLockRelease(key, value);
      },
    },
  };
}
