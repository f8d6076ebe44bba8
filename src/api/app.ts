import type { Queue } from 'bullmq';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from '../config/logger.js';
import type { JobRunner } from '../jobs/types.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import type { DialectName, Stores } from '../persistence/index.js';
import { registerCompression } from './plugins/compression.js';
import { registerErrorHandling } from './plugins/errors.js';
import { defaultHttpSettings, type HttpSettings, httpServerOptions } from './plugins/http-server.js';
import { registerMetrics } from './plugins/metrics.js';
import { registerOpenApi } from './plugins/openapi.js';
import { registerRateLimits } from './plugins/rate-limits.js';
import { registerRequestIdEcho } from './plugins/request-id.js';
import { RequestLogs } from './plugins/request-logs.js';
import { registerSecurityHeaders } from './plugins/security.js';
import { registerDashboardAssets } from './plugins/static.js';
import { registerQueueBoard } from './routes/admin/queues/index.js';
import configRoutes from './routes/api/config/index.js';
import apiHealthRoutes from './routes/api/health/index.js';
import classificationRoutes from './routes/api/horror/classification/index.js';
import clusteringRoutes from './routes/api/horror/clustering/index.js';
import regressionRoutes from './routes/api/horror/regression/index.js';
import insightsRoutes from './routes/api/insights/index.js';
import jobsRoutes from './routes/api/jobs/index.js';
import moviesRoutes from './routes/api/movies/index.js';
import movieListRoutes from './routes/api/movies/list.js';
import predictRoutes from './routes/api/predict/index.js';
import predictionsRoutes from './routes/api/predictions/index.js';
import runsRoutes from './routes/api/runs/index.js';
import statusRoutes from './routes/api/status/index.js';
import summaryRoutes from './routes/api/summary/index.js';
import guideRoutes from './routes/guide/index.js';
import healthRoutes from './routes/health/index.js';
import { createAdminGuard, createAdminTokens } from './services/admin-auth.js';
import { createForecastService } from './services/forecast.js';
import { createGuidePage } from './services/guide.js';
import { createHealthService } from './services/health.js';
import { createHintService } from './services/hints.js';
import type { ApiServices, ApiSettings } from './services/index.js';
import { createInsightsService } from './services/insights.js';
import { createModelResultsService } from './services/models.js';
import { createMoviesService } from './services/movies.js';
import { createRunsService } from './services/runs.js';
import { createSearchIndex } from './services/search-index.js';

export interface AppDependencies {
  /** Every read and write goes through these; routes reach them only through services. */
  stores: Stores;
  /** sqlite, mysql or postgres, as /api/health reports it. */
  databaseKind: DialectName;
  logger: Logger;
  jobs: JobRunner;
  settings: ApiSettings;
  /** Proxies, timeouts and rate limits; the defaults suit tests and a direct connection. */
  http?: Partial<HttpSettings>;
  version?: string;
  /** Dashboard files; defaults to src/web/static. */
  webRoot?: string;
  /** The guide served at /guide; defaults to docs/ML.md. */
  guidePath?: string;
  /** See ModelResultsOptions.freshnessMs. */
  modelFreshnessMs?: number;
  /** The process's metrics registry, served at /metrics; a fresh one without process metrics otherwise. */
  metrics?: Metrics;
  /** The scaled shape's BullMQ queues, shown at /admin/queues; absent in the embedded shape. */
  boardQueues?: readonly Queue[];
}

/** Composes the web application: infrastructure, then stores and services, then routes. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const http = { ...defaultHttpSettings, ...deps.http };
  const version = deps.version ?? '0.0.0';
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new RequestLogs(),
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
    ...httpServerOptions(http, deps.logger as FastifyBaseLogger),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  registerRequestIdEcho(app);
  await registerSecurityHeaders(app);
  await registerRateLimits(app, http.rateLimits);
  await registerCompression(app);
  registerErrorHandling(app);
  await registerOpenApi(app, { version });
  registerMetrics(app, deps.metrics ?? createMetrics({ process: 'web', collectProcessMetrics: false }));
  await registerDashboardAssets(app, { webRoot: deps.webRoot });

  const { stores } = deps;
  const movies = createMoviesService(stores.films);
  const runs = createRunsService(stores.collectionRuns, stores.trainingRuns, deps.settings.runStaleAfterMs);
  const adminTokens = createAdminTokens(deps.settings.adminToken);
  const models = createModelResultsService(stores.trainingRuns, { freshnessMs: deps.modelFreshnessMs });
  const services: ApiServices = {
    health: createHealthService({ stores, databaseKind: deps.databaseKind }),
    jobs: deps.jobs,
    movies,
    runs,
    models,
    forecast: createForecastService(stores.films, models),
    hints: createHintService(movies, runs),
    insights: createInsightsService(
      stores.insights,
      stores.trainingRuns,
      createSearchIndex(stores.insights, stores.collectionRuns),
    ),
    requireAdmin: createAdminGuard(adminTokens),
    settings: deps.settings,
    version,
  };

  await app.register(healthRoutes, { prefix: '/health', services });
  await app.register(apiHealthRoutes, { prefix: '/api/health', services });
  await app.register(summaryRoutes, { prefix: '/api/summary', services });
  await app.register(predictionsRoutes, { prefix: '/api/predictions', services });
  await app.register(predictRoutes, { prefix: '/api/predict', services });
  await app.register(regressionRoutes, { prefix: '/api/horror/regression', services });
  await app.register(classificationRoutes, { prefix: '/api/horror/classification', services });
  await app.register(clusteringRoutes, { prefix: '/api/horror/clustering', services });
  await app.register(movieListRoutes, { prefix: '/api/movies', services });
  await app.register(moviesRoutes, { prefix: '/api/movies', services });
  await app.register(insightsRoutes, { prefix: '/api/insights', services });
  await app.register(runsRoutes, { prefix: '/api/runs', services });
  await app.register(jobsRoutes, { prefix: '/api/jobs', services });
  await app.register(statusRoutes, { prefix: '/api/status', services });
  await app.register(configRoutes, { prefix: '/api/config', services });
  await registerQueueBoard(app, {
    queues: deps.boardQueues,
    adminToken: deps.settings.adminToken,
    adminTokens,
  });
  await app.register(guideRoutes, { prefix: '/guide', guide: createGuidePage(deps.guidePath) });
  return app;
}
