import { Queue } from 'bullmq';
import { expect, it, vi } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import { type BullmqWorkers, createBullmqJobRunner, startBullmqWorkers } from '../../src/jobs/bullmq.js';
import type { JobContext, JobProcessors, JobRunner, JobStatus } from '../../src/jobs/types.js';
import { describeWithRedis } from '../helpers/redis.js';

const logger = createLogger({ level: 'silent' });
const timetable = { ingest: '0 3 * * *', train: '0 * * * *' };
// Short leases so that a stopped worker's job moves on quickly; the defaults are 30 s and 15 s.
const workerTiming = { lockDurationMs: 2000, stalledIntervalMs: 1000, shutdownGraceMs: 0 };

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

/** Polls a job until it has finished; generous bound, no assertion on how long it took. */
async function finished(runner: JobRunner, id: string): Promise<JobStatus> {
  return vi.waitFor(
    async () => {
      const status = await runner.getJob(id);
      if (status?.state !== 'completed' && status?.state !== 'failed')
        throw new Error(`still ${status?.state}`);
      return status;
    },
    { timeout: 30_000, interval: 50 },
  );
}

/** Processors that record their calls; each ingest waits for `release` unless told otherwise. */
function recordingProcessors() {
  const calls: Array<{ kind: 'ingest' | 'train'; job: JobContext; signal: AbortSignal }> = [];
  const release = deferred();
  const started = { ingest: deferred(), train: deferred() };
  let gated = true;
  async function run(kind: 'ingest' | 'train', signal: AbortSignal, job: JobContext) {
    calls.push({ kind, job, signal });
    started[kind].resolve();
    if (!gated || kind === 'train') return { kind, attempt: job.attempt };
    await new Promise<void>((resolve, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      release.promise.then(resolve);
    });
    return { kind, attempt: job.attempt };
  }
  const processors: JobProcessors = {
    ingest: (_options, _report, signal, job) => run('ingest', signal, job),
    train: (_report, signal, job) => run('train', signal, job),
  };
  return {
    processors,
    calls,
    release,
    started,
    ungate() {
      gated = false;
      release.resolve();
    },
  };
}

describeWithRedis('BullMQ jobs', (redis) => {
  let counter = 0;
  /** Every test gets queues of its own under the suite's prefix (cleaned up with it). */
  const connection = () => {
    counter += 1;
    return { url: redis().url, prefix: `${redis().prefix}:${counter}` };
  };

  it('registers the timetable once when two schedulers start together', async () => {
    const where = connection();
    const schedulers = [0, 1].map(() => createBullmqJobRunner({ ...where, logger, timetable }));
    await Promise.all(schedulers.map((scheduler) => scheduler.startSchedule()));
    await schedulers[0].startSchedule();
    for (const name of ['ingest', 'train']) {
      const queue = new Queue(name, { connection: { url: where.url }, prefix: where.prefix });
      const entries = await queue.getJobSchedulers();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        key: `${name}-timetable`,
        pattern: name === 'ingest' ? '0 3 * * *' : '0 * * * *',
      });
      expect(await queue.getDelayedCount()).toBe(1);
      await queue.close();
    }
    await Promise.all(schedulers.map((scheduler) => scheduler.close()));
  });

  it('runs one enqueued ingest once with two workers, then one training', async () => {
    const where = connection();
    const fake = recordingProcessors();
    const runner = createBullmqJobRunner({ ...where, logger, timetable });
    const workers = await Promise.all(
      [0, 1].map(() =>
        startBullmqWorkers({ ...where, logger, processors: fake.processors, ...workerTiming }),
      ),
    );
    const first = await runner.enqueueIngest({ from: 2020, to: 2021 });
    await fake.started.ingest.promise;
    fake.release.resolve();
    expect(await finished(runner, first.id)).toMatchObject({
      state: 'completed',
      result: { kind: 'ingest', attempt: 1 },
    });
    await fake.started.train.promise;
    const train = fake.calls.find((call) => call.kind === 'train')!;
    expect(await finished(runner, train.job.id)).toMatchObject({ kind: 'train', state: 'completed' });
    expect(fake.calls.map((call) => call.kind)).toEqual(['ingest', 'train']);
    expect(fake.calls[0].job).toEqual({ id: first.id, attempt: 1 });
    await Promise.all(workers.map((worker) => worker.close()));
    await runner.close();
  });

  it('merges a second ingest that reaches another worker while one runs', async () => {
    const where = connection();
    const fake = recordingProcessors();
    const runner = createBullmqJobRunner({ ...where, logger, timetable });
    const workers = await Promise.all(
      [0, 1].map(() =>
        startBullmqWorkers({ ...where, logger, processors: fake.processors, ...workerTiming }),
      ),
    );
    const first = await runner.enqueueIngest();
    await fake.started.ingest.promise;
    // As the timetable does: a job of its own, without the deduplication id of manual requests.
    const queue = new Queue('ingest', { connection: { url: where.url }, prefix: where.prefix });
    await queue.add('ingest', { options: {} }, { jobId: 'ingest-scheduled' });
    expect(await finished(runner, 'ingest-scheduled')).toMatchObject({
      state: 'completed',
      result: { merged: true, runningJobId: first.id },
    });
    fake.release.resolve();
    await finished(runner, first.id);
    expect(fake.calls.filter((call) => call.kind === 'ingest')).toHaveLength(1);
    await queue.close();
    await Promise.all(workers.map((worker) => worker.close()));
    await runner.close();
  });

  it('checkpoints the job of a stopping worker; the next worker resumes it under the same id', async () => {
    const where = connection();
    const fake = recordingProcessors();
    const runner = createBullmqJobRunner({ ...where, logger, timetable });
    const stopping = await startBullmqWorkers({
      ...where,
      logger,
      processors: fake.processors,
      ...workerTiming,
    });
    const { id } = await runner.enqueueIngest();
    await fake.started.ingest.promise;
    await stopping.close();
    expect(fake.calls[0].signal.aborted).toBe(true);
    expect(await runner.getJob(id)).toMatchObject({ state: 'queued' });
    // Still the one ingest: a request now joins it.
    expect(await runner.enqueueIngest()).toEqual({ id, deduplicated: true });

    fake.ungate();
    let next: BullmqWorkers | undefined;
    try {
      next = await startBullmqWorkers({ ...where, logger, processors: fake.processors, ...workerTiming });
      expect(await finished(runner, id)).toMatchObject({
        state: 'completed',
        result: { kind: 'ingest', attempt: 2 },
      });
      expect(fake.calls.filter((call) => call.kind === 'ingest').map((call) => call.job)).toEqual([
        { id, attempt: 1 },
        { id, attempt: 2 },
      ]);
    } finally {
      await next?.close();
      await runner.close();
    }
  });
});
