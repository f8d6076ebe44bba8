import type {
  CollectionRunsStore,
  IngestRun,
  TrainingRunsStore,
  TrainRunRecord,
} from '../../persistence/index.js';
import type { IngestRunView, TrainRunView } from '../schemas/runs.js';

export type RunsService = ReturnType<typeof createRunsService>;

function ingestView(run: IngestRun): IngestRunView {
  const { job_id: _job, failures: _failures, ...view } = run;
  return view;
}

function trainView(run: TrainRunRecord): TrainRunView {
  return {
    id: run.id,
    started_at: run.started_at,
    finished_at: run.finished_at,
    status: run.status,
    sample_count: run.sample_count,
    duration_seconds: run.duration_seconds,
    metrics: run.metrics,
    error: run.error,
  };
}

/** A running run whose heartbeat is older than this is shown as interrupted (RUN_STALE_AFTER_S). */
const DEFAULT_STALE_AFTER_MS = 120_000;

/**
 * Collections and training runs as the API lists them. Every look first settles the runs whose
 * process went silent, so a dead run is never shown as running.
 */
export function createRunsService(
  collections: CollectionRunsStore,
  trainings: TrainingRunsStore,
  staleAfterMs = DEFAULT_STALE_AFTER_MS,
) {
  const settle = async () => {
    const now = new Date().toISOString();
    await Promise.all([collections.settleStale(now, staleAfterMs), trainings.settleStale(now, staleAfterMs)]);
  };
  return {
    async recent(limit: number): Promise<{ ingest: IngestRunView[]; train: TrainRunView[] }> {
      await settle();
      const [ingest, train] = await Promise.all([collections.recent(limit), trainings.recent(limit)]);
      return { ingest: ingest.map(ingestView), train: train.map(trainView) };
    },

    latestIngest: async () => {
      await settle();
      return collections.latest();
    },
    latestTrain: async () => {
      await settle();
      return trainings.latest();
    },
    latestSucceededSource: () => collections.latestSucceededSource(),
  };
}
