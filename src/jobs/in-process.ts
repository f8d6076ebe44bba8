import type { Cron } from 'croner';
import type { Logger } from '../config/logger.js';
import { followUpOf, runProcessor } from './dispatch.js';
import { newJobId, queuedStatus } from './ids.js';
import { cronFor, DEFAULT_TIME_ZONE, scheduledKinds, type Timetable } from './timetable.js';
import type {
  EnqueueResult,
  IngestJobOptions,
  JobKind,
  JobProcessors,
  JobProgress,
  JobRunner,
  JobStatus,
} from './types.js';

export interface InProcessJobRunnerOptions {
  processors: JobProcessors;
  logger: Logger;
  timetable: Timetable;
  /** Finished jobs remembered for status requests; the oldest are forgotten first. */
  historyLimit?: number;
}

export interface InProcessJobRunner extends JobRunner {
  /** Resolves with the job's final status once it has finished (undefined for an unknown id). */
  settled(id: string): Promise<JobStatus | undefined>;
}

interface Entry {
  status: JobStatus;
  options: IngestJobOptions;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * The embedded shape's runner: jobs run in this process, at most one of each kind at a time, and a
 * request for a kind that is already queued or running joins that job instead of starting another.
 */
export function createInProcessJobRunner(options: InProcessJobRunnerOptions): InProcessJobRunner {
  const { processors } = options;
  const log = options.logger.child({ component: 'jobs' });
  const historyLimit = options.historyLimit ?? 100;
  const jobs = new Map<string, Entry>();
  const active = new Map<JobKind, Entry>();
  const crons: Cron[] = [];
  let closed = false;

  function enqueue(kind: JobKind, ingestOptions: IngestJobOptions): EnqueueResult {
    if (closed) throw new Error('the job runner is shut down');
    const current = active.get(kind);
    if (current) return { id: current.status.id, deduplicated: true };
    const entry: Entry = {
      status: queuedStatus(newJobId(kind), kind),
      options: ingestOptions,
      controller: new AbortController(),
      done: Promise.resolve(),
    };
    active.set(kind, entry);
    jobs.set(entry.status.id, entry);
    // Started on a later turn so that the caller gets its id back before any work happens.
    entry.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => run(entry));
    forgetOldJobs();
    log.info({ jobId: entry.status.id, kind }, 'job queued');
    return { id: entry.status.id, deduplicated: false };
  }

  async function run(entry: Entry): Promise<void> {
    const { status, controller } = entry;
    status.state = 'running';
    status.startedAt = new Date().toISOString();
    const report = (progress: JobProgress) => {
      if (status.state === 'running') status.progress = progress;
    };
    const job = { id: status.id, attempt: 1 };
    try {
      // Closed before its turn came: never started.
      controller.signal.throwIfAborted();
      const result = await runProcessor(
        processors,
        status.kind,
        entry.options,
        report,
        controller.signal,
        job,
      );
      status.result = result ?? null;
      status.state = 'completed';
      log.info({ jobId: status.id, kind: status.kind }, 'job completed');
    } catch (error) {
      status.error = error instanceof Error ? error.message : String(error);
      status.state = 'failed';
      log.error({ jobId: status.id, kind: status.kind, err: error }, 'job failed');
    } finally {
      status.finishedAt = new Date().toISOString();
      active.delete(status.kind);
      forgetOldJobs();
    }
    const next = followUpOf(status.kind);
    if (next && status.state === 'completed' && !closed) {
      const followUp = enqueue(next, {});
      log.info(
        { jobId: status.id, kind: status.kind, followUpJobId: followUp.id },
        `${status.kind} finished: ${next} requested`,
      );
    }
  }

  function forgetOldJobs(): void {
    let finished = 0;
    for (const entry of jobs.values()) if (entry.status.finishedAt !== null) finished += 1;
    for (const [id, entry] of jobs) {
      if (finished <= historyLimit) break;
      if (entry.status.finishedAt === null) continue;
      jobs.delete(id);
      finished -= 1;
    }
  }

  return {
    async enqueueIngest(ingestOptions = {}) {
      return enqueue('ingest', ingestOptions);
    },
    async enqueueTrain() {
      return enqueue('train', {});
    },
    async getJob(id) {
      const entry = jobs.get(id);
      // A copy, so that callers never see (or cause) a status change half-way.
      return entry ? { ...entry.status } : undefined;
    },
    async queueDepths() {
      const depths = {
        ingest: { queued: 0, running: 0, failed: 0 },
        train: { queued: 0, running: 0, failed: 0 },
      };
      for (const { status } of jobs.values()) {
        if (status.state === 'queued') depths[status.kind].queued += 1;
        else if (status.state === 'running') depths[status.kind].running += 1;
        else if (status.state === 'failed') depths[status.kind].failed += 1;
      }
      return depths;
    },
    async settled(id) {
      const entry = jobs.get(id);
      if (!entry) return undefined;
      await entry.done;
      return { ...entry.status };
    },
    async startSchedule() {
      if (closed || crons.length > 0) return;
      crons.push(
        ...scheduledKinds(options.timetable).map((kind) =>
          cronFor(kind, options.timetable, () => enqueue(kind, {}), log),
        ),
      );
      log.info(
        {
          ingest: options.timetable.ingest,
          train: options.timetable.train,
          timeZone: options.timetable.timeZone ?? DEFAULT_TIME_ZONE,
        },
        'timetable registered (in-process)',
      );
    },
    async close() {
      closed = true;
      for (const cron of crons.splice(0)) cron.stop();
      const running = [...active.values()];
      for (const entry of running) entry.controller.abort(new Error('the job runner is shutting down'));
      await Promise.all(running.map((entry) => entry.done));
    },
  };
}
