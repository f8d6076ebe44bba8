import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../errors.js';

export type AdminGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Guards every state-changing endpoint with `Authorization: Bearer ADMIN_TOKEN`. Both sides are
 * hashed first so that timingSafeEqual compares equal lengths and the time taken says nothing about
 * the token. Without a configured token the endpoints are closed (503) rather than open.
 */
export function createAdminGuard(adminToken: string | undefined): AdminGuard {
  const expected = adminToken ? digest(adminToken) : undefined;
  return async (request, reply) => {
    if (!expected) {
      return reply
        .code(503)
        .send(
          errorBody(
            503,
            'This endpoint is disabled because ADMIN_TOKEN is not set on the server; set it and restart to start jobs over HTTP.',
          ),
        );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="horrorcast"')
        .send(errorBody(401, 'Missing or wrong admin token: send `Authorization: Bearer <ADMIN_TOKEN>`.'));
    }
    return undefined;
  };
}
