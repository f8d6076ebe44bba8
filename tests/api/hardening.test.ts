import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cutPage, PAGE_BLOCK, windowOf } from '../../src/api/services/pages.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from './app.js';
import { seedDatabase } from './seed.js';

const adminToken = 'hardening-admin-token-0123456789abcdef';

/** The application's error body, with the security headers and a request id. */
function expectAppError(
  response: { statusCode: number; headers: Record<string, unknown>; body: string },
  statusCode: number,
) {
  expect(response.statusCode).toBe(statusCode);
  expect(JSON.parse(response.body)).toEqual({
    statusCode,
    error: expect.any(String),
    message: expect.any(String),
  });
  expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(response.headers['x-request-id']).toEqual(expect.any(String));
}

/** Sends raw bytes and collects everything the server answers until it closes the connection. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += String(chunk);
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(request);
  });
}

function parseRawAnswer(raw: string) {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { statusCode: Number(statusLine.split(' ')[1]), headers, body };
}

let database: TestDatabase;
let test: TestApp | undefined;

beforeAll(async () => {
  database = await createTestDatabase('sqlite');
  await seedDatabase(database.stores);
});
afterEach(async () => {
  await test?.app.close();
  test = undefined;
});
afterAll(async () => {
  await database?.drop();
});

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return address.port;
}

describe('admin token attempts', () => {
  it('answers 429 with Retry-After after 10 wrong tokens from one client, even to the right token', async () => {
    test = await buildTestApp(database.handle, { adminToken });
    const attempt = (token: string, remoteAddress = '203.0.113.7') =>
      test!.app.inject({
        method: 'POST',
        url: '/api/jobs/train',
        headers: { authorization: `Bearer ${token}` },
        remoteAddress,
      });
    for (let i = 0; i < 10; i++) expect((await attempt(`wrong-${i}`)).statusCode).toBe(401);
    const refused = await attempt(adminToken);
    expectAppError(refused, 429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(test.jobs.trainRequests).toBe(0);
    expect((await attempt(adminToken, '203.0.113.8')).statusCode).toBe(202);
  });
});

describe('rate limits', () => {
  it('limits expensive reads per client and endpoint, never /health or the dashboard', async () => {
    test = await buildTestApp(database.handle, {
      http: { rateLimits: { readsPerMinute: 3, predictPerMinute: 1 } },
    });
    const get = (url: string, remoteAddress = '198.51.100.1') =>
      test!.app.inject({ method: 'GET', url, remoteAddress });
    for (let i = 0; i < 3; i++) expect((await get('/api/horror/clustering/pca')).statusCode).toBe(200);
    const limited = await get('/api/horror/clustering/pca');
    expectAppError(limited, 429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().message).toMatch(/at most 3 a minute/);
    expect((await get('/api/predictions')).statusCode).toBe(200);
    expect((await get('/api/horror/clustering/pca', '198.51.100.2')).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) expect((await get('/api/movies/1', '198.51.100.3')).statusCode).toBe(200);
    expectAppError(await get('/api/movies/1', '198.51.100.3'), 429);
    for (let i = 0; i < 5; i++) {
      expect((await get('/health')).headers['x-ratelimit-limit']).toBeUndefined();
      expect((await get('/health')).statusCode).toBe(200);
      expect((await get('/')).statusCode).toBe(200);
      expect((await get('/vendor/chart.js/chart.umd.min.js')).statusCode).toBe(200);
    }
  });

  it('limits POST /api/predict on its own setting', async () => {
    test = await buildTestApp(database.handle, {
      http: { rateLimits: { readsPerMinute: 100, predictPerMinute: 1 } },
    });
    const predict = () => test!.app.inject({ method: 'POST', url: '/api/predict', payload: {} });
    expect((await predict()).statusCode).toBe(400);
    expectAppError(await predict(), 429);
  });

  it('tells clients behind a trusted proxy apart, and ignores X-Forwarded-For from anyone else', async () => {
    const fromProxy = (app: FastifyInstance, client: string) =>
      app.inject({
        method: 'GET',
        url: '/api/predictions',
        remoteAddress: '10.0.0.5',
        headers: { 'x-forwarded-for': client },
      });
    test = await buildTestApp(database.handle, {
      http: { trustProxy: ['10.0.0.0/8'], rateLimits: { readsPerMinute: 1, predictPerMinute: 1 } },
    });
    expect((await fromProxy(test.app, '192.0.2.1')).statusCode).toBe(200);
    expect((await fromProxy(test.app, '192.0.2.2')).statusCode).toBe(200);
    expect((await fromProxy(test.app, '192.0.2.1')).statusCode).toBe(429);
    await test.app.close();

    test = await buildTestApp(database.handle, {
      http: { rateLimits: { readsPerMinute: 1, predictPerMinute: 1 } },
    });
    expect((await fromProxy(test.app, '192.0.2.1')).statusCode).toBe(200);
    expect((await fromProxy(test.app, '192.0.2.2')).statusCode).toBe(429);
  });
});

describe('slow clients', () => {
  it('closes a connection whose request body stalls', async () => {
    test = await buildTestApp(database.handle, { http: { requestTimeoutMs: 200 } });
    const port = await listen(test.app);
    const answer = await rawExchange(
      port,
      'POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"runtime":',
    );
    // Closed by the server: silently when the idle timer fires first, else with a 408 in the usual shape.
    if (answer !== '') expectAppError(parseRawAnswer(answer), 408);
  });

  it('answers 408 in the usual shape to a body that trickles in past the deadline', async () => {
    test = await buildTestApp(database.handle, { http: { requestTimeoutMs: 500 } });
    const port = await listen(test.app);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      // A byte every 20 ms keeps the connection from ever being idle: only the request deadline ends it.
      const trickle = setInterval(() => socket.writable && socket.write(' '), 20);
      socket.on('data', (chunk) => {
        received += String(chunk);
      });
      // The server closes after answering while the client may still be writing: the reset that
      // follows is part of the ending, and the answer already received is what is checked.
      socket.on('error', (error: NodeJS.ErrnoException) =>
        error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve(received) : reject(error),
      );
      socket.on('close', () => {
        clearInterval(trickle);
        resolve(received);
      });
      socket.write(
        'POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{',
      );
    });
    expectAppError(parseRawAnswer(answer), 408);
  });
});

describe('errors Fastify answers itself', () => {
  it('gives over-long path parameters (a 150-character job id) the application shape', async () => {
    test = await buildTestApp(database.handle);
    const response = await test.app.inject({ method: 'GET', url: `/api/jobs/${'j'.repeat(150)}` });
    expectAppError(response, 414);
    expect(response.json().message).toMatch(/path parameter is too long/);
  });

  it('gives malformed percent-encoding the application shape', async () => {
    test = await buildTestApp(database.handle);
    const response = await test.app.inject({ method: 'GET', url: '/api/movies/%E0%A4%A' });
    expectAppError(response, 400);
    expect(response.json().message).toMatch(/percent-encoding/);
  });

  it('refuses over-long URLs with 414', async () => {
    test = await buildTestApp(database.handle);
    const response = await test.app.inject({ method: 'GET', url: `/api/summary?q=${'x'.repeat(5000)}` });
    expectAppError(response, 414);
  });

  it('gives 413 and 415 the application shape', async () => {
    test = await buildTestApp(database.handle);
    const tooLarge = await test.app.inject({
      method: 'POST',
      url: '/api/predict',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ padding: 'x'.repeat(70 * 1024) }),
    });
    expectAppError(tooLarge, 413);
    const unsupported = await test.app.inject({
      method: 'POST',
      url: '/api/predict',
      headers: { 'content-type': 'text/xml' },
      payload: '<film/>',
    });
    expectAppError(unsupported, 415);
  });

  it('answers headers too large for the HTTP parser in the application shape', async () => {
    test = await buildTestApp(database.handle);
    const port = await listen(test.app);
    const raw = await rawExchange(
      port,
      `GET /api/summary HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'p'.repeat(20_000)}\r\n\r\n`,
    );
    expectAppError(parseRawAnswer(raw), 431);
  });
});

describe('request ids and logs', () => {
  it('echoes a valid x-request-id, replaces an unfit one and makes one when none is sent', async () => {
    test = await buildTestApp(database.handle);
    const sent = await test.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'edge-42' },
    });
    expect(sent.headers['x-request-id']).toBe('edge-42');
    expect(test.logs.join('')).toContain('"reqId":"edge-42"');
    const tooLong = await test.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'x'.repeat(129) },
    });
    expect(tooLong.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unprintable = await test.app.inject({
      method: 'GET',
      url: '/nope',
      headers: { 'x-request-id': 'a\u00e9b' },
    });
    expect(unprintable.statusCode).toBe(404);
    expect(unprintable.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const none = await test.app.inject({ method: 'GET', url: '/api/summary' });
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(none.headers['x-request-id']).not.toBe(tooLong.headers['x-request-id']);
  });

  it('logs 4xx with the message and no stack, request lines at debug', async () => {
    test = await buildTestApp(database.handle);
    await test.app.inject({
      method: 'POST',
      url: '/api/predict',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bad-json-1' },
      payload: '{',
    });
    const lines = test.logs.map((line) => JSON.parse(line)).filter((entry) => entry.reqId === 'bad-json-1');
    const rejected = lines.find((entry) => entry.msg === 'request rejected');
    expect(rejected).toMatchObject({ level: 30, statusCode: 400, reason: expect.stringMatching(/JSON/) });
    expect(JSON.stringify(rejected)).not.toContain('"stack"');
    expect(lines.find((entry) => entry.msg === 'request completed')).toMatchObject({ level: 20 });
  });

  it('logs 5xx at error level with the stack', async () => {
    const broken = await createTestDatabase('sqlite');
    try {
      await broken.handle.db.schema.alterTable('movies').renameTo('movies_gone').execute();
      test = await buildTestApp(broken.handle);
      const response = await test.app.inject({
        method: 'GET',
        url: '/api/summary',
        headers: { 'x-request-id': 'broken-1' },
      });
      expect(response.statusCode).toBe(500);
      const failed = test.logs
        .map((line) => JSON.parse(line))
        .find((entry) => entry.reqId === 'broken-1' && entry.msg === 'request failed');
      expect(failed).toMatchObject({ level: 50, err: { stack: expect.stringContaining('no such table') } });
    } finally {
      await test?.app.close();
      test = undefined;
      await broken.drop();
    }
  });
});

describe('what-if dates', () => {
  it.each(['1800-06-01', '2101-01-01'])(
    'refuses release_date %s like an out-of-range release_year',
    async (date) => {
      test = await buildTestApp(database.handle);
      const response = await test.app.inject({
        method: 'POST',
        url: '/api/predict',
        payload: { runtime: 90, vote_count: 10, release_date: date, original_language: 'en' },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toMatch(/"release_date".*1874 to 2100/);
    },
  );
});

describe('answer cache pages', () => {
  it('maps every page near the top of a list onto three windows, and reads deep pages as asked', () => {
    const windows = new Set<string>();
    for (const limit of [1, 7, 100, 2000, PAGE_BLOCK]) {
      for (const offset of [0, 1, 13, 999, PAGE_BLOCK - 1, PAGE_BLOCK, 2 * PAGE_BLOCK - limit]) {
        const window = windowOf({ limit, offset });
        expect(window.cacheable).toBe(true);
        expect(window.offset).toBeLessThanOrEqual(offset);
        expect(window.offset + window.limit).toBeGreaterThanOrEqual(offset + limit);
        windows.add(`${window.offset}:${window.limit}`);
      }
    }
    expect(windows.size).toBe(3);
    expect(windowOf({ limit: 10, offset: 2 * PAGE_BLOCK })).toEqual({
      limit: 10,
      offset: 2 * PAGE_BLOCK,
      cacheable: false,
    });
  });

  it('cuts the asked page out of its window', () => {
    const rows = Array.from({ length: 50 }, (_, i) => i + 20);
    expect(cutPage(rows, { offset: 20, limit: 50 }, { offset: 25, limit: 3 })).toEqual([25, 26, 27]);
  });

  it('answers any limit and offset with the right slice of the list', async () => {
    test = await buildTestApp(database.handle);
    const all = (await test.app.inject({ method: 'GET', url: '/api/horror/clustering/pca' })).json();
    for (const [limit, offset] of [
      [5, 0],
      [3, 7],
      [10, 35],
      [1, 39],
    ] as const) {
      const page = (
        await test.app.inject({
          method: 'GET',
          url: `/api/horror/clustering/pca?limit=${limit}&offset=${offset}`,
        })
      ).json();
      expect(page.total).toBe(all.total);
      expect(page.items).toEqual(all.items.slice(offset, offset + limit));
    }
    const deep = (
      await test.app.inject({
        method: 'GET',
        url: `/api/horror/regression/predictions?set=all&offset=${3 * PAGE_BLOCK}`,
      })
    ).json();
    expect(deep).toMatchObject({ total: 40, items: [] });
    const features = (
      await test.app.inject({ method: 'GET', url: '/api/horror/regression/features?limit=2' })
    ).json();
    expect(features.items.map((f: { rank: number }) => f.rank)).toEqual([1, 2]);
  });
});
