import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { errorBody, HttpError } from '../errors.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/** Longer URLs are refused before routing: no endpoint needs one, and they only cost parsing. */
export const MAX_URL_LENGTH = 4096;

const placeOf: Record<string, string> = {
  querystring: 'query parameter',
  params: 'path parameter',
  body: 'body field',
  headers: 'header',
};

/** Turns the first validation issue into one sentence that names the parameter and what it expects. */
function describeValidation(error: FastifyError): string {
  const issue = error.validation?.[0];
  const place = placeOf[error.validationContext ?? ''] ?? 'parameter';
  if (!issue) return error.message;
  const params = issue.params as { keys?: unknown } | undefined;
  if (issue.keyword === 'unrecognized_keys' && Array.isArray(params?.keys)) {
    const keys = params.keys.map((k) => `"${String(k)}"`).join(', ');
    return `Unknown ${place}${params.keys.length > 1 ? 's' : ''} ${keys}`;
  }
  const name = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (!name) return `Invalid ${error.validationContext ?? 'request'}: ${issue.message}`;
  return `Invalid ${place} "${name}": ${issue.message}`;
}

/** At most `limit` calls per key in each window; the counts start afresh with every window. */
function createWindowLimiter(limit: number, windowMs: number) {
  let windowStart = Date.now();
  let counts = new Map<string, number>();
  return (key: string): boolean => {
    const now = Date.now();
    if (now - windowStart >= windowMs) {
      windowStart = now;
      counts = new Map();
    }
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    return count <= limit;
  };
}

/**
 * The one error handler: 4xx answers tell the client what to fix; 5xx answers say only that
 * something failed, and the details go to the log (an HttpError is a message written for the
 * client, whatever its status). Unknown paths answer JSON 404.
 */
export function registerErrorHandling(
  app: FastifyInstance,
  options: { notFoundPerMinute?: number } = {},
): void {
  const allowNotFound = createWindowLimiter(options.notFoundPerMinute ?? 120, 60_000);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.code(400).send(errorBody(400, describeValidation(error)));
    }
    if (error instanceof HttpError) {
      const body = errorBody(error.statusCode, error.message);
      return reply
        .code(error.statusCode)
        .send(error.hint === undefined ? body : { ...body, hint: error.hint });
    }
    const statusCode = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (statusCode < 500) {
      // The client's mistake: what was wrong is worth a line, a stack trace is not.
      request.log.info({ statusCode, reason: error.message }, 'request rejected');
      return reply.code(statusCode).send(errorBody(statusCode, error.message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .code(statusCode)
      .send(errorBody(statusCode, 'The server could not answer this request; the details are in its log.'));
  });

  app.addHook('onRequest', async (request) => {
    if (request.url.length > MAX_URL_LENGTH) {
      throw new HttpError(414, `The URL is too long: at most ${MAX_URL_LENGTH} characters.`);
    }
  });

  // Scanners probe thousands of paths: past the limit an address gets 429 and no log line per probe.
  app.setNotFoundHandler((request, reply) => {
    if (!allowNotFound(request.ip)) {
      return reply
        .code(429)
        .header('retry-after', '60')
        .send(
          errorBody(429, 'Too many requests for unknown paths from this address; try again in a minute.'),
        );
    }
    request.log.info({ method: request.method, url: request.url }, 'route not found');
    return reply
      .code(404)
      .send(errorBody(404, `No such endpoint: ${request.method} ${request.url.split('?')[0]}. See /docs.`));
  });
}

const frameworkMessages: Record<string, string> = {
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is too long. See /docs for the accepted values.',
  FST_ERR_BAD_URL: 'The URL is malformed: it holds an invalid percent-encoding.',
};

/**
 * Errors Fastify meets while routing (an over-long path parameter, a malformed URL) come here before
 * any route or hook is chosen: they get the same body, security headers and request id as the rest.
 */
export function createFrameworkErrorHandler(headers: Record<string, string>) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const statusCode = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 400;
    const message = frameworkMessages[error.code] ?? 'The request could not be routed.';
    request.log.info({ statusCode, reason: error.message }, 'request rejected');
    reply
      .headers(headers)
      .header(REQUEST_ID_HEADER, request.id)
      .code(statusCode)
      .send(errorBody(statusCode, message));
  };
}

type ConnectionError = Error & { code?: string };

/** How long a refused client may keep the connection open after the answer. */
const CLOSE_GRACE_MS = 1000;

function clientErrorStatus(error: ConnectionError): { statusCode: number; message: string } {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { statusCode: 408, message: 'The request did not arrive in time; the connection is closed.' };
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return { statusCode: 431, message: 'The URL or the headers are too large (at most 16 KB together).' };
  }
  return { statusCode: 400, message: 'The request is not valid HTTP.' };
}

/**
 * Requests Node's HTTP parser refuses (too large headers, timeouts, broken syntax) never reach
 * Fastify: answered on the socket itself, still in the application's shape, then closed.
 */
export function createClientErrorHandler(logger: FastifyBaseLogger, headers: Record<string, string>) {
  return (error: ConnectionError, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const { statusCode, message } = clientErrorStatus(error);
    const requestId = randomUUID();
    logger.info({ reqId: requestId, statusCode, reason: error.code ?? error.message }, 'request refused');
    if (socket.writable) {
      const body = JSON.stringify(errorBody(statusCode, message));
      const lines = [
        `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}`,
        'content-type: application/json; charset=utf-8',
        `content-length: ${Buffer.byteLength(body)}`,
        'connection: close',
        `${REQUEST_ID_HEADER}: ${requestId}`,
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      ];
      // End rather than destroy: closing a socket with unread input sends a reset, which can make
      // the client lose the answer; the grace timer still frees a client that never hangs up.
      socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
      setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
      return;
    }
    socket.destroy(error);
  };
}
