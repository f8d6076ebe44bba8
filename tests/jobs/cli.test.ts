import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import { createBullmqJobRunner } from '../../src/jobs/bullmq.js';
import { runCli } from '../helpers/cli.js';
import { describeWithRedis } from '../helpers/redis.js';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'horrorcast.js');

describe('worker and scheduler commands: bad input', () => {
  for (const command of ['worker', 'scheduler']) {
    it(`${command}: an unreachable REDIS_URL gives one clear line and exit code 2`, async () => {
      const { code, stdout, stderr } = await runCli([command], {
        REDIS_URL: 'redis://:hunter22@127.0.0.1:1/0',
      });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(
        /Cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0 \(REDIS_URL\): .*ECONNREFUSED/,
      );
      expect(stderr).not.toContain('hunter22');
    });

    it(`${command}: without REDIS_URL it says so and exits with 2`, async () => {
      const { code, stderr } = await runCli([command]);
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain('REDIS_URL');
    });
  }

  it('scheduler: a malformed cron expression names its variable', async () => {
    const { code, stderr } = await runCli(['scheduler'], {
      REDIS_URL: 'redis://127.0.0.1:6379',
      TRAIN_SCHEDULE: 'every hour',
    });
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('TRAIN_SCHEDULE');
  });

  it('ingest --enqueue: without REDIS_URL it says so and exits with 2', async () => {
    const database = `sqlite:${join(mkdtempSync(join(tmpdir(), 'horrorcast-jobs-')), 'h.db')}`;
    const { code, stderr } = await runCli(['ingest', '--enqueue'], { DATABASE_URL: database });
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('REDIS_URL');
  });
});

describeWithRedis('horrorcast scheduler', (redis) => {
  it('registers the timetable once when two schedulers start together, and stops on SIGTERM', async () => {
    const prefix = `${redis().prefix}:cli`;
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'info',
      REDIS_URL: redis().url,
      REDIS_PREFIX: prefix,
      INGEST_SCHEDULE: '30 4 * * *',
      TRAIN_SCHEDULE: '15 * * * *',
    };
    const schedulers = [0, 1].map(() => {
      const child = spawn(process.execPath, [bin, 'scheduler'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      const registered = new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk;
          if (stderr.includes('timetable registered')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`scheduler exited with ${code}: ${stderr}`)));
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      return { child, registered, exited };
    });
    await Promise.all(schedulers.map((scheduler) => scheduler.registered));

    for (const [name, pattern] of [
      ['ingest', '30 4 * * *'],
      ['train', '15 * * * *'],
    ]) {
      const queue = new Queue(name, { connection: { url: redis().url }, prefix });
      expect(await queue.getJobSchedulers()).toEqual([
        expect.objectContaining({ key: `${name}-timetable`, pattern }),
      ]);
      expect(await queue.getDelayedCount()).toBe(1);
      await queue.close();
    }

    for (const scheduler of schedulers) scheduler.child.kill('SIGTERM');
    expect(await Promise.all(schedulers.map((scheduler) => scheduler.exited))).toEqual([0, 0]);
  });

  it('ingest|train --enqueue hand the job to the queue; a second request joins the first', async () => {
    const prefix = `${redis().prefix}:enqueue`;
    const env = {
      DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'horrorcast-jobs-')), 'h.db')}`,
      REDIS_URL: redis().url,
      REDIS_PREFIX: prefix,
    };
    const first = await runCli(['ingest', '--enqueue', '--from', '2020', '--to', '2021', '--json'], env);
    expect(first.code).toBe(0);
    const queued = JSON.parse(first.stdout);
    expect(queued).toEqual({ id: expect.stringMatching(/^ingest-/), deduplicated: false });
    const again = await runCli(['ingest', '--enqueue', '--json'], env);
    expect(JSON.parse(again.stdout)).toEqual({ id: queued.id, deduplicated: true });
    const train = await runCli(['train', '--enqueue'], env);
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/^training queued as job train-\S+; a worker will pick it up\n$/);

    const runner = createBullmqJobRunner({
      url: redis().url,
      prefix,
      logger: createLogger({ level: 'silent' }),
      timetable: { ingest: '0 3 * * *', train: '0 * * * *' },
    });
    expect(await runner.getJob(queued.id)).toMatchObject({ id: queued.id, kind: 'ingest', state: 'queued' });
    await runner.close();
  });
});
