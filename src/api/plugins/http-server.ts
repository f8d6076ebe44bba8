import type { Server } from 'node:http';
import type { FastifyBaseLogger, FastifyHttpOptions } from 'fastify';
import { createClientErrorHandler, createFrameworkErrorHandler } from './errors.js';
import type { RateLimitSettings } from './rate-limits.js';
import { requestIdOf } from './request-id.js';
import { securityHeaders } from './security.js';

/** How the web server meets the network; from the configuration, with defaults for tests. */
export interface HttpSettings {
  /** Whose X-Forwarded-For to believe: nobody, everybody, the nearest N proxies, or these addresses. */
  trustProxy: boolean | number | string[];
  /** The longest a request may take to arrive, and a connection may stay silent, before it is closed. */
  requestTimeoutMs: number;
  rateLimits: RateLimitSettings;
}

export const defaultHttpSettings: HttpSettings = {
  trustProxy: false,
  requestTimeoutMs: 30_000,
  rateLimits: { readsPerMinute: 120, predictPerMinute: 60 },
};

/**
 * Fastify's server options for a hostile network: a slow or stalled client is cut off, the client's
 * address is read through trusted proxies only, and even the errors Fastify answers before routing
 * carry the application's error shape, security headers and request id.
 */
export function httpServerOptions(settings: HttpSettings, logger: FastifyBaseLogger) {
  const headers = securityHeaders();
  const { trustProxy } = settings;
  return {
    trustProxy:
      typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
    requestTimeout: settings.requestTimeoutMs,
    connectionTimeout: settings.requestTimeoutMs,
    // Node checks the request and header deadlines on a timer (every 30 s by default), which would
    // let a trickling client hold a connection for twice the timeout.
    http: {
      headersTimeout: settings.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, settings.requestTimeoutMs),
    },
    genReqId: requestIdOf,
    frameworkErrors: createFrameworkErrorHandler(headers),
    clientErrorHandler: createClientErrorHandler(logger, headers),
  } satisfies FastifyHttpOptions<Server>;
}
