import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Security headers. The content-security policy admits only scripts and styles served by this
 * application: no inline script, no CDN; images also from TMDB's image server (posters). The dashboard and Chart.js run under it unchanged.
 */
export const contentSecurityDirectives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  // Film posters come from TMDB's image server; nothing else from outside is loaded.
  imgSrc: ["'self'", 'data:', 'https://image.tmdb.org'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  // The service is often reached over plain http on a private address; upgrading would break it.
  upgradeInsecureRequests: null,
};

const helmetOptions = {
  contentSecurityPolicy: { directives: contentSecurityDirectives },
  // Same-origin API: nothing here is meant to be embedded or read by other sites.
  crossOriginResourcePolicy: { policy: 'same-origin' },
} satisfies HelmetOptions;

/**
 * The headers every answer carries, as a plain map: for the few answers that Fastify writes before any
 * route (and so any hook) is chosen, such as a malformed URL or a request that never finished.
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: () => {},
  };
  helmet(helmetOptions)(
    {} as Parameters<ReturnType<typeof helmet>>[0],
    collector as unknown as Parameters<ReturnType<typeof helmet>>[1],
    () => {},
  );
  return headers;
}

export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  // Swagger UI (/docs) writes <style> elements from its React components: its pages alone allow
  // inline styles. Scripts stay limited to 'self' everywhere. Added before helmet's own onRoute
  // hook, which reads `route.helmet`.
  app.addHook('onRoute', (route) => {
    if (route.url === '/docs' || route.url.startsWith('/docs/')) {
      route.helmet = {
        contentSecurityPolicy: {
          directives: { ...contentSecurityDirectives, styleSrc: ["'self'", "'unsafe-inline'"] },
        },
      };
    }
  });
  await app.register(fastifyHelmet, helmetOptions);
}
