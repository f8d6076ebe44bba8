import { type Config, usesDemoData } from '../../config/index.js';
import { redisLocation } from '../../jobs/redis-url.js';
import type { JobKind, JobRunner, QueueDepth } from '../../jobs/types.js';
import { type IngestRun, schemaVersion, type TrainRunRecord } from '../../persistence/index.js';
import { createWiring, type Wiring } from '../../wiring.js';
import { printJson } from '../json.js';

type JobsStatus =
  | { shape: 'embedded'; detail: string }
  | { shape: 'scaled'; redis: { location: string; reachable: true; queues: Record<JobKind, QueueDepth> } }
  | { shape: 'scaled'; redis: { location: string; reachable: false; error: string } };

async function jobsStatus(wiring: Wiring): Promise<JobsStatus> {
  const { config } = wiring;
  if (!config.REDIS_URL) {
    return {
      shape: 'embedded',
      detail: 'no REDIS_URL: jobs and the timetable run inside `horrorcast serve`',
    };
  }
  const location = redisLocation(config.REDIS_URL);
  let runner: JobRunner;
  try {
    runner = await wiring.jobQueue('status');
  } catch (error) {
    return { shape: 'scaled', redis: { location, reachable: false, error: (error as Error).message } };
  }
  return { shape: 'scaled', redis: { location, reachable: true, queues: await runner.queueDepths() } };
}

function ingestView(run: IngestRun | undefined) {
  if (!run) return null;
  return {
    id: run.id,
    status: run.status,
    source: run.source,
    source_file: run.source_file,
    started_at: run.started_at,
    finished_at: run.finished_at,
    years: run.year_from === null ? null : { from: run.year_from, to: run.year_to },
    pages: run.pages,
    api_calls: run.api_calls,
    new_films: run.new_films,
    updated_films: run.updated_films,
    snapshots: run.snapshots,
    failure_count: run.failure_count,
    skipped: run.skipped,
    error: run.error,
  };
}

function trainingView(run: TrainRunRecord | undefined) {
  if (!run) return null;
  return {
    id: run.id,
    status: run.status,
    started_at: run.started_at,
    finished_at: run.finished_at,
    sample_count: run.sample_count,
    duration_seconds: run.duration_seconds,
    metrics: run.metrics,
    error: run.error,
  };
}

/** What `status` reports; the database is opened without migrating it. */
export async function collectStatus(wiring: Wiring) {
  const database = await wiring.database();
  const { films: filmStore, collectionRuns, trainingRuns } = await wiring.stores();
  const version = await schemaVersion(database);
  const migrated = version.applied > 0;
  const [films, snapshots, ingestRuns, trainRuns, lastIngest, lastTraining, jobs] = await Promise.all([
    migrated ? filmStore.count() : 0,
    migrated ? filmStore.countSnapshots() : 0,
    migrated ? collectionRuns.count() : 0,
    migrated ? trainingRuns.count() : 0,
    migrated ? collectionRuns.latest() : undefined,
    migrated ? trainingRuns.latest() : undefined,
    jobsStatus(wiring),
  ]);
  return {
    database: { reachable: true, location: database.location, dialect: database.dialect },
    schema: version,
    jobs,
    data_source: dataSourceOf(wiring.config),
    films,
    snapshots,
    runs: { ingest: ingestRuns, train: trainRuns },
    last_collection: ingestView(lastIngest),
    last_training: trainingView(lastTraining),
  };
}

function dataSourceOf(config: Config): 'demo' | 'tmdb' {
  return usesDemoData(config) ? 'demo' : 'tmdb';
}

type Status = Awaited<ReturnType<typeof collectStatus>>;

const number = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(3));

function describeTraining(training: NonNullable<Status['last_training']>): string {
  const head = `${training.status} at ${training.started_at} on ${training.sample_count} films`;
  const { metrics } = training;
  if (!metrics) return training.error ? `${head}: ${training.error}` : head;
  return `${head}; forest R² ${number(metrics.rf_regression.r2)} (5-fold ${number(metrics.cv5.rf_regression_r2?.mean)}), classifier AUC ${number(metrics.rf_classification.auc)} (5-fold ${number(metrics.cv5.rf_classification_auc?.mean)})`;
}

function describeJobs(jobs: JobsStatus): string {
  if (jobs.shape === 'embedded') return `in-process (${jobs.detail})`;
  if (!jobs.redis.reachable) return `BullMQ on ${jobs.redis.location}: NOT REACHABLE (${jobs.redis.error})`;
  const depth = (d: QueueDepth) => `${d.queued} queued, ${d.running} running, ${d.failed} failed`;
  return `BullMQ on ${jobs.redis.location}: ingest ${depth(jobs.redis.queues.ingest)}; train ${depth(jobs.redis.queues.train)}`;
}

function describeIngest(ingest: NonNullable<Status['last_collection']>): string {
  const error = ingest.error ? ` (${ingest.error})` : '';
  if (ingest.source === 'import') {
    return `import of ${ingest.source_file ?? 'a CSV file'}, ${ingest.status} at ${ingest.started_at}: ${ingest.new_films} new, ${ingest.updated_films} updated, ${ingest.failure_count} rejected, ${ingest.skipped} skipped (too few votes)${error}`;
  }
  return `${ingest.status} at ${ingest.started_at}: ${ingest.new_films} new, ${ingest.updated_films} updated, ${ingest.snapshots} snapshots, ${ingest.api_calls} API calls, ${ingest.failure_count} failures${error}`;
}

function render(status: Status): string {
  const { schema, last_collection: lastIngest, last_training: lastTraining } = status;
  return [
    `database     ${status.database.location} (reachable)`,
    `schema       ${schema.current ?? 'empty'}${schema.pending.length ? `, ${schema.pending.length} pending (run \`horrorcast migrate\`)` : ''}`,
    `jobs         ${describeJobs(status.jobs)}`,
    `data source  ${status.data_source === 'demo' ? 'demo catalogue (no TMDB_API_KEY set)' : 'TMDB'}`,
    `films        ${status.films} (${status.snapshots} snapshots)`,
    `runs         ${status.runs.ingest} collections, ${status.runs.train} trainings`,
    `last ingest  ${lastIngest ? describeIngest(lastIngest) : 'never'}`,
    `last train   ${lastTraining ? describeTraining(lastTraining) : 'never'}`,
  ].join('\n');
}

/** `horrorcast status`: exit code 2 when Redis is configured but does not answer. */
export async function statusAction(options: { json?: boolean }): Promise<number> {
  const wiring = createWiring({ migrate: false });
  try {
    const status = await collectStatus(wiring);
    if (options.json) printJson(status);
    else process.stdout.write(`${render(status)}\n`);
    // Redis down in the scaled shape is an environment problem, as for `worker` and `scheduler`.
    return status.jobs.shape === 'scaled' && !status.jobs.redis.reachable ? 2 : 0;
  } finally {
    await wiring.close();
  }
}
