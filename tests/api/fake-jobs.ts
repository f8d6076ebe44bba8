import { queuedStatus } from '../../src/jobs/ids.js';
import type { IngestJobOptions, JobRunner, JobStatus } from '../../src/jobs/types.js';

/** A JobRunner that only records what was asked, for testing the HTTP layer on its own. */
export function createRecordingJobRunner(): JobRunner & {
  ingestRequests: IngestJobOptions[];
  trainRequests: number;
} {
  const jobs = new Map<string, JobStatus>();
  const runner = {
    ingestRequests: [] as IngestJobOptions[],
    trainRequests: 0,
    async enqueueIngest(options: IngestJobOptions = {}) {
      runner.ingestRequests.push(options);
      return record('ingest');
    },
    async enqueueTrain() {
      runner.trainRequests += 1;
      return record('train');
    },
    async getJob(id: string) {
      return jobs.get(id);
    },
    async queueDepths() {
      const queued = (kind: 'ingest' | 'train') =>
        [...jobs.values()].filter((job) => job.kind === kind).length;
      return {
        ingest: { queued: queued('ingest'), running: 0, failed: 0 },
        train: { queued: queued('train'), running: 0, failed: 0 },
      };
    },
    async startSchedule() {},
    async close() {},
  };
  function record(kind: 'ingest' | 'train') {
    const id = `${kind}-${jobs.size + 1}`;
    jobs.set(id, queuedStatus(id, kind));
    return { id, deduplicated: false };
  }
  return runner;
}
