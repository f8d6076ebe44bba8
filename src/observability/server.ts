import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../config/logger.js';
import type { Metrics } from './metrics.js';

/** What /health reports: ok, or the reason the process cannot do its work. */
export type HealthCheck = () => Promise<{ ok: true } | { ok: false; reason: string }>;

export interface MetricsServerOptions {
  metrics: Metrics;
  health: HealthCheck;
  host: string;
  port: number;
  logger: Logger;
}

export interface MetricsServer {
  /** The port listened on (the one asked for, or the one chosen for port 0). */
  readonly port: number;
  close(): Promise<void>;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}

/**
 * The small HTTP server of the processes without a web app (`worker`, `scheduler`): GET /metrics
 * for Prometheus and GET /health for the container's health check, nothing else.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const log = options.logger.child({ component: 'metrics-server' });

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, {
        status_code: 405,
        error: 'Method Not Allowed',
        message: 'only GET is served here',
      });
      return;
    }
    if (path === '/metrics') {
      const body = await options.metrics.scrape();
      response.writeHead(200, { 'content-type': options.metrics.contentType, 'cache-control': 'no-store' });
      response.end(body);
      return;
    }
    if (path === '/health') {
      const health = await options.health();
      if (health.ok) sendJson(response, 200, { status: 'ok' });
      else sendJson(response, 503, { status: 'unavailable', reason: health.reason });
      return;
    }
    sendJson(response, 404, {
      status_code: 404,
      error: 'Not Found',
      message: 'this port serves /metrics and /health',
    });
  }

  const server = createServer((request, response) => {
    answer(request, response).catch((error) => {
      log.error({ err: error }, 'metrics request failed');
      if (!response.headersSent)
        sendJson(response, 500, {
          status_code: 500,
          error: 'Internal Server Error',
          message: 'see the logs',
        });
      else response.destroy();
    });
  });
  // A scrape is short; a connection that keeps sending nothing is closed.
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  log.info({ host: options.host, port }, 'serving /metrics and /health');
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
