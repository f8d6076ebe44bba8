import { Command } from 'commander';
import { type Config, usesDemoData } from '../../config/index.js';
import { createBullmqJobRunner } from '../../jobs/bullmq.js';
import { checkRedis, redisLocation } from '../../jobs/redis.js';
import { timetableOf } from '../../jobs/timetable.js';
import type { JobKind, QueueDepth } from '../../jobs/types.js';
import { type IngestRun, schemaVersion, type TrainRunRecord } from '../../persistence/index.js';
import { type AppContext, createContext } from '../context.js';
import { action } from '../run.js';

type JobsStatus =
  | { shape: 'embedded'; detail: string }
  | { shape: 'scaled'; redis: { location: string; reachable: true; queues: Record<JobKind, QueueDepth> } }
  | { shape: 'scaled'; redis: { location: string; reachable: false; error: string } };

async function jobsStatus(context: AppContext): Promise<JobsStatus> {
  const { config } = context;
  if (!config.REDIS_URL) {
    return {
      shape: 'embedded',
      detail: 'no REDIS_URL: jobs and the timetable run inside `horrorcast serve`',
    };
  }
  const location = redisLocation(config.REDIS_URL);
  try {
    await checkRedis(config.REDIS_URL);
  } catch (error) {
    return { shape: 'scaled', redis: { location, reachable: false, error: (error as Error).message } };
  }
  const runner = createBullmqJobRunner({
    url: config.REDIS_URL,
    prefix: config.REDIS_PREFIX,
    logger: context.logger,
    timetable: timetableOf(config),
  });
  try {
    return { shape: 'scaled', redis: { location, reachable: true, queues: await runner.queueDepths() } };
  } finally {
    await runner.close();
  }
}

function ingestView(run: IngestRun | undefined) {
  if (!run) return null;
  return {
    id: run.id,
    status: run.status,
    source: run.source,
    started_at: run.started_at,
    finished_at: run.finished_at,
    years: run.year_from === null ? null : { from: run.year_from, to: run.year_to },
    pages: run.pages,
    api_calls: run.api_calls,
    new_films: run.new_films,
    updated_films: run.updated_films,
    snapshots: run.snapshots,
    failure_count: run.failure_count,
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

export async function collectStatus(context: AppContext) {
  const { films: filmStore, collectionRuns, trainingRuns } = context.stores;
  const version = await schemaVersion(context.database);
  const migrated = version.applied > 0;
  const [films, snapshots, ingestRuns, trainRuns, lastIngest, lastTraining, jobs] = await Promise.all([
    migrated ? filmStore.count() : 0,
    migrated ? filmStore.countSnapshots() : 0,
    migrated ? collectionRuns.count() : 0,
    migrated ? trainingRuns.count() : 0,
    migrated ? collectionRuns.latest() : undefined,
    migrated ? trainingRuns.latest() : undefined,
    jobsStatus(context),
  ]);
  return {
    database: { reachable: true, location: context.database.location, dialect: context.database.dialect },
    schema: version,
    jobs,
    data_source: dataSourceOf(context.config),
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

function render(status: Status): string {
  const { schema, last_collection: lastIngest, last_training: lastTraining } = status;
  return [
    `database     ${status.database.location} (reachable)`,
    `schema       ${schema.current ?? 'empty'}${schema.pending.length ? `, ${schema.pending.length} pending (run \`horrorcast migrate\`)` : ''}`,
    `jobs         ${describeJobs(status.jobs)}`,
    `data source  ${status.data_source === 'demo' ? 'demo catalogue (no TMDB_API_KEY set)' : 'TMDB'}`,
    `films        ${status.films} (${status.snapshots} snapshots)`,
    `runs         ${status.runs.ingest} collections, ${status.runs.train} trainings`,
    `last ingest  ${
      lastIngest
        ? `${lastIngest.status} at ${lastIngest.started_at}: ${lastIngest.new_films} new, ${lastIngest.updated_films} updated, ${lastIngest.snapshots} snapshots, ${lastIngest.api_calls} API calls, ${lastIngest.failure_count} failures${lastIngest.error ? ` (${lastIngest.error})` : ''}`
        : 'never'
    }`,
    `last train   ${lastTraining ? describeTraining(lastTraining) : 'never'}`,
  ].join('\n');
}

export function statusCommand(): Command {
  return new Command('status')
    .description(
      'database and Redis reachability, schema version, queue depths, last collection and training',
    )
    .option('--json', 'print one JSON object')
    .action(
      action(async (options: { json?: boolean }) => {
        const context = await createContext({ migrate: false });
        try {
          const status = await collectStatus(context);
          process.stdout.write(options.json ? `${JSON.stringify(status)}\n` : `${render(status)}\n`);
          // Redis down in the scaled shape is an environment problem, as for `worker` and `scheduler`.
          return status.jobs.shape === 'scaled' && !status.jobs.redis.reachable ? 2 : 0;
        } finally {
          await context.close();
        }
      }),
    );
}
