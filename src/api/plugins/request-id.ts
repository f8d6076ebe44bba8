import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Printable ASCII, at most 128 characters: anything else could forge or flood log lines. */
const acceptableRequestId = /^[\x20-\x7e]{1,128}$/;

/**
 * The id that ties a request's log lines together. A proxy's or client's `x-request-id` is kept, so
 * that one request can be followed across services; a missing or unfit one is replaced by a new id.
 */
export function requestIdOf(request: IncomingMessage): string {
  const sent = request.headers[REQUEST_ID_HEADER];
  return typeof sent === 'string' && acceptableRequestId.test(sent) ? sent : randomUUID();
}

/** Every answer names its request id, errors included, so a user's report leads to the log lines. */
export function registerRequestIdEcho(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}
