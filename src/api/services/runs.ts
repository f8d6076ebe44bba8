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

/** Collections and training runs as the API lists them. */
export function createRunsService(collections: CollectionRunsStore, trainings: TrainingRunsStore) {
  return {
    async recent(limit: number): Promise<{ ingest: IngestRunView[]; train: TrainRunView[] }> {
      const [ingest, train] = await Promise.all([collections.recent(limit), trainings.recent(limit)]);
      return { ingest: ingest.map(ingestView), train: train.map(trainView) };
    },

    latestIngest: () => collections.latest(),
    latestTrain: () => trainings.latest(),
    latestSucceededSource: () => collections.latestSucceededSource(),
  };
}
