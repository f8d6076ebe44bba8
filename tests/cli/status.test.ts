import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { describeWithRedis } from '../helpers/redis.js';

describe('horrorcast status after a collection and a training', () => {
  const env = { DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'horrorcast-status-')), 'h.db')}` };

  beforeAll(async () => {
    const ingest = await runCli(['ingest', '--from', '2023', '--to', '2024', '--json'], env);
    expect(ingest.code, ingest.stderr).toBe(0);
    const train = await runCli(['train', '--json'], env);
    expect(train.code, train.stderr).toBe(0);
  }, 120_000);

  it('reports the last collection and training with their counts and metrics, in snake_case', async () => {
    const { code, stdout } = await runCli(['status', '--json'], env);
    expect(code).toBe(0);
    const status = JSON.parse(stdout);
    const camelCaseKeys = stdout.match(/"[a-z]+[A-Z][A-Za-z]*":/g) ?? [];
    expect(camelCaseKeys).toEqual([]);
    expect(status.data_source).toBe('demo');
    expect(status.jobs.shape).toBe('embedded');
    expect(status.films).toBeGreaterThan(20);
    expect(status.snapshots).toBe(status.films);
    expect(status.last_collection).toMatchObject({
      status: 'succeeded',
      source: 'demo',
      new_films: status.films,
    });
    expect(status.last_training).toMatchObject({ status: 'succeeded', sample_count: status.films });
    expect(typeof status.last_training.metrics.rf_regression.r2).toBe('number');
    expect(typeof status.last_training.metrics.cv5.rf_classification_auc.mean).toBe('number');
  });

  it('prints the same in words', async () => {
    const { code, stdout } = await runCli(['status'], env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^last ingest {2}succeeded at .+ new, 0 updated/m);
    expect(stdout).toMatch(/^last train {3}succeeded at .+forest R² -?\d\.\d{3}/m);
  });

  it('exits 2 and says so when REDIS_URL cannot be reached', async () => {
    const { code, stdout } = await runCli(['status', '--json'], {
      ...env,
      REDIS_URL: 'redis://:pw-secret@127.0.0.1:1',
    });
    expect(code).toBe(2);
    const status = JSON.parse(stdout);
    expect(status.jobs.redis).toMatchObject({ reachable: false, location: 'redis://127.0.0.1:1' });
    expect(stdout).not.toContain('pw-secret');
  });
});

describeWithRedis('horrorcast status in the scaled shape', (redis) => {
  it('shows the queue depths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'horrorcast-status-'));
    const { code, stdout } = await runCli(['status', '--json'], {
      DATABASE_URL: `sqlite:${join(dir, 'h.db')}`,
      REDIS_URL: redis().url,
      REDIS_PREFIX: redis().prefix,
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).jobs).toEqual({
      shape: 'scaled',
      redis: {
        location: expect.stringMatching(/^redis:\/\//),
        reachable: true,
        queues: {
          ingest: { queued: 0, running: 0, failed: 0 },
          train: { queued: 0, running: 0, failed: 0 },
        },
      },
    });
  });
});
