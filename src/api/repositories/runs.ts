import type { Kysely } from 'kysely';
import { latestSucceededIngestSource } from '../../persistence/analysis.js';
import {
  latestIngestRun,
  latestTrainRun,
  recentIngestRuns,
  recentTrainRuns,
} from '../../persistence/runs.js';
import type { Database, IngestRun, TrainRun } from '../../persistence/schema.js';
import type { IngestRunView, TrainRunView } from '../schemas/runs.js';
import { parseMetrics } from './metrics.js';

export type RunsRepository = ReturnType<typeof createRunsRepository>;

function ingestView(run: IngestRun): IngestRunView {
  const { job_id: _job, failures: _failures, ...view } = run;
  return view;
}

function trainView(run: TrainRun): TrainRunView {
  return {
    id: run.id,
    started_at: run.started_at,
    finished_at: run.finished_at,
    status: run.status,
    sample_count: run.sample_count,
    duration_seconds: run.duration_seconds,
    metrics: parseMetrics(run.metrics),
    error: run.error,
  };
}

export function createRunsRepository(db: Kysely<Database>) {
  return {
    async recent(limit: number): Promise<{ ingest: IngestRunView[]; train: TrainRunView[] }> {
      const [ingest, train] = await Promise.all([recentIngestRuns(db, limit), recentTrainRuns(db, limit)]);
      return { ingest: ingest.map(ingestView), train: train.map(trainView) };
    },

    latestIngest: () => latestIngestRun(db),
    latestTrain: () => latestTrainRun(db),
    latestSucceededSource: () => latestSucceededIngestSource(db),
  };
}
