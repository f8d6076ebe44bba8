import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { generateDemoCatalog } from '../../src/tmdb/demo-catalog.js';
import { type MockTmdb, startMockTmdb } from '../../src/tmdb/mock/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { describeWithRedis } from '../helpers/redis.js';

/**
 * The scaled shape without Docker: MariaDB, Redis, two `horrorcast worker` processes, one
 * `horrorcast scheduler` and one `horrorcast serve`, each a process of its own as compose runs
 * them. An ingest is triggered through the API; the training it causes is awaited and its results
 * are read back through the API.
 */
const bin = join(import.meta.dirname, '..', '..', 'bin', 'horrorcast.js');
const ADMIN_TOKEN = 'scaled-shape-admin-token-0123456789abcdef';
const TMDB_KEY = 'scaled-shape-tmdb-key';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

interface Service {
  name: string;
  child: ChildProcess;
  output: () => string;
}

describeWithRedis('scaled shape end to end', (redis) => {
  const services: Service[] = [];
  let database: TestDatabase | undefined;
  let mock: MockTmdb;
  let base = '';

  function start(name: string, args: string[], env: Record<string, string>): Service {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...env },
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const service = { name, child, output: () => output };
    services.push(service);
    return service;
  }

  const api = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${base}${path}`, init);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    database = await createTestDatabase(process.env.TEST_SCALED_DIALECT === 'sqlite' ? 'sqlite' : 'mysql');
    mock = await startMockTmdb({
      catalog: generateDemoCatalog({ seed: 7, fromYear: 2021, toYear: 2022, filmsPerYear: 120 }),
      apiKeys: [TMDB_KEY],
      latencyMs: 5,
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis().url,
      REDIS_PREFIX: redis().prefix,
      TMDB_API_KEY: TMDB_KEY,
      TMDB_API_BASE: mock.url,
      INGEST_START_YEAR: '2021',
      INGEST_END_YEAR: '2022',
      ADMIN_TOKEN,
      PORT: String(port),
    };
    start('worker-1', ['worker'], env);
    start('worker-2', ['worker'], env);
    start('scheduler', ['scheduler'], env);
    start('web', ['serve'], env);
    await vi.waitFor(
      async () => {
        const { status } = await api('/health');
        if (status !== 200) throw new Error(`health ${status}`);
      },
      { timeout: 60_000, interval: 250 },
    );
  });

  afterEach((context) => {
    if (context.task.result?.state !== 'fail') return;
    for (const service of services) console.error(`--- ${service.name}\n${service.output().slice(-4000)}`);
  });

  afterAll(async () => {
    await Promise.all(
      services.map(
        (service) =>
          new Promise<void>((resolve) => {
            if (service.child.exitCode !== null) return resolve();
            service.child.once('exit', () => resolve());
            service.child.kill('SIGTERM');
            setTimeout(() => service.child.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
    await mock?.close();
    await database?.drop();
  });

  it('collects through the API, trains after it, and serves the results', async () => {
    const refused = await api('/api/jobs/ingest', { method: 'POST' });
    expect(refused.status).toBe(401);

    const triggered = await api('/api/jobs/ingest', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(triggered.status).toBeLessThan(300);
    const jobId = String(triggered.body.id);

    const job = await vi.waitFor(
      async () => {
        const { body } = await api(`/api/jobs/${encodeURIComponent(jobId)}`);
        if (body.state !== 'completed' && body.state !== 'failed') throw new Error(`ingest ${body.state}`);
        return body;
      },
      { timeout: 120_000, interval: 500 },
    );
    expect(job.state).toBe('completed');

    const runs = await vi.waitFor(
      async () => {
        const { body } = await api('/api/runs');
        const training = (body.train as Array<{ status: string }> | undefined) ?? [];
        if (!training.some((run) => run.status === 'succeeded')) throw new Error('no finished training yet');
        return body;
      },
      { timeout: 120_000, interval: 500 },
    );
    const collections = runs.ingest as Array<{ status: string; new_films: number }>;
    expect(collections).toHaveLength(1);
    expect(collections[0]!.status).toBe('succeeded');
    expect(collections[0]!.new_films).toBeGreaterThan(20);

    const summary = await api('/api/summary');
    expect(summary.status).toBe(200);
    expect(JSON.stringify(summary.body)).toMatch(/"title"/);
    for (const path of [
      '/api/predictions',
      '/api/horror/regression/features',
      '/api/horror/classification',
      '/api/horror/clustering/profiles',
    ]) {
      const { status, body } = await api(path);
      expect(status, path).toBe(200);
      expect(JSON.stringify(body).length, path).toBeGreaterThan(50);
    }

    for (const service of services) {
      expect(service.output(), service.name).not.toContain(TMDB_KEY);
      expect(service.output(), service.name).not.toContain(ADMIN_TOKEN);
    }
  }, 300_000);
});
