import type { IngestJobOptions, JobContext, JobKind, JobProcessors, JobProgress } from './types.js';

/** One processor call, the same shape for every kind: kinds without options ignore them. */
type Dispatch = (
  processors: JobProcessors,
  options: IngestJobOptions,
  report: (progress: JobProgress) => void,
  signal: AbortSignal,
  job: JobContext,
) => Promise<unknown>;

const PROCESSOR_BY_KIND: Record<JobKind, Dispatch> = {
  ingest: (processors, options, report, signal, job) => processors.ingest(options, report, signal, job),
  train: (processors, _options, report, signal, job) => processors.train(report, signal, job),
};

/**
 * The job each kind requests once it has completed: fresh films make the models stale, so a
 * finished collection requests a training. A failed job requests nothing.
 */
const FOLLOW_UP_BY_KIND: Record<JobKind, JobKind | undefined> = {
  ingest: 'train',
  train: undefined,
};

/** Runs the processor of `kind`; both adapters call this instead of choosing one themselves. */
export function runProcessor(
  processors: JobProcessors,
  kind: JobKind,
  options: IngestJobOptions,
  report: (progress: JobProgress) => void,
  signal: AbortSignal,
  job: JobContext,
): Promise<unknown> {
  return PROCESSOR_BY_KIND[kind](processors, options, report, signal, job);
}

/** The kind to request after a job of `kind` has completed, if any. */
export function followUpOf(kind: JobKind): JobKind | undefined {
  return FOLLOW_UP_BY_KIND[kind];
}
