import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';

/**
 * The OpenAPI document is generated from the same zod schemas that validate requests: every route
 * names its operationId, shared schemas are named components, timestamps are `date-time`. Swagger UI
 * at /docs is served from the package's own files (no CDN); see security.ts for its CSP.
 */
export async function registerOpenApi(app: FastifyInstance, options: { version: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Horrorcast API',
        description:
          'Horror films from TMDB, their history, and what the models predict. Read endpoints are open; ' +
          'endpoints that start jobs need `Authorization: Bearer ADMIN_TOKEN`.',
        version: options.version,
      },
      tags: [
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'films', description: 'Collected films and their history' },
        { name: 'models', description: 'Results of the newest successful training run' },
        { name: 'operations', description: 'Runs, jobs and dashboard settings' },
      ],
      components: {
        securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' } },
      },
    },
    transform: createJsonSchemaTransform({ skipList: ['/docs', '/docs/*', '/docs/json', '/docs/yaml'] }),
    // Schemas given an id (`.meta({ id })` in src/api/schemas) become named components, referred to by $ref.
    transformObject: createJsonSchemaTransformObject({}),
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true, validatorUrl: null, defaultModelsExpandDepth: 0 },
  });
}
