import { type Config, usesDemoData } from '../../config/index.js';
import { redisLocation } from '../../jobs/redis-url.js';
import type { JobKind, JobRunner, QueueDepth } from '../../jobs/types.js';
import {
  countMovies,
  countRuns,
  countSnapshots,
  type IngestRun,
  latestIngestRun,
  latestTrainRun,
  schemaVersion,
  type TrainRun,
} from '../../persistence/index.js';
import { createWiring, type Wiring } from '../../wiring.js';

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

function parsedJson(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function ingestView(run: IngestRun | undefined) {
  if (!run) return null;
  return {
    id: run.id,
    status: run.status,
    source: run.source,
    sourceFile: run.source_file,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
    years: run.year_from === null ? null : { from: run.year_from, to: run.year_to },
    pages: run.pages,
    apiCalls: run.api_calls,
    newFilms: run.new_films,
    updatedFilms: run.updated_films,
    snapshots: run.snapshots,
    failures: run.failure_count,
    skipped: run.skipped,
    error: run.error,
  };
}

function trainingView(run: TrainRun | undefined) {
  if (!run) return null;
  return {
    id: run.id,
    status: run.status,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
    samples: run.sample_count,
    seconds: run.duration_seconds,
    metrics: parsedJson(run.metrics),
    error: run.error,
  };
}

/** What `status` reports; the database is opened without migrating it. */
export async function collectStatus(wiring: Wiring) {
  const database = await wiring.database();
  const { db } = database;
  const version = await schemaVersion(database);
  const migrated = version.applied > 0;
  const [films, snapshots, runs, lastIngest, lastTraining, jobs] = await Promise.all([
    migrated ? countMovies(db) : 0,
    migrated ? countSnapshots(db) : 0,
    migrated ? countRuns(db) : { ingest: 0, train: 0 },
    migrated ? latestIngestRun(db) : undefined,
    migrated ? latestTrainRun(db) : undefined,
    jobsStatus(wiring),
  ]);
  return {
    database: { reachable: true, location: database.location, dialect: database.dialect },
    schema: version,
    jobs,
    dataSource: dataSourceOf(wiring.config),
    films,
    snapshots,
    runs,
    lastIngest: ingestView(lastIngest),
    lastTraining: trainingView(lastTraining),
  };
}

function dataSourceOf(config: Config): 'demo' | 'tmdb' {
  return usesDemoData(config) ? 'demo' : 'tmdb';
}

type Status = Awaited<ReturnType<typeof collectStatus>>;

const number = (value: unknown) => (typeof value === 'number' ? value.toFixed(3) : '—');

function describeTraining(training: NonNullable<Status['lastTraining']>): string {
  const head = `${training.status} at ${training.startedAt} on ${training.samples} films`;
  const metrics = training.metrics as {
    rf_regression?: { r2?: number; mae?: number };
    rf_classification?: { auc?: number; accuracy?: number };
    cv5?: { rf_regression_r2?: { mean: number }; rf_classification_auc?: { mean: number } };
  } | null;
  if (!metrics?.rf_regression) return training.error ? `${head}: ${training.error}` : head;
  return `${head}; forest R² ${number(metrics.rf_regression.r2)} (5-fold ${number(metrics.cv5?.rf_regression_r2?.mean)}), classifier AUC ${number(metrics.rf_classification?.auc)} (5-fold ${number(metrics.cv5?.rf_classification_auc?.mean)})`;
}

function describeJobs(jobs: JobsStatus): string {
  if (jobs.shape === 'embedded') return `in-process (${jobs.detail})`;
  if (!jobs.redis.reachable) return `BullMQ on ${jobs.redis.location}: NOT REACHABLE (${jobs.redis.error})`;
  const depth = (d: QueueDepth) => `${d.queued} queued, ${d.running} running, ${d.failed} failed`;
  return `BullMQ on ${jobs.redis.location}: ingest ${depth(jobs.redis.queues.ingest)}; train ${depth(jobs.redis.queues.train)}`;
}

function describeIngest(ingest: NonNullable<Status['lastIngest']>): string {
  const error = ingest.error ? ` (${ingest.error})` : '';
  if (ingest.source === 'import') {
    return `import of ${ingest.sourceFile ?? 'a CSV file'}, ${ingest.status} at ${ingest.startedAt}: ${ingest.newFilms} new, ${ingest.updatedFilms} updated, ${ingest.failures} rejected, ${ingest.skipped} skipped (too few votes)${error}`;
  }
  return `${ingest.status} at ${ingest.startedAt}: ${ingest.newFilms} new, ${ingest.updatedFilms} updated, ${ingest.snapshots} snapshots, ${ingest.apiCalls} API calls, ${ingest.failures} failures${error}`;
}

function render(status: Status): string {
  const { schema, lastIngest, lastTraining } = status;
  return [
    `database     ${status.database.location} (reachable)`,
    `schema       ${schema.current ?? 'empty'}${schema.pending.length ? `, ${schema.pending.length} pending (run \`horrorcast migrate\`)` : ''}`,
    `jobs         ${describeJobs(status.jobs)}`,
    `data source  ${status.dataSource === 'demo' ? 'demo catalogue (no TMDB_API_KEY set)' : 'TMDB'}`,
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
    process.stdout.write(options.json ? `${JSON.stringify(status)}\n` : `${render(status)}\n`);
    // Redis down in the scaled shape is an environment problem, as for `worker` and `scheduler`.
    return status.jobs.shape === 'scaled' && !status.jobs.redis.reachable ? 2 : 0;
  } finally {
    await wiring.close();
  }
}
