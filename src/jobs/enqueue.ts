import type { EnqueueResult, JobKind } from './types.js';

/**
 * `horrorcast ingest|train --enqueue` in one line for a person; scripts use `--json` and get the
 * EnqueueResult itself.
 */
export function describeEnqueued(kind: JobKind, result: EnqueueResult): string {
  const what = kind === 'ingest' ? 'collection' : 'training';
  return result.deduplicated
    ? `a ${what} is already queued or running: joined job ${result.id}`
    : `${what} queued as job ${result.id}; a worker will pick it up`;
}
