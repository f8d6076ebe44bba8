import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers. The content-security policy admits only scripts and styles served by this
 * application: no inline script, no CDN. The dashboard and Chart.js run under it unchanged.
 */
const directives = {
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
};

export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  // Swagger UI (/docs) writes <style> elements from its React components: its pages alone allow
  // inline styles. Scripts stay limited to 'self' everywhere. Added before helmet's own onRoute
  // hook, which reads `route.helmet`.
  app.addHook('onRoute', (route) => {
    if (route.url === '/docs' || route.url.startsWith('/docs/')) {
      route.helmet = {
        contentSecurityPolicy: { directives: { ...directives, styleSrc: ["'self'", "'unsafe-inline'"] } },
      };
    }
  });
  await app.register(helmet, {
    contentSecurityPolicy: { directives },
    // Same-origin API: nothing here is meant to be embedded or read by other sites.
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}
