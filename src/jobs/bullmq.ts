import { randomUUID } from 'node:crypto';
import { type Job, type JobsOptions, Queue, WaitingError, Worker } from 'bullmq';
import type { Logger } from '../config/logger.js';
import { followUpOf, runProcessor } from './dispatch.js';
import { JOB_KINDS, kindOfJobId, newJobId, timetableId } from './ids.js';
import { openRedis } from './redis.js';
import { acquireJobLock } from './redis-lock.js';
import { forBullmq, JOB_ATTEMPTS, JOB_BACKOFF_MS } from './retry-policy.js';
import { DEFAULT_TIME_ZONE, SCHEDULE_OFF, type Timetable, validateTimetable } from './timetable.js';
import type {
  EnqueueResult,
  IngestJobOptions,
  JobKind,
  JobProcessors,
  JobProgress,
  JobRunner,
  JobState,
  JobStatus,
} from './types.js';

/** Where the queues live: REDIS_URL and REDIS_PREFIX. */
export interface BullmqConnection {
  url: string;
  prefix: string;
}

interface JobData {
  options: IngestJobOptions;
}

type Queues = Record<JobKind, Queue<JobData>>;

/** Finished jobs stay readable through `getJob` for a while, then Redis forgets them. */
const JOB_OPTIONS: JobsOptions = {
  // A lost database or Redis is waited out within a run (OUTAGE_TIMEOUT_S); a longer outage gets
  // further attempts, each resuming the job's run. Any other failure is final (see forBullmq).
  attempts: JOB_ATTEMPTS,
  backoff: { type: 'exponential', delay: JOB_BACKOFF_MS },
  removeOnComplete: { age: 7 * 24 * 3600, count: 500 },
  removeOnFail: { age: 30 * 24 * 3600, count: 500 },
};

function openQueues(connection: BullmqConnection, log: Logger): Queues {
  const open = (kind: JobKind) => {
    const queue = new Queue<JobData>(kind, {
      connection: { url: connection.url },
      prefix: connection.prefix,
      defaultJobOptions: JOB_OPTIONS,
    });
    // Connection trouble is retried by ioredis; without a listener it would crash the process.
    queue.on('error', (error) => log.error({ queue: kind, err: error }, 'queue connection error'));
    return queue;
  };
  return { ingest: open('ingest'), train: open('train') };
}

/**
 * A fresh id for every request, and a deduplication id per kind: while a job of the kind is
 * waiting or running BullMQ answers with that job's id instead of adding another. The key is
 * released when the job completes or fails, not when it is resumed after a stop.
 */
async function enqueue(queues: Queues, kind: JobKind, options: IngestJobOptions): Promise<EnqueueResult> {
  const id = newJobId(kind);
  const job = await queues[kind].add(kind, { options }, { jobId: id, deduplication: { id: kind } });
  return { id: job.id ?? id, deduplicated: job.id !== undefined && job.id !== id };
}

const STATES: Record<string, JobState> = {
  waiting: 'queued',
  delayed: 'queued',
  prioritized: 'queued',
  'waiting-children': 'queued',
  active: 'running',
  completed: 'completed',
  failed: 'failed',
};

/**
 * The state is read before the job's data: a job that finishes in between then shows its result,
 * where the other order could report `completed` beside the result it had before (none).
 */
async function statusOf(kind: JobKind, queue: Queue<JobData>, id: string): Promise<JobStatus | undefined> {
  const state = STATES[await queue.getJobState(id)];
  if (!state) return undefined;
  const job: Job<JobData> | undefined = await queue.getJob(id);
  if (!job) return undefined;
  const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);
  return {
    id: job.id ?? '',
    kind,
    state,
    progress:
      typeof job.progress === 'object' && job.progress !== null ? (job.progress as JobProgress) : null,
    result: job.returnvalue ?? null,
    error: state === 'failed' ? (job.failedReason ?? 'failed') : null,
    createdAt: new Date(job.timestamp).toISOString(),
    startedAt: iso(job.processedOn),
    finishedAt: state === 'completed' || state === 'failed' ? iso(job.finishedOn) : null,
  };
}

export interface BullmqJobRunnerOptions extends BullmqConnection {
  logger: Logger;
  timetable: Timetable;
}

/**
 * The scaled shape's producer side: `serve` and the CLI enqueue through it, `scheduler` registers
 * the timetable through it; `horrorcast worker` processes (see startBullmqWorkers).
 */
export interface BullmqJobRunner extends JobRunner {
  /** The queues themselves, for the queue board. */
  readonly queues: readonly Queue[];
}

export function createBullmqJobRunner(options: BullmqJobRunnerOptions): BullmqJobRunner {
  const log = options.logger.child({ component: 'jobs' });
  const queues = openQueues(options, log);
  return {
    queues: JOB_KINDS.map((kind) => queues[kind]),
    enqueueIngest: (ingestOptions = {}) => enqueue(queues, 'ingest', ingestOptions),
    enqueueTrain: () => enqueue(queues, 'train', {}),
    async getJob(id) {
      const known = kindOfJobId(id);
      for (const kind of known ? [known] : JOB_KINDS) {
        const status = await statusOf(kind, queues[kind], id);
        if (status) return status;
      }
      return undefined;
    },
    async queueDepths() {
      const depth = async (kind: JobKind) => {
        const counts = await queues[kind].getJobCounts(
          'waiting',
          'delayed',
          'prioritized',
          'active',
          'failed',
        );
        return {
          queued: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0),
          running: counts.active ?? 0,
          failed: counts.failed ?? 0,
        };
      };
      const [ingest, train] = await Promise.all([depth('ingest'), depth('train')]);
      return { ingest, train };
    },
    /**
     * Job schedulers are keyed by id and upserted atomically in Redis: however many schedulers
     * start at once, each kind has one schedule and one next job.
     */
    async startSchedule() {
      validateTimetable(options.timetable);
      for (const kind of JOB_KINDS) {
        if (options.timetable[kind] === SCHEDULE_OFF) {
          await queues[kind].removeJobScheduler(timetableId(kind));
          continue;
        }
        await queues[kind].upsertJobScheduler(
          timetableId(kind),
          { pattern: options.timetable[kind], tz: options.timetable.timeZone ?? DEFAULT_TIME_ZONE },
          { name: kind, data: { options: {} }, opts: JOB_OPTIONS },
        );
      }
      log.info(
        { ...options.timetable, timeZone: options.timetable.timeZone ?? DEFAULT_TIME_ZONE },
        'timetable registered in Redis',
      );
    },
    async close() {
      await Promise.all(JOB_KINDS.map((kind) => queues[kind].close()));
    },
  };
}

export interface BullmqWorkerOptions extends BullmqConnection {
  logger: Logger;
  processors: JobProcessors;
  /** Jobs of each kind this process takes at once (`--concurrency`); one runs, the rest merge. */
  concurrency?: number;
  /**
   * How long a job stays ours without a heartbeat (BullMQ's lock, and our lock on its kind): after
   * a worker dies, its job is picked up again within this plus `stalledIntervalMs`.
   */
  lockDurationMs?: number;
  /** How often workers look for jobs whose worker has died. */
  stalledIntervalMs?: number;
  /** Resumptions after a worker died before the job is failed (a job that kills its worker). */
  maxStalledCount?: number;
  /** On close, how long the current jobs may run on before they are checkpointed and requeued. */
  shutdownGraceMs?: number;
}

export interface BullmqWorkers {
  /** Stops taking jobs, lets current ones finish within the grace period, then checkpoints them. */
  close(): Promise<void>;
}

/** Progress goes to Redis at most a few times a second, whatever the processor's pace. */
function progressWriter(job: Job<JobData>, log: Logger, intervalMs = 250) {
  let pending: JobProgress | undefined;
  let writtenAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    timer = undefined;
    const progress = pending;
    pending = undefined;
    if (!progress) return;
    writtenAt = performance.now();
    writing = job
      .updateProgress(progress)
      .catch((error) => log.warn({ jobId: job.id, err: error }, 'could not store job progress'));
  };
  return {
    report(progress: JobProgress) {
      pending = progress;
      if (timer) return;
      const wait = writtenAt + intervalMs - performance.now();
      if (wait <= 0) write();
      else timer = setTimeout(write, wait);
    },
    async flush() {
      clearTimeout(timer);
      write();
      await writing;
    },
  };
}

/**
 * `horrorcast worker`: one BullMQ worker per queue. Around every job it holds a Redis lock on the
 * job's kind, so a second job of that kind (a scheduled ingest while a manual one runs, on any
 * worker) completes at once as merged into the running one. A completed job requests its
 * follow-up (see dispatch.ts).
 */
export async function startBullmqWorkers(options: BullmqWorkerOptions): Promise<BullmqWorkers> {
  const log = options.logger.child({ component: 'worker' });
  const lockDuration = options.lockDurationMs ?? 30_000;
  const graceMs = options.shutdownGraceMs ?? 10_000;
  const queues = openQueues(options, log);
  const redis = openRedis(options.url, 'horrorcast-worker-locks');
  redis.on('error', (error) => log.error({ err: error }, 'redis connection error'));
  const stopping = new Set<AbortController>();

  const processorFor =
    (kind: JobKind) =>
    async (job: Job<JobData>, token?: string, cancelled?: AbortSignal): Promise<unknown> => {
      const jobId = job.id ?? '';
      const attempt = await acquireJobLock({
        redis,
        key: `${options.prefix}:lock:${kind}`,
        jobId,
        token: token ?? randomUUID(),
        ttlMs: lockDuration,
      });
      if (!attempt.acquired) {
        log.info({ jobId, kind, runningJobId: attempt.heldByJobId }, 'merged into the running job');
        return { merged: true, runningJobId: attempt.heldByJobId };
      }
      const { lock } = attempt;
      const stop = new AbortController();
      stopping.add(stop);
      const signal = AbortSignal.any([lock.lost, stop.signal, ...(cancelled ? [cancelled] : [])]);
      const progress = progressWriter(job, log);
      const context = { id: jobId, attempt: job.attemptsStarted };
      log.info({ jobId, kind, attempt: context.attempt }, 'job started');
      try {
        const result = await runProcessor(
          options.processors,
          kind,
          job.data.options ?? {},
          progress.report,
          signal,
          context,
        );
        await progress.flush();
        await requestFollowUp(kind, jobId);
        log.info({ jobId, kind }, 'job completed');
        return result ?? null;
      } catch (error) {
        await progress.flush();
        if (stop.signal.aborted && !lock.lost.aborted) {
          // Checkpoint: what is done is in the database. Back to the queue under the same id (the
          // deduplication key stays), for the next worker to resume.
          await job.moveToWait(token);
          log.info({ jobId, kind }, 'worker stopping: job checkpointed and requeued');
          throw new WaitingError();
        }
        throw forBullmq(error);
      } finally {
        stopping.delete(stop);
        await lock.release().catch((error) => log.warn({ jobId, err: error }, 'could not release job lock'));
      }
    };

  async function requestFollowUp(kind: JobKind, jobId: string): Promise<void> {
    const next = followUpOf(kind);
    if (!next) return;
    try {
      const followUp = await enqueue(queues, next, {});
      log.info({ jobId, kind, followUpJobId: followUp.id }, `${kind} finished: ${next} requested`);
    } catch (error) {
      // The timetable requests it anyway; a lost request must not fail a finished job.
      log.error({ jobId, kind, err: error }, `could not request a ${next} job`);
    }
  }

  const workers = JOB_KINDS.map((kind) => {
    const worker = new Worker<JobData>(kind, processorFor(kind), {
      connection: { url: options.url },
      prefix: options.prefix,
      concurrency: options.concurrency ?? 1,
      lockDuration,
      stalledInterval: options.stalledIntervalMs ?? 15_000,
      maxStalledCount: options.maxStalledCount ?? 2,
    });
    worker.on('error', (error) => log.error({ queue: kind, err: error }, 'worker error'));
    worker.on('failed', (job, error) => log.warn({ jobId: job?.id, kind, err: error }, 'job failed'));
    worker.on('stalled', (jobId) =>
      log.warn(
        { jobId, kind },
        'job stalled: its worker stopped renewing the lock (it died or lost Redis); resuming it',
      ),
    );
    return worker;
  });
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  log.info({ concurrency: options.concurrency ?? 1, prefix: options.prefix }, 'worker ready');

  return {
    async close() {
      const grace = setTimeout(() => {
        for (const stop of stopping) stop.abort(new Error('the worker is stopping'));
      }, graceMs);
      try {
        await Promise.all(workers.map((worker) => worker.close()));
      } finally {
        clearTimeout(grace);
      }
      await Promise.all(JOB_KINDS.map((kind) => queues[kind].close()));
      await redis.quit();
    },
  };
}
