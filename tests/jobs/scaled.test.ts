import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import { createBullmqJobRunner } from '../../src/jobs/bullmq.js';
import type { JobRunner, JobStatus } from '../../src/jobs/types.js';
import { discoverableFilms } from '../../src/tmdb/catalog.js';
import { generateDemoCatalog } from '../../src/tmdb/demo-catalog.js';
import { type MockTmdb, startMockTmdb } from '../../src/tmdb/mock/index.js';
import { mostSnapshotsOfOneFilmInOneRun, snapshotsPerRun } from '../helpers/database-state.js';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '../helpers/databases.js';
import { describeWithRedis } from '../helpers/redis.js';

const logger = createLogger({ level: 'silent' });
const timetable = { ingest: '0 3 * * *', train: '0 * * * *' };
const fixture = join(import.meta.dirname, 'fixtures', 'worker.ts');
const API_KEY = 'scaled-test-key';
const catalog = generateDemoCatalog({ seed: 11, fromYear: 2020, toYear: 2021, filmsPerYear: 150 });
const expectedFilms = (fromYear: number, toYear: number) =>
  discoverableFilms(catalog, { fromYear, toYear, minVotes: 10, maxPagesPerYear: 20 }).length;

interface WorkerProcess {
  child: ChildProcess;
  /** Resolves once the worker has said it is ready to take jobs. */
  ready: Promise<void>;
  exited: Promise<number | null>;
  stderr: () => string;
}

/** Polls until the job has finished; a generous bound, no assertion on how long it took. */
async function finished(runner: JobRunner, id: string, timeout = 90_000): Promise<JobStatus> {
  return vi.waitFor(
    async () => {
      const status = await runner.getJob(id);
      if (status?.state !== 'completed' && status?.state !== 'failed')
        throw new Error(`still ${status?.state}`);
      return status;
    },
    { timeout, interval: 100 },
  );
}

describeWithRedis('scaled shape', (redis) => {
  describeEachDialect(
    'workers',
    () => {
      let mock: MockTmdb;
      let counter = 0;
      const workers: WorkerProcess[] = [];
      const databases: TestDatabase[] = [];
      const runners: JobRunner[] = [];

      beforeAll(async () => {
        mock = await startMockTmdb({ catalog, apiKeys: [API_KEY], latencyMs: 5 });
      });
      afterEach(async () => {
        for (const worker of workers.splice(0)) {
          worker.child.kill('SIGKILL');
          await worker.exited;
        }
        for (const runner of runners.splice(0)) await runner.close();
        for (const database of databases.splice(0)) await database.drop();
      });
      afterAll(async () => {
        await mock?.close();
      });

      async function setup() {
        counter += 1;
        const database = await createTestDatabase('mysql');
        databases.push(database);
        const prefix = `${redis().prefix}:${counter}`;
        const runner = createBullmqJobRunner({ url: redis().url, prefix, logger, timetable });
        runners.push(runner);
        return { database, prefix, runner };
      }

      function startWorker(env: Record<string, string>): WorkerProcess {
        const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            LOG_LEVEL: 'info',
            REDIS_URL: redis().url,
            TMDB_API_BASE: mock.url,
            TMDB_API_KEY: API_KEY,
            TMDB_RATE_LIMIT: '40',
            INGEST_START_YEAR: '2020',
            INGEST_END_YEAR: '2021',
            ...env,
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        const ready = new Promise<void>((resolve, reject) => {
          child.stderr?.on('data', (chunk: Buffer) => {
            stderr += chunk;
            if (stderr.includes('"msg":"worker ready"')) resolve();
          });
          child.once('exit', (code) =>
            reject(new Error(`worker exited with ${code} before it was ready: ${stderr}`)),
          );
        });
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        const worker = { child, ready, exited, stderr: () => stderr };
        workers.push(worker);
        return worker;
      }

      it('with two workers, one enqueued ingest runs once', async () => {
        const { database, prefix, runner } = await setup();
        const env = { DATABASE_URL: database.url, REDIS_PREFIX: prefix };
        const pair = [startWorker(env), startWorker(env)];
        await Promise.all(pair.map((worker) => worker.ready));

        const first = await runner.enqueueIngest();
        expect(await runner.enqueueIngest()).toEqual({ id: first.id, deduplicated: true });
        const done = await finished(runner, first.id);
        expect(done).toMatchObject({ state: 'completed', result: { status: 'succeeded' } });

        const runs = await database.stores.collectionRuns.all();
        expect(runs).toHaveLength(1);
        expect(runs[0]).toMatchObject({ job_id: first.id, status: 'succeeded' });
        expect(await database.stores.films.count()).toBe(expectedFilms(2020, 2021));
        expect(await database.stores.films.countSnapshots()).toBe(expectedFilms(2020, 2021));

        // The finished ingest requested one training, which one of the workers ran.
        const trainQueue = new Queue('train', { connection: { url: redis().url }, prefix });
        const trainJobs = await vi.waitFor(
          async () => {
            const jobs = await trainQueue.getJobs(['completed', 'failed']);
            if (jobs.length === 0) throw new Error('no training yet');
            return jobs;
          },
          { timeout: 60_000, interval: 100 },
        );
        await trainQueue.close();
        expect(trainJobs).toHaveLength(1);
        expect(await runner.getJob(trainJobs[0].id ?? '')).toMatchObject({
          kind: 'train',
          state: 'completed',
        });

        for (const worker of pair) worker.child.kill('SIGTERM');
        expect(await Promise.all(pair.map((worker) => worker.exited))).toEqual([0, 0]);
      });

      it('a worker killed mid-ingest: another resumes the job and the counts are right', async () => {
        const { database, prefix, runner } = await setup();
        const env = { DATABASE_URL: database.url, REDIS_PREFIX: prefix };
        const doomed = startWorker(env);
        await doomed.ready;
        const { id } = await runner.enqueueIngest();
        // Mid-ingest: some pages are stored, not all.
        await vi.waitFor(
          async () => {
            if ((await database.stores.films.countSnapshots()) === 0) throw new Error('nothing stored yet');
          },
          { timeout: 60_000, interval: 10 },
        );
        doomed.child.kill('SIGKILL');
        await doomed.exited;
        const storedBeforeKill = await database.stores.films.countSnapshots();
        expect(storedBeforeKill).toBeLessThan(expectedFilms(2020, 2021));
        expect(await runner.getJob(id)).toMatchObject({ state: 'running' });
        // Joining the stalled job, not starting another.
        expect(await runner.enqueueIngest()).toEqual({ id, deduplicated: true });

        const rescuer = startWorker(env);
        await rescuer.ready;
        const done = await finished(runner, id);
        expect(done).toMatchObject({ state: 'completed', result: { status: 'succeeded' } });

        const films = expectedFilms(2020, 2021);
        expect(await database.stores.films.count()).toBe(films);
        const withoutDetails = (await database.stores.films.all()).filter(
          (f) => f.details_fetched_at === null,
        );
        expect(withoutDetails.length).toBe(0);

        // Every run belongs to this one job; the last one holds one snapshot per film, and each
        // run's record matches the snapshots it left behind.
        const runs = await database.stores.collectionRuns.all();
        expect(runs.every((run) => run.job_id === id)).toBe(true);
        const last = runs.at(-1)!;
        expect(last).toMatchObject({ id: (done.result as { runId: number }).runId, status: 'succeeded' });
        expect(runs.slice(0, -1).every((run) => run.status === 'failed')).toBe(true);
        const snapshotsOf = await snapshotsPerRun(database.handle);
        expect(snapshotsOf.get(last.id)).toBe(films);
        for (const run of runs) expect(snapshotsOf.get(run.id) ?? 0).toBe(run.snapshots);
        expect(await mostSnapshotsOfOneFilmInOneRun(database.handle)).toBe(1);
        // The resumed run counts each film it wrote once, across both attempts: all are new here.
        expect(last).toMatchObject({ new_films: films, updated_films: 0 });

        rescuer.child.kill('SIGTERM');
        expect(await rescuer.exited).toBe(0);
      });

      it('SIGTERM: the worker checkpoints its ingest and exits; the next worker resumes the job', async () => {
        const { database, prefix, runner } = await setup();
        const env = { DATABASE_URL: database.url, REDIS_PREFIX: prefix };
        const stopping = startWorker(env);
        await stopping.ready;
        const { id } = await runner.enqueueIngest();
        await vi.waitFor(
          async () => {
            if ((await database.stores.films.countSnapshots()) === 0) throw new Error('nothing stored yet');
          },
          { timeout: 60_000, interval: 10 },
        );
        stopping.child.kill('SIGTERM');
        expect(await stopping.exited).toBe(0);
        expect(await runner.getJob(id)).toMatchObject({ state: 'queued' });
        const interrupted = await database.stores.collectionRuns.all();
        expect(interrupted).toEqual([
          expect.objectContaining({ job_id: id, status: 'failed', error: 'cancelled' }),
        ]);

        const next = startWorker(env);
        await next.ready;
        expect(await finished(runner, id)).toMatchObject({
          state: 'completed',
          result: { status: 'succeeded' },
        });
        expect(await database.stores.films.count()).toBe(expectedFilms(2020, 2021));
        // One run for the job, resumed by the second attempt: each film counted once, calls summed.
        const [resumed, ...others] = await database.stores.collectionRuns.all();
        expect(others).toEqual([]);
        expect(resumed).toMatchObject({
          job_id: id,
          status: 'succeeded',
          new_films: expectedFilms(2020, 2021),
          updated_films: 0,
        });
        expect(resumed!.api_calls).toBeGreaterThan(interrupted[0]!.api_calls);
        next.child.kill('SIGTERM');
        expect(await next.exited).toBe(0);
      });

      it('two workers draw from one Redis bucket and together stay under 20 requests/s', async () => {
        // One deployment runs one ingest at a time, so two workers call TMDB together only when
        // they serve two deployments (two prefixes here) that share the TMDB key and the bucket.
        const a = await setup();
        const b = await setup();
        const shared = `${redis().prefix}:shared:tmdb:rate`;
        const common = { TMDB_RATE_LIMIT: '20', HC_TEST_RATE_LIMIT_KEY: shared };
        const pair = [
          startWorker({ ...common, DATABASE_URL: a.database.url, REDIS_PREFIX: a.prefix }),
          startWorker({ ...common, DATABASE_URL: b.database.url, REDIS_PREFIX: b.prefix }),
        ];
        await Promise.all(pair.map((worker) => worker.ready));
        // The mock does not refuse: on a busy machine arrivals bunch up in transit, which says
        // nothing about the pacing. The shared bucket admits at most 20 requests in any second,
        // so R requests cannot all go out in less than ceil(R / 20) - 1 seconds.
        mock.resetStats();
        const started = performance.now();
        const jobs = await Promise.all([a.runner.enqueueIngest(), b.runner.enqueueIngest()]);
        const [doneA, doneB] = await Promise.all([
          finished(a.runner, jobs[0].id),
          finished(b.runner, jobs[1].id),
        ]);
        expect(doneA).toMatchObject({ state: 'completed', result: { status: 'succeeded' } });
        expect(doneB).toMatchObject({ state: 'completed', result: { status: 'succeeded' } });
        // They did run side by side.
        expect(Date.parse(doneA.startedAt!)).toBeLessThan(Date.parse(doneB.finishedAt!));
        expect(Date.parse(doneB.startedAt!)).toBeLessThan(Date.parse(doneA.finishedAt!));
        const elapsedMs = performance.now() - started;
        const requests = mock.stats.requests;
        expect(requests).toBeGreaterThan(100);
        expect(elapsedMs).toBeGreaterThanOrEqual((Math.ceil(requests / 20) - 1) * 1000);
        for (const worker of pair) worker.child.kill('SIGTERM');
        expect(await Promise.all(pair.map((worker) => worker.exited))).toEqual([0, 0]);
      });
    },
    { dialects: ['mysql'] },
  );
});
