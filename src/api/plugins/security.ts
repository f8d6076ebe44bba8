import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers. The content-security policy admits only scripts and styles served by this
 * application: no inline script, no CDN. Swagger UI and Chart.js both run under it.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // The service is often reached over plain http on a private address; upgrading would break it.
        upgradeInsecureRequests: null,
      },
    },
    // Same-origin API: nothing here is meant to be embedded or read by other sites.
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}
