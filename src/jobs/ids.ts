import { randomUUID } from 'node:crypto';
import type { JobKind, JobStatus } from './types.js';

export const JOB_KINDS: readonly JobKind[] = ['ingest', 'train'];

/** Ids begin with their kind so that a status request finds the right queue without a lookup. */
export function newJobId(kind: JobKind): string {
  return `${kind}-${randomUUID()}`;
}

/** Timetable entries are named after their kind too; BullMQ prefixes their jobs with `repeat:`. */
export function timetableId(kind: JobKind): string {
  return `${kind}-timetable`;
}

export function kindOfJobId(id: string): JobKind | undefined {
  const match = /^(?:repeat:)?(ingest|train)-/.exec(id);
  return match ? (match[1] as JobKind) : undefined;
}

/** The status of a job that has just been queued. */
export function queuedStatus(id: string, kind: JobKind): JobStatus {
  return {
    id,
    kind,
    state: 'queued',
    progress: null,
    result: null,
    error: null,
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
  };
}
