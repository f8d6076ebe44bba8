import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { JobStatus } from '../../../../jobs/types.js';
import { HttpError } from '../../../errors.js';
import { errorResponse } from '../../../schemas/common.js';
import { authHeaders, ingestJobBody, jobAccepted, jobParams, jobStatus } from '../../../schemas/jobs.js';
import type { RouteOptions } from '../../../services/index.js';
import { snakeCaseKeys } from '../../../snake-case.js';

function view(job: JobStatus) {
  return {
    id: job.id,
    kind: job.kind,
    state: job.state,
    progress: job.progress && (snakeCaseKeys(job.progress) as Record<string, unknown>),
    result: snakeCaseKeys(job.result),
    error: job.error,
    created_at: job.createdAt,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
  };
}

/** /api/jobs: start a collection or a training run (admin token), and follow a job. */
const jobsRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  const { jobs, requireAdmin } = services;
  const adminResponses = { 202: jobAccepted, 400: errorResponse, 401: errorResponse, 503: errorResponse };

  app.post(
    '/ingest',
    {
      onRequest: requireAdmin,
      schema: {
        operationId: 'startCollection',
        tags: ['operations'],
        summary: 'Queue a collection (joins one already waiting or running)',
        security: [{ adminToken: [] }],
        headers: authHeaders,
        body: ingestJobBody,
        response: adminResponses,
      },
    },
    async (request, reply) => {
      const { id, deduplicated } = await jobs.enqueueIngest(request.body ?? {});
      return reply.code(202).send({ id, deduplicated, status_url: `/api/jobs/${encodeURIComponent(id)}` });
    },
  );

  app.post(
    '/train',
    {
      onRequest: requireAdmin,
      schema: {
        operationId: 'startTraining',
        tags: ['operations'],
        summary: 'Queue a training run (joins one already waiting or running)',
        security: [{ adminToken: [] }],
        headers: authHeaders,
        response: adminResponses,
      },
    },
    async (_request, reply) => {
      const { id, deduplicated } = await jobs.enqueueTrain();
      return reply.code(202).send({ id, deduplicated, status_url: `/api/jobs/${encodeURIComponent(id)}` });
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        operationId: 'getJob',
        tags: ['operations'],
        summary: 'State, progress and result of a job',
        params: jobParams,
        response: { 200: jobStatus, 400: errorResponse, 404: errorResponse },
      },
    },
    async (request) => {
      const job = await jobs.getJob(request.params.id);
      if (!job)
        throw new HttpError(404, `No job with id ${request.params.id}: it never existed or has expired.`);
      return view(job);
    },
  );
};

export default jobsRoutes;
