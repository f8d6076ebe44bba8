import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.js';
import { createLogger } from '../../src/config/logger.js';
import { createInProcessJobRunner } from '../../src/jobs/in-process.js';
import type { JobContext, JobProcessors, JobProgress } from '../../src/jobs/types.js';

const logger = createLogger({ level: 'silent' });
const timetable = { ingest: '0 3 * * *', train: '0 * * * *' };

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Processors whose every call waits until the test releases it. */
function gatedProcessors() {
  const calls = { ingest: [] as JobContext[], train: [] as JobContext[] };
  const gates = {
    ingest: [] as Array<ReturnType<typeof deferred<unknown>>>,
    train: [] as Array<ReturnType<typeof deferred<unknown>>>,
  };
  const started = { ingest: deferred(), train: deferred() };
  let running = 0;
  let maxRunning = 0;
  const reports: Array<(progress: JobProgress) => void> = [];
  const signals: AbortSignal[] = [];
  async function run(
    kind: 'ingest' | 'train',
    report: (p: JobProgress) => void,
    signal: AbortSignal,
    job: JobContext,
  ) {
    calls[kind].push(job);
    reports.push(report);
    signals.push(signal);
    const gate = deferred<unknown>();
    gates[kind].push(gate);
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    started[kind].resolve();
    signal.addEventListener('abort', () => gate.reject(signal.reason), { once: true });
    try {
      return await gate.promise;
    } finally {
      running -= 1;
    }
  }
  const processors: JobProcessors = {
    ingest: (_options, report, signal, job) => run('ingest', report, signal, job),
    train: (report, signal, job) => run('train', report, signal, job),
  };
  return {
    processors,
    calls,
    gates,
    started,
    reports,
    signals,
    get maxRunning() {
      return maxRunning;
    },
  };
}

describe('in-process job runner', () => {
  it('joins a second request for a kind while one is queued or running', async () => {
    const fake = gatedProcessors();
    const runner = createInProcessJobRunner({ processors: fake.processors, logger, timetable });
    const first = await runner.enqueueIngest({ from: 2020 });
    const whileQueued = await runner.enqueueIngest({ from: 2021 });
    expect(first.deduplicated).toBe(false);
    expect(whileQueued).toEqual({ id: first.id, deduplicated: true });
    await fake.started.ingest.promise;
    const whileRunning = await runner.enqueueIngest();
    expect(whileRunning).toEqual({ id: first.id, deduplicated: true });
    expect(fake.calls.ingest).toHaveLength(1);
    fake.gates.ingest[0].resolve({ films: 3 });
    await runner.settled(first.id);
    const next = await runner.enqueueIngest();
    expect(next.deduplicated).toBe(false);
    expect(next.id).not.toBe(first.id);
    await runner.close();
  });

  it('runs one job of a kind at a time and kinds side by side', async () => {
    const fake = gatedProcessors();
    const runner = createInProcessJobRunner({ processors: fake.processors, logger, timetable });
    const ingest = await runner.enqueueIngest();
    const train = await runner.enqueueTrain();
    await Promise.all([fake.started.ingest.promise, fake.started.train.promise]);
    expect(fake.maxRunning).toBe(2);
    expect(await runner.queueDepths()).toEqual({
      ingest: { queued: 0, running: 1, failed: 0 },
      train: { queued: 0, running: 1, failed: 0 },
    });
    for (let i = 0; i < 5; i += 1) expect((await runner.enqueueTrain()).id).toBe(train.id);
    expect(fake.calls.train).toHaveLength(1);
    fake.gates.train[0].resolve('trained');
    fake.gates.ingest[0].reject(new Error('stop here'));
    expect((await runner.settled(train.id))?.state).toBe('completed');
    expect((await runner.settled(ingest.id))?.state).toBe('failed');
    expect((await runner.queueDepths()).ingest).toEqual({ queued: 0, running: 0, failed: 1 });
    await runner.close();
  });

  it('requests a training when an ingest completes, not when it fails', async () => {
    const fake = gatedProcessors();
    const runner = createInProcessJobRunner({ processors: fake.processors, logger, timetable });
    const failing = await runner.enqueueIngest();
    await fake.started.ingest.promise;
    fake.gates.ingest[0].reject(new Error('TMDB said 401'));
    await runner.settled(failing.id);
    expect(fake.calls.train).toHaveLength(0);

    const ingest = await runner.enqueueIngest();
    await new Promise((resolve) => setImmediate(resolve));
    fake.gates.ingest[1].resolve({ films: 10 });
    await runner.settled(ingest.id);
    await fake.started.train.promise;
    expect(fake.calls.train).toHaveLength(1);
    const train = await runner.getJob(fake.calls.train[0].id);
    expect(train).toMatchObject({ kind: 'train', state: 'running' });
    fake.gates.train[0].resolve('ok');
    await runner.settled(fake.calls.train[0].id);
    await runner.close();
  });

  it('reports state, progress, result and error of a job', async () => {
    const fake = gatedProcessors();
    const runner = createInProcessJobRunner({ processors: fake.processors, logger, timetable });
    const { id } = await runner.enqueueIngest();
    expect(await runner.getJob(id)).toMatchObject({
      id,
      kind: 'ingest',
      state: 'queued',
      progress: null,
      startedAt: null,
      finishedAt: null,
    });
    await fake.started.ingest.promise;
    expect(fake.calls.ingest[0]).toEqual({ id, attempt: 1 });
    fake.reports[0]({ fraction: 0.5, message: 'year 2015', films: 120 });
    const running = await runner.getJob(id);
    expect(running).toMatchObject({ state: 'running', progress: { fraction: 0.5, films: 120 } });
    expect(running?.startedAt).toEqual(expect.any(String));
    fake.gates.ingest[0].resolve({ newFilms: 120 });
    const done = await runner.settled(id);
    expect(done).toMatchObject({ state: 'completed', result: { newFilms: 120 }, error: null });
    expect(done?.finishedAt).toEqual(expect.any(String));

    const train = (await runner.enqueueTrain()).id;
    await fake.started.train.promise;
    fake.gates.train.at(-1)?.reject(new Error('insufficient memory'));
    expect(await runner.settled(train)).toMatchObject({ state: 'failed', error: 'insufficient memory' });
    expect(await runner.getJob('ingest-unknown')).toBeUndefined();
    await runner.close();
  });

  it('keeps a bounded history of finished jobs', async () => {
    const processors: JobProcessors = { ingest: async () => 'ingested', train: async () => 'trained' };
    const runner = createInProcessJobRunner({ processors, logger, timetable, historyLimit: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { id } = await runner.enqueueTrain();
      ids.push(id);
      await runner.settled(id);
    }
    expect(await runner.getJob(ids[0])).toBeUndefined();
    expect(await runner.getJob(ids[1])).toMatchObject({ state: 'completed' });
    expect(await runner.getJob(ids[2])).toMatchObject({ state: 'completed', result: 'trained' });
    await runner.close();
  });

  it('aborts the running jobs on close and refuses new ones', async () => {
    const fake = gatedProcessors();
    const runner = createInProcessJobRunner({ processors: fake.processors, logger, timetable });
    const { id } = await runner.enqueueIngest();
    await fake.started.ingest.promise;
    await runner.close();
    expect(fake.signals[0].aborted).toBe(true);
    expect(await runner.getJob(id)).toMatchObject({ state: 'failed' });
    expect(fake.calls.train).toHaveLength(0);
    await expect(runner.enqueueTrain()).rejects.toThrow(/shut down/);
  });

  it('requests jobs on the timetable', async () => {
    const fake = gatedProcessors();
    const runner = createInProcessJobRunner({
      processors: fake.processors,
      logger,
      timetable: { ingest: '0 3 1 1 *', train: '* * * * * *' },
    });
    await runner.startSchedule();
    await runner.startSchedule();
    await fake.started.train.promise;
    expect(fake.calls.train).toHaveLength(1);
    expect(fake.calls.ingest).toHaveLength(0);
    await runner.close();
  });

  it('names the variable of a malformed cron expression', async () => {
    const runner = createInProcessJobRunner({
      processors: gatedProcessors().processors,
      logger,
      timetable: { ingest: '0 3 * * *', train: 'every hour' },
    });
    const error = await runner.startSchedule().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/TRAIN_SCHEDULE/);
    await runner.close();
  });
});
