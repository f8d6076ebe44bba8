/**
 * What every job adapter promises, written once and run against each: in-process (embedded shape)
 * and BullMQ on a real Redis (scaled shape). Behaviour only one adapter has (its timetable, the
 * lock across workers, checkpointing on stop, bounded history) stays in that adapter's own tests.
 */
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import { createBullmqJobRunner, startBullmqWorkers } from '../../src/jobs/bullmq.js';
import { createInProcessJobRunner } from '../../src/jobs/in-process.js';
import type {
  IngestJobOptions,
  JobContext,
  JobKind,
  JobProcessors,
  JobProgress,
  JobRunner,
  JobStatus,
} from '../../src/jobs/types.js';
import { describeWithRedis } from '../helpers/redis.js';

const logger = createLogger({ level: 'silent' });
const timetable = { ingest: '0 3 * * *', train: '0 * * * *' };

interface RunningAdapter {
  runner: JobRunner;
  stop(): Promise<void>;
}

/** Starts an adapter whose jobs are done by `processors`: producer and consumer, ready to take jobs. */
type StartAdapter = (processors: JobProcessors) => Promise<RunningAdapter>;

interface Call {
  kind: JobKind;
  options: IngestJobOptions;
  job: JobContext;
  report: (progress: JobProgress) => void;
  finish(result: unknown): void;
  fail(error: Error): void;
}

/** Processors whose every call waits until the test finishes or fails it, or the adapter stops. */
function heldProcessors() {
  const calls: Call[] = [];
  function hold(
    kind: JobKind,
    options: IngestJobOptions,
    report: Call['report'],
    signal: AbortSignal,
    job: JobContext,
  ) {
    return new Promise<unknown>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      calls.push({ kind, options, job, report, finish: resolve, fail: reject });
    });
  }
  const processors: JobProcessors = {
    ingest: (options, report, signal, job) => hold('ingest', options, report, signal, job),
    train: (report, signal, job) => hold('train', {}, report, signal, job),
  };
  return {
    processors,
    calls: (kind: JobKind) => calls.filter((call) => call.kind === kind),
    /** The `index`-th call of `kind` once it has started (a generous bound, no timing assertion). */
    started: (kind: JobKind, index = 0) =>
      vi.waitFor(
        () => {
          const call = calls.filter((c) => c.kind === kind)[index];
          if (!call) throw new Error(`no ${kind} call #${index} yet`);
          return call;
        },
        { timeout: 30_000, interval: 20 },
      ),
  };
}

/** Polls a job until it has finished. */
function finished(runner: JobRunner, id: string): Promise<JobStatus> {
  return vi.waitFor(
    async () => {
      const status = await runner.getJob(id);
      if (status?.state !== 'completed' && status?.state !== 'failed')
        throw new Error(`still ${status?.state}`);
      return status;
    },
    { timeout: 30_000, interval: 20 },
  );
}

function jobRunnerScenarios(start: StartAdapter): void {
  it('completes a job with its result, showing its progress while it runs', async () => {
    const held = heldProcessors();
    const { runner, stop } = await start(held.processors);
    try {
      const { id, deduplicated } = await runner.enqueueIngest({ from: 2020, to: 2021 });
      expect(deduplicated).toBe(false);
      expect(id).toMatch(/^ingest-/);
      const call = await held.started('ingest');
      expect(call.job).toEqual({ id, attempt: 1 });
      expect(call.options).toEqual({ from: 2020, to: 2021 });

      call.report({ fraction: 0.5, message: 'year 2020', films: 120 });
      await vi.waitFor(
        async () =>
          expect(await runner.getJob(id)).toMatchObject({
            id,
            kind: 'ingest',
            state: 'running',
            progress: { fraction: 0.5, message: 'year 2020', films: 120 },
          }),
        { timeout: 30_000, interval: 20 },
      );
      expect((await runner.getJob(id))?.startedAt).toEqual(expect.any(String));

      call.finish({ newFilms: 120 });
      const done = await finished(runner, id);
      expect(done).toMatchObject({ state: 'completed', result: { newFilms: 120 }, error: null });
      expect(done.finishedAt).toEqual(expect.any(String));
    } finally {
      await stop();
    }
  });

  it('joins a request for a kind that is queued or running; once it has finished, a request starts anew', async () => {
    const held = heldProcessors();
    const { runner, stop } = await start(held.processors);
    try {
      const first = await runner.enqueueIngest({ from: 2020 });
      expect(await runner.enqueueIngest({ from: 2021 })).toEqual({ id: first.id, deduplicated: true });
      const call = await held.started('ingest');
      expect(await runner.enqueueIngest()).toEqual({ id: first.id, deduplicated: true });
      expect(held.calls('ingest')).toHaveLength(1);
      // The options of the request that started the job are the ones it runs with.
      expect(call.options).toEqual({ from: 2020 });

      call.fail(new Error('stop here'));
      await finished(runner, first.id);
      const next = await runner.enqueueIngest();
      expect(next.deduplicated).toBe(false);
      expect(next.id).not.toBe(first.id);
      (await held.started('ingest', 1)).finish('ok');
      await finished(runner, next.id);
    } finally {
      await stop();
    }
  });

  it('requests a training when a collection completes, not when it fails', async () => {
    const held = heldProcessors();
    const { runner, stop } = await start(held.processors);
    try {
      const failing = await runner.enqueueIngest();
      (await held.started('ingest')).fail(new Error('TMDB said 401'));
      expect(await finished(runner, failing.id)).toMatchObject({ state: 'failed' });
      expect(held.calls('train')).toHaveLength(0);
      expect((await runner.queueDepths()).train).toEqual({ queued: 0, running: 0, failed: 0 });

      const ingest = await runner.enqueueIngest();
      (await held.started('ingest', 1)).finish({ films: 10 });
      expect(await finished(runner, ingest.id)).toMatchObject({ state: 'completed' });
      const train = await held.started('train');
      expect(await runner.getJob(train.job.id)).toMatchObject({ kind: 'train', state: 'running' });
      train.finish('trained');
      expect(await finished(runner, train.job.id)).toMatchObject({ state: 'completed', result: 'trained' });
      expect(held.calls('train')).toHaveLength(1);
    } finally {
      await stop();
    }
  });

  it('reports a failing processor as failed, with its message', async () => {
    const held = heldProcessors();
    const { runner, stop } = await start(held.processors);
    try {
      const { id } = await runner.enqueueTrain();
      (await held.started('train')).fail(new Error('insufficient memory'));
      const status = await finished(runner, id);
      expect(status).toMatchObject({ id, kind: 'train', state: 'failed', error: 'insufficient memory' });
      expect(status.finishedAt).toEqual(expect.any(String));
    } finally {
      await stop();
    }
  });

  it('counts the jobs of each kind by state, kinds running side by side', async () => {
    const held = heldProcessors();
    const { runner, stop } = await start(held.processors);
    try {
      expect(await runner.queueDepths()).toEqual({
        ingest: { queued: 0, running: 0, failed: 0 },
        train: { queued: 0, running: 0, failed: 0 },
      });
      const ingest = await runner.enqueueIngest();
      const train = await runner.enqueueTrain();
      const [ingestCall, trainCall] = await Promise.all([held.started('ingest'), held.started('train')]);
      expect(await runner.queueDepths()).toEqual({
        ingest: { queued: 0, running: 1, failed: 0 },
        train: { queued: 0, running: 1, failed: 0 },
      });
      for (let i = 0; i < 5; i += 1) expect((await runner.enqueueTrain()).id).toBe(train.id);
      expect(held.calls('train')).toHaveLength(1);
      trainCall.finish('trained');
      ingestCall.fail(new Error('stop here'));
      expect(await finished(runner, train.id)).toMatchObject({ state: 'completed' });
      expect(await finished(runner, ingest.id)).toMatchObject({ state: 'failed' });
      expect(await runner.queueDepths()).toEqual({
        ingest: { queued: 0, running: 0, failed: 1 },
        train: { queued: 0, running: 0, failed: 0 },
      });
    } finally {
      await stop();
    }
  });

  it('knows nothing of an id it never gave out', async () => {
    const { runner, stop } = await start(heldProcessors().processors);
    try {
      expect(await runner.getJob('ingest-unknown')).toBeUndefined();
      expect(await runner.getJob('train-unknown')).toBeUndefined();
      expect(await runner.getJob('something-else')).toBeUndefined();
    } finally {
      await stop();
    }
  });
}

describe('job runner conformance: in-process', () => {
  jobRunnerScenarios(async (processors) => {
    const runner = createInProcessJobRunner({ processors, logger, timetable });
    return { runner, stop: () => runner.close() };
  });
});

describeWithRedis('job runner conformance: BullMQ', (redis) => {
  let counter = 0;
  jobRunnerScenarios(async (processors) => {
    // Queues of its own for every scenario, under the suite's prefix (deleted with it).
    counter += 1;
    const where = { url: redis().url, prefix: `${redis().prefix}:${counter}` };
    const runner = createBullmqJobRunner({ ...where, logger, timetable });
    const workers = await startBullmqWorkers({
      ...where,
      logger,
      processors,
      lockDurationMs: 2000,
      stalledIntervalMs: 1000,
      shutdownGraceMs: 0,
    });
    return {
      runner,
      async stop() {
        await workers.close();
        await runner.close();
      },
    };
  });
});
