import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { statusResponse } from '../../../schemas/status.js';
import type { RouteOptions } from '../../../services/index.js';

const sources = new Set(['demo', 'tmdb', 'import'] as const);
type Source = 'demo' | 'tmdb' | 'import';

/** GET /api/status: the last collection and training, the model on show, and where the data came from. */
const statusRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  const { movies, runs, models, hints, settings, insights } = services;
  app.get(
    '',
    {
      schema: {
        operationId: 'getStatus',
        tags: ['operations'],
        summary: 'Last collection and training, model scores, data source',
        response: { 200: statusResponse },
      },
    },
    async () => {
      const [counts, ingest, train, model, shownSource, modelAlerts] = await Promise.all([
        movies.counts(),
        runs.latestIngest(),
        runs.latestTrain(),
        models.latest(),
        runs.latestSucceededSource(),
        insights.modelAlerts(),
      ]);
      const dataSource: Source = sources.has(shownSource as Source)
        ? (shownSource as Source)
        : settings.configuredSource;
      return {
        version: services.version,
        data_source: dataSource,
        configured_source: settings.configuredSource,
        films: counts.films,
        snapshots: counts.snapshots,
        last_collection: ingest
          ? {
              id: ingest.id,
              status: ingest.status,
              source: ingest.source,
              source_file: ingest.source_file,
              started_at: ingest.started_at,
              finished_at: ingest.finished_at,
              new_films: ingest.new_films,
              updated_films: ingest.updated_films,
              snapshots: ingest.snapshots,
              failure_count: ingest.failure_count,
              skipped: ingest.skipped,
            }
          : null,
        last_training: train
          ? {
              id: train.id,
              status: train.status,
              started_at: train.started_at,
              finished_at: train.finished_at,
              sample_count: train.sample_count,
              duration_seconds: train.duration_seconds,
              error: train.error,
            }
          : null,
        model: model
          ? {
              run_id: model.run.id,
              trained_at: model.run.finished_at,
              sample_count: model.run.sample_count,
              scores: model.scores,
            }
          : null,
        model_alerts: modelAlerts,
        hint: counts.films === 0 ? await hints.noFilms() : model ? null : await hints.noModel(),
      };
    },
  );
};

export default statusRoutes;
