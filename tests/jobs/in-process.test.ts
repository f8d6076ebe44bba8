import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.js';
import { createLogger } from '../../src/config/logger.js';
import { createInProcessJobRunner } from '../../src/jobs/in-process.js';
import type { JobContext, JobProcessors } from '../../src/jobs/types.js';

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
  const signals: AbortSignal[] = [];
  function run(kind: 'ingest' | 'train', signal: AbortSignal, job: JobContext) {
    calls[kind].push(job);
    signals.push(signal);
    const gate = deferred<unknown>();
    gates[kind].push(gate);
    started[kind].resolve();
    signal.addEventListener('abort', () => gate.reject(signal.reason), { once: true });
    return gate.promise;
  }
  const processors: JobProcessors = {
    ingest: (_options, _report, signal, job) => run('ingest', signal, job),
    train: (_report, signal, job) => run('train', signal, job),
  };
  return {
    processors,
    calls,
    gates,
    started,
    signals,
  };
}

describe('in-process job runner', () => {
  it('shows a job as queued until its turn comes on a later tick', async () => {
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
    expect(fake.calls.ingest).toHaveLength(0);
    await fake.started.ingest.promise;
    expect(fake.calls.ingest[0]).toEqual({ id, attempt: 1 });
    fake.gates.ingest[0].resolve('done');
    expect(await runner.settled(id)).toMatchObject({ state: 'completed', result: 'done' });
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
