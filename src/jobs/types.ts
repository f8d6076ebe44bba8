/**
 * One interface for background work, with two adapters: in-process (embedded shape, no Redis) and
 * BullMQ (scaled shape, REDIS_URL set). Callers (CLI, API, scheduler) only see this file.
 */
export type JobKind = 'ingest' | 'train';
export type JobState = 'queued' | 'running' | 'completed' | 'failed';

export interface IngestJobOptions {
  from?: number;
  to?: number;
  pages?: number;
}

export interface JobProgress {
  /** 0..1 where known. */
  fraction?: number;
  message?: string;
  [detail: string]: unknown;
}

export interface JobStatus {
  id: string;
  kind: JobKind;
  state: JobState;
  progress: JobProgress | null;
  result: unknown;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface EnqueueResult {
  id: string;
  /** True when a job of that kind was already waiting or running and this request joined it. */
  deduplicated: boolean;
}

/** Which job a processor works for. */
export interface JobContext {
  /**
   * Recorded on the run row (`ingest_runs.job_id`, `train_runs.job_id`). A job interrupted by a
   * stopping or dying worker is resumed under the same id, so the ingest finds its run again and
   * continues it instead of starting another.
   */
  id: string;
  /** 1 on the first start, more when the job is resumed. */
  attempt: number;
}

/**
 * The work itself: plain functions of their input, supplied by the composition root. The signal
 * aborts when the worker stops (or loses the job): return or throw soon, leaving the database
 * consistent; the job is then resumed elsewhere under the same id.
 */
export interface JobProcessors {
  ingest(
    options: IngestJobOptions,
    report: (progress: JobProgress) => void,
    signal: AbortSignal,
    job: JobContext,
  ): Promise<unknown>;
  train(report: (progress: JobProgress) => void, signal: AbortSignal, job: JobContext): Promise<unknown>;
}

/** Jobs of one kind by state, for `horrorcast status` and operators. */
export interface QueueDepth {
  queued: number;
  running: number;
  failed: number;
}

export interface JobRunner {
  enqueueIngest(options?: IngestJobOptions): Promise<EnqueueResult>;
  enqueueTrain(): Promise<EnqueueResult>;
  getJob(id: string): Promise<JobStatus | undefined>;
  queueDepths(): Promise<Record<JobKind, QueueDepth>>;
  /** Registers INGEST_SCHEDULE and TRAIN_SCHEDULE (once, however many schedulers start). */
  startSchedule(): Promise<void>;
  close(): Promise<void>;
}
