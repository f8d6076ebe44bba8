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

/** The work itself: plain functions of their input, supplied by the composition root. */
export interface JobProcessors {
  ingest(options: IngestJobOptions, report: (progress: JobProgress) => void, signal: AbortSignal): Promise<unknown>;
  train(report: (progress: JobProgress) => void, signal: AbortSignal): Promise<unknown>;
}

export interface JobRunner {
  enqueueIngest(options?: IngestJobOptions): Promise<EnqueueResult>;
  enqueueTrain(): Promise<EnqueueResult>;
  getJob(id: string): Promise<JobStatus | undefined>;
  /** Registers INGEST_SCHEDULE and TRAIN_SCHEDULE (once, however many schedulers start). */
  startSchedule(): Promise<void>;
  close(): Promise<void>;
}
