import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { createLogger } from '../../src/config/logger.js';
import { type BullmqJobRunner, createBullmqJobRunner } from '../../src/jobs/bullmq.js';
import { buildTestApp, type TestApp } from '../api/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { describeWithRedis } from '../helpers/redis.js';

const adminToken = 'queue-board-admin-token-0123456789abcdef';
const timetable = { ingest: '0 3 * * *', train: '0 * * * *' };
const form = (token: string) => ({
  method: 'POST' as const,
  url: '/admin/queues/login',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams({ token }).toString(),
});

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('sqlite');
});
afterAll(async () => {
  await database?.drop();
});

describe('/admin/queues in the embedded shape', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await buildTestApp(database.handle, { adminToken });
  });
  afterAll(async () => {
    await test?.app.close();
  });

  it('answers an HTML page that explains there is no queue, at the board and below it', async () => {
    for (const url of ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues']) {
      const response = await test.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.body).toContain('No job queue here');
      expect(response.body).toContain('embedded shape');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });
});

describeWithRedis('/admin/queues in the scaled shape', (redis) => {
  let runner: BullmqJobRunner;
  let app: FastifyInstance;

  async function build(token: string | undefined, trustProxy = false): Promise<FastifyInstance> {
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    const built = await buildApp({
      stores: database.stores,
      databaseKind: database.dialect,
      logger: createLogger({ level: 'silent' }, sink),
      jobs: runner,
      boardQueues: runner.queues,
      settings: { adminToken: token, pollIntervalMs: 30_000, configuredSource: 'demo', started: new Date() },
      http: { trustProxy },
    });
    await built.ready();
    return built;
  }

  beforeAll(async () => {
    runner = createBullmqJobRunner({
      url: redis().url,
      prefix: redis().prefix,
      logger: createLogger({ level: 'silent' }),
      timetable,
    });
    await runner.enqueueIngest();
    app = await build(adminToken);
  });
  afterAll(async () => {
    await app?.close();
    await runner?.close();
  });

  async function signIn(): Promise<string> {
    const response = await app.inject(form(adminToken));
    expect(response.statusCode).toBe(303);
    const cookie = String(response.headers['set-cookie']);
    return cookie.split(';')[0]!;
  }

  it('sends a browser that has not signed in to the sign-in form', async () => {
    const page = await app.inject({ method: 'GET', url: '/admin/queues' });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/admin/queues/login');
    const form = await app.inject({ method: 'GET', url: '/admin/queues/login' });
    expect(form.statusCode).toBe(200);
    expect(form.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(form.body).toContain('<form method="post" action="/admin/queues/login">');
    expect(form.body).toContain('type="password"');
  });

  it('refuses the board API without a session, in the app error shape', async () => {
    const response = await app.inject({ method: 'GET', url: '/admin/queues/api/queues' });
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body)).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: expect.any(String),
    });
  });

  it('refuses a wrong token with the form again and sets no cookie', async () => {
    const response = await app.inject({ ...form('not-the-token'), remoteAddress: '198.51.100.20' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.body).toContain('That is not the admin token.');
  });

  it('signs in with the token: an HttpOnly, SameSite=Strict cookie for the board path, not Secure over http', async () => {
    const response = await app.inject(form(adminToken));
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/admin/queues/');
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^horrorcast_admin=\d+\.[\w-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/admin/queues');
    expect(cookie).not.toContain('Secure');
    expect(cookie).not.toContain(adminToken);
  });

  it('shows the board and its queues to a signed-in browser', async () => {
    const cookie = await signIn();
    const page = await app.inject({ method: 'GET', url: '/admin/queues/', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('__UI_CONFIG__');
    // The page's own scripts load from this origin, which the content-security policy admits.
    const script = /<script defer src="(static\/js\/main\.[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    const asset = await app.inject({ method: 'GET', url: `/admin/queues/${script}`, headers: { cookie } });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const api = await app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { cookie } });
    expect(api.statusCode).toBe(200);
    const names = (JSON.parse(api.body) as { queues: Array<{ name: string }> }).queues.map((q) => q.name);
    expect(names.sort()).toEqual(['ingest', 'train']);
  });

  it('rejects a forged or tampered cookie', async () => {
    const cookie = await signIn();
    const [name, value] = cookie.split('=') as [string, string];
    const [expiry, mac] = value.split('.') as [string, string];
    const later = `${name}=${Number(expiry) + 60}.${mac}`;
    for (const forged of [later, `${name}=${expiry}.${'A'.repeat(43)}`, `${name}=${adminToken}`]) {
      const response = await app.inject({
        method: 'GET',
        url: '/admin/queues/',
        headers: { cookie: forged },
      });
      expect(response.statusCode).toBe(303);
    }
  });

  it('signs out by clearing the cookie', async () => {
    const response = await app.inject({ method: 'POST', url: '/admin/queues/logout' });
    expect(response.statusCode).toBe(303);
    expect(String(response.headers['set-cookie'])).toMatch(
      /^horrorcast_admin=; Path=\/admin\/queues; Max-Age=0/,
    );
  });

  it('marks the cookie Secure when the request came over https through a trusted proxy', async () => {
    const proxied = await build(adminToken, true);
    try {
      const response = await proxied.inject({
        ...form(adminToken),
        headers: { ...form(adminToken).headers, 'x-forwarded-proto': 'https' },
      });
      expect(response.statusCode).toBe(303);
      expect(String(response.headers['set-cookie'])).toContain('; Secure');
    } finally {
      await proxied.close();
    }
  });

  it('refuses the form after ten wrong tokens from one client, even the right one', async () => {
    const client = '198.51.100.77';
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await app.inject({ ...form('wrong'), remoteAddress: client })).statusCode).toBe(401);
    }
    const blocked = await app.inject({ ...form(adminToken), remoteAddress: client });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.headers['set-cookie']).toBeUndefined();
  });

  it('explains that the board is disabled without ADMIN_TOKEN', async () => {
    const closed = await build(undefined);
    try {
      const response = await closed.inject({ method: 'GET', url: '/admin/queues/login' });
      expect(response.statusCode).toBe(503);
      expect(response.body).toContain('openssl rand -hex 32');
      expect((await closed.inject(form('anything'))).statusCode).toBe(503);
    } finally {
      await closed.close();
    }
  });
});
