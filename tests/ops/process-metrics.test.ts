import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/config/logger.js';
import { observeJobProcessors } from '../../src/observability/jobs.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { type MetricsServer, startMetricsServer } from '../../src/observability/server.js';
import { createWiring, type Wiring } from '../../src/wiring.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { describeWithRedis } from '../helpers/redis.js';
import { sample } from './exposition.js';
import { checkWithPromtool, itWithPromtool } from './promtool.js';

const logger = createLogger({ level: 'silent' });

/** A port nobody listens on right now (the OS picks it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the metrics server', () => {
  let server: MetricsServer;
  let healthy = true;
  const metrics = createMetrics({ process: 'worker' });

  beforeAll(async () => {
    server = await startMetricsServer({
      metrics,
      health: async () => (healthy ? { ok: true } : { ok: false, reason: 'the database does not answer' }),
      host: '127.0.0.1',
      port: 0,
      logger,
    });
  });
  afterAll(async () => {
    await server?.close();
  });
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

  it('serves /metrics in the Prometheus text format', async () => {
    const response = await fetch(url('/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(await response.text(), 'horrorcast_tmdb_requests_total', { process: 'worker' })).toBe(0);
  });

  it('answers /health with 200 while healthy and 503 with the reason otherwise', async () => {
    expect(await (await fetch(url('/health'))).json()).toEqual({ status: 'ok' });
    healthy = false;
    const failing = await fetch(url('/health'));
    expect(failing.status).toBe(503);
    expect(await failing.json()).toEqual({ status: 'unavailable', reason: 'the database does not answer' });
    healthy = true;
  });

  it('serves nothing else', async () => {
    expect((await fetch(url('/'))).status).toBe(404);
    expect((await fetch(url('/metrics'), { method: 'POST' })).status).toBe(405);
  });
});

describe('job metrics', () => {
  it('records the duration and outcome of collections and trainings', async () => {
    const metrics = createMetrics({ process: 'worker', collectProcessMetrics: false });
    const stopped = new AbortController();
    stopped.abort();
    const processors = observeJobProcessors(
      {
        ingest: async () => ({ films: 3 }),
        train: async (_report, signal) => {
          throw signal.aborted ? new Error('stopped') : new Error('too few films');
        },
      },
      metrics,
    );
    const job = { id: 'job-1', attempt: 1 };
    const running = new AbortController().signal;
    await expect(processors.ingest({}, () => {}, running, job)).resolves.toEqual({ films: 3 });
    await expect(processors.train(() => {}, running, job)).rejects.toThrow('too few films');
    await expect(processors.train(() => {}, stopped.signal, job)).rejects.toThrow('stopped');
    const exposition = await metrics.scrape();
    const finished = (kind: string, outcome: string) =>
      sample(exposition, 'horrorcast_jobs_finished_total', { process: 'worker', kind, outcome });
    expect(finished('ingest', 'completed')).toBe(1);
    expect(finished('train', 'failed')).toBe(1);
    expect(finished('train', 'stopped')).toBe(1);
    expect(finished('ingest', 'failed')).toBe(0);
    expect(
      sample(exposition, 'horrorcast_job_duration_seconds_count', {
        process: 'worker',
        kind: 'ingest',
        outcome: 'completed',
      }),
    ).toBe(1);
  });

  it('keeps the scrape going when a figure cannot be read, and counts the failure', async () => {
    const metrics = createMetrics({ process: 'web', collectProcessMetrics: false });
    metrics.watch({
      counts: async () => {
        throw new Error('database down');
      },
    });
    const exposition = await metrics.scrape();
    expect(sample(exposition, 'horrorcast_snapshots', { process: 'web' })).toBe(0);
    // Figures are read side by side, so a failure shows from the next scrape on.
    const next = await metrics.scrape();
    expect(sample(next, 'horrorcast_metric_source_errors_total', { process: 'web', source: 'counts' })).toBe(
      2,
    );
  });
});

describeWithRedis('worker and scheduler on METRICS_PORT', (redis) => {
  let database: TestDatabase;
  const wirings: Wiring[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    for (const wiring of wirings) await wiring.close();
    await database?.drop();
  });

  /** Each process its own queues (under the suite's prefix), so that one's worker cannot take another's job. */
  async function wiringOn(port: number, queues: string): Promise<Wiring> {
    const wiring = createWiring({
      config: loadConfig({
        DATABASE_URL: database.url,
        REDIS_URL: redis().url,
        REDIS_PREFIX: `${redis().prefix}:${queues}`,
        HOST: '127.0.0.1',
        METRICS_PORT: String(port),
      }),
      logger,
      database: database.handle,
    });
    wirings.push(wiring);
    return wiring;
  }

  async function scrape(port: number): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  }

  itWithPromtool('the worker serves /metrics and /health, and promtool accepts its metrics', async () => {
    const port = await freePort();
    const wiring = await wiringOn(port, 'worker');
    await wiring.jobWorkers({ shutdownGraceMs: 100 });
    const server = await wiring.metricsServer('worker');
    expect(server?.port).toBe(port);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const exposition = await scrape(port);
    expect(sample(exposition, 'horrorcast_tmdb_rate_limited_total', { process: 'worker' })).toBe(0);
    expect(exposition).toContain('process_resident_memory_bytes');
    checkWithPromtool(exposition);
  });

  itWithPromtool('the scheduler serves queue depths on /metrics, and promtool accepts them', async () => {
    const port = await freePort();
    const wiring = await wiringOn(port, 'scheduler');
    const queue = await wiring.jobQueue('scheduler');
    await queue.enqueueTrain();
    await wiring.metricsServer('scheduler');
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const exposition = await scrape(port);
    expect(
      sample(exposition, 'horrorcast_queue_jobs', { process: 'scheduler', kind: 'train', state: 'queued' }),
    ).toBe(1);
    checkWithPromtool(exposition);
  });

  it('serves nothing when METRICS_PORT is unset', async () => {
    const wiring = createWiring({
      config: loadConfig({
        DATABASE_URL: database.url,
        REDIS_URL: redis().url,
        REDIS_PREFIX: redis().prefix,
      }),
      logger,
      database: database.handle,
    });
    wirings.push(wiring);
    expect(await wiring.metricsServer('scheduler')).toBeUndefined();
  });
});
