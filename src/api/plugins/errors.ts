import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { errorBody, HttpError } from '../errors.js';

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
      request.log.info({ err: error, statusCode }, 'request rejected');
      return reply.code(statusCode).send(errorBody(statusCode, error.message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .code(statusCode)
      .send(errorBody(statusCode, 'The server could not answer this request; the details are in its log.'));
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
