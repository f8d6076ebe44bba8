import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorBody } from '../../../errors.js';
import { contentSecurityDirectives } from '../../../plugins/security.js';
import type { AdminTokens } from '../../../services/admin-auth.js';
import {
  ADMIN_COOKIE,
  clearedSessionCookie,
  cookieValue,
  createAdminSessions,
  sessionCookie,
} from '../../../services/admin-session.js';
import { noQueuePage, signInPage } from './pages.js';

/** Where the board lives; every path below it belongs to it. */
export const QUEUE_BOARD_PATH = '/admin/queues';

export interface QueueBoardOptions {
  /** The scaled shape's BullMQ queues; absent in the embedded shape, which has no queue to show. */
  queues?: readonly Queue[];
  adminToken: string | undefined;
  /** Shared with the bearer guard, so that wrong tokens count together wherever they are tried. */
  adminTokens: AdminTokens;
}

const signInForm = z.object({ token: z.string().max(1024).optional() });

/**
 * The board's pages write inline styles (bull-board's React components and our three small
 * pages); scripts stay limited to this origin. Hidden from the OpenAPI document: these are pages,
 * not API.
 */
function markAsPages(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
    route.config = {
      ...route.config,
      helmet: {
        contentSecurityPolicy: {
          directives: { ...contentSecurityDirectives, styleSrc: ["'self'", "'unsafe-inline'"] },
        },
      },
    } as typeof route.config;
  });
}

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(html);
}

/** The embedded shape: jobs run inside the web process, there is no queue, and the page says so. */
async function explainNoQueue(app: FastifyInstance): Promise<void> {
  markAsPages(app);
  const answer = async (_request: FastifyRequest, reply: FastifyReply) => sendPage(reply, 404, noQueuePage());
  app.get('/', answer);
  app.get('/*', answer);
}

/** Forms arrive URL-encoded; only the sign-in form is read, so only this scope parses them. */
function parseForms(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
}

/** The scaled shape: bull-board behind a sign-in form that sets an HttpOnly, SameSite=Strict cookie. */
async function serveBoard(app: FastifyInstance, queues: readonly Queue[], options: QueueBoardOptions) {
  markAsPages(app);
  parseForms(app);
  const { adminToken, adminTokens } = options;
  const sessions = adminToken ? createAdminSessions(adminToken) : undefined;
  const cookieOptions = (request: FastifyRequest) => ({
    secure: request.protocol === 'https',
    path: QUEUE_BOARD_PATH,
  });
  const signedIn = (request: FastifyRequest) =>
    sessions?.verify(cookieValue(request.headers.cookie, ADMIN_COOKIE)) === true;

  app.get('/login', async (request, reply) => {
    if (!sessions) return sendPage(reply, 503, signInPage({ disabled: true }));
    if (signedIn(request)) return reply.redirect(`${QUEUE_BOARD_PATH}/`, 303);
    return sendPage(reply, 200, signInPage({}));
  });

  app.post('/login', async (request, reply) => {
    const form = signInForm.safeParse(request.body ?? {});
    const verdict = adminTokens.check(request.ip, form.success ? form.data.token : undefined);
    switch (verdict.kind) {
      case 'disabled':
        return sendPage(reply, 503, signInPage({ disabled: true }));
      case 'blocked':
        request.log.warn({ client: request.ip }, 'queue board sign-in refused: too many wrong tokens');
        reply.header('retry-after', String(verdict.waitSeconds));
        return sendPage(reply, 429, signInPage({ waitSeconds: verdict.waitSeconds }));
      case 'wrong':
        return sendPage(reply, 401, signInPage({ wrongToken: true }));
      case 'accepted':
        reply.header('set-cookie', sessionCookie(sessions!.issue(), cookieOptions(request)));
        return reply.redirect(`${QUEUE_BOARD_PATH}/`, 303);
    }
  });

  app.post('/logout', async (request, reply) => {
    reply.header('set-cookie', clearedSessionCookie(cookieOptions(request)));
    return reply.redirect(`${QUEUE_BOARD_PATH}/login`, 303);
  });

  const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/fastify'),
  ]);
  await app.register(async (board) => {
    // Pages send a browser to the form; the board's own API calls get the app's JSON error.
    board.addHook('onRequest', async (request, reply) => {
      if (signedIn(request)) return;
      if (request.method === 'GET' && !request.url.startsWith(`${QUEUE_BOARD_PATH}/api/`)) {
        return reply.redirect(`${QUEUE_BOARD_PATH}/login`, 303);
      }
      return reply.code(401).send(errorBody(401, `Sign in at ${QUEUE_BOARD_PATH}/login first.`));
    });
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({
      queues: queues.map((queue) => new BullMQAdapter(queue)),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'Horrorcast jobs' } },
    });
    await board.register(serverAdapter.registerPlugin());
  });
}

/**
 * GET /admin/queues: in the scaled shape, bull-board over the job queues, for whoever has signed in
 * with the admin token; in the embedded shape, a page that explains why there is no queue.
 */
export async function registerQueueBoard(app: FastifyInstance, options: QueueBoardOptions): Promise<void> {
  const { queues } = options;
  await app.register(
    async (scope) => {
      if (queues) await serveBoard(scope, queues, options);
      else await explainNoQueue(scope);
    },
    { prefix: QUEUE_BOARD_PATH },
  );
}
