import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../observability/metrics.js';

/** Requests that matched no route share one label, so random URLs cannot grow the series without bound. */
const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts and times every answer by its route pattern (`/api/movies/:id`, never the raw URL), and
 * serves the process's metrics at GET /metrics in Prometheus's text format.
 */
export function registerMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequest({
      method: request.method,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      statusCode: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
  });
  app.get(
    '/metrics',
    {
      schema: {
        operationId: 'getMetrics',
        tags: ['operations'],
        summary: 'Prometheus metrics of this process',
        description:
          'HTTP requests by route and status with latency histograms, TMDB traffic, collection and training ' +
          'durations and outcomes, films and snapshots, the newest model scores, queue depths, process metrics.',
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      const body = await metrics.scrape();
      return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(body);
    },
  );
}
