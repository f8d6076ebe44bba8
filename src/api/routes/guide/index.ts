import type { FastifyPluginAsync } from 'fastify';
import { HttpError } from '../../errors.js';
import type { GuidePage } from '../../services/guide.js';

export interface GuideRouteOptions {
  guide: GuidePage;
}

/** GET /guide: docs/ML.md as a page, linked from the dashboard's header and each chart's "?". */
const guideRoutes: FastifyPluginAsync<GuideRouteOptions> = async (app, { guide }) => {
  app.get('', { schema: { hide: true } }, async (_request, reply) => {
    const html = await guide.html();
    if (html === null) throw new HttpError(404, 'The guide (docs/ML.md) is not part of this installation.');
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  });
};

export default guideRoutes;
