import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../errors.js';

export type AdminGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

export interface AdminFailureLimit {
  /** Wrong or missing tokens a client may send in one window; the next attempt answers 429. */
  maxFailures: number;
  windowMs: number;
}

const defaultFailureLimit: AdminFailureLimit = { maxFailures: 10, windowMs: 15 * 60_000 };

/** Clients remembered at once; past it the oldest are forgotten, so a flood cannot fill memory. */
const MAX_TRACKED_CLIENTS = 10_000;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Failed attempts per client in fixed windows: enough to make guessing the token hopeless. */
function createFailureCounter(limit: AdminFailureLimit, now: () => number) {
  const failures = new Map<string, { count: number; windowStart: number }>();
  const current = (client: string) => {
    const entry = failures.get(client);
    if (entry && now() - entry.windowStart >= limit.windowMs) {
      failures.delete(client);
      return undefined;
    }
    return entry;
  };
  return {
    /** Seconds until the client may try again, or 0 when it may try now. */
    blockedFor(client: string): number {
      const entry = current(client);
      if (!entry || entry.count < limit.maxFailures) return 0;
      return Math.ceil((entry.windowStart + limit.windowMs - now()) / 1000);
    },
    record(client: string): void {
      const entry = current(client);
      if (entry) {
        entry.count += 1;
        return;
      }
      if (failures.size >= MAX_TRACKED_CLIENTS) failures.delete(failures.keys().next().value as string);
      failures.set(client, { count: 1, windowStart: now() });
    },
  };
}

/** What a presented admin token comes to. */
export type AdminTokenVerdict =
  | { kind: 'accepted' }
  | { kind: 'disabled' }
  | { kind: 'wrong' }
  | { kind: 'blocked'; waitSeconds: number };

/** Checks presented tokens, counting wrong ones per client; shared by the bearer guard and the sign-in form. */
export interface AdminTokens {
  check(client: string, presented: string | undefined): AdminTokenVerdict;
}

/**
 * Both sides are hashed first so that timingSafeEqual compares equal lengths and the time taken
 * says nothing about the token. Without a configured token nothing is accepted. A client that
 * keeps sending wrong tokens is refused until its window ends, whatever it sends.
 */
export function createAdminTokens(
  adminToken: string | undefined,
  options: { failureLimit?: AdminFailureLimit; now?: () => number } = {},
): AdminTokens {
  const expected = adminToken ? digest(adminToken) : undefined;
  const failures = createFailureCounter(options.failureLimit ?? defaultFailureLimit, options.now ?? Date.now);
  return {
    check(client, presented) {
      if (!expected) return { kind: 'disabled' };
      const waitSeconds = failures.blockedFor(client);
      if (waitSeconds > 0) return { kind: 'blocked', waitSeconds };
      if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
        failures.record(client);
        return { kind: 'wrong' };
      }
      return { kind: 'accepted' };
    },
  };
}

/**
 * Guards every state-changing endpoint with `Authorization: Bearer ADMIN_TOKEN`. Without a
 * configured token the endpoints are closed (503) rather than open; too many wrong tokens from one
 * client answer 429 until its window ends.
 */
export function createAdminGuard(
  adminToken: string | undefined | AdminTokens,
  options: { failureLimit?: AdminFailureLimit; now?: () => number } = {},
): AdminGuard {
  const tokens = typeof adminToken === 'object' ? adminToken : createAdminTokens(adminToken, options);
  return async (request, reply) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const verdict = tokens.check(request.ip, match?.[1]);
    if (verdict.kind === 'disabled') {
      return reply
        .code(503)
        .send(
          errorBody(
            503,
            'This endpoint is disabled because ADMIN_TOKEN is not set on the server; set it and restart to start jobs over HTTP.',
          ),
        );
    }
    if (verdict.kind === 'blocked') {
      request.log.warn({ client: request.ip }, 'admin endpoint refused: too many wrong tokens');
      return reply
        .code(429)
        .header('retry-after', String(verdict.waitSeconds))
        .send(
          errorBody(
            429,
            `Too many wrong admin tokens from this address; try again in ${verdict.waitSeconds} seconds.`,
          ),
        );
    }
    if (verdict.kind === 'wrong') {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="horrorcast"')
        .send(errorBody(401, 'Missing or wrong admin token: send `Authorization: Bearer <ADMIN_TOKEN>`.'));
    }
    return undefined;
  };
}
