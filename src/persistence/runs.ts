import type { Insertable, Kysely } from 'kysely';
import type {
  Database,
  DataSource,
  IngestRun,
  IngestRunUpdate,
  Timestamp,
  TrainRun,
  TrainRunUpdate,
} from './schema.js';

export interface IngestRunStart {
  source: DataSource;
  jobId?: string | null;
  yearFrom?: number | null;
  yearTo?: number | null;
  startedAt?: Timestamp;
}

/** Inserts a run row and returns its id: RETURNING where the dialect has it, the insert id on MySQL. */
async function insertRun<T extends 'ingest_runs' | 'train_runs'>(
  db: Kysely<Database>,
  table: T,
  values: Insertable<Database[T]>,
): Promise<number> {
  const insert = db.insertInto(table as 'ingest_runs').values(values as Insertable<Database['ingest_runs']>);
  if (db.getExecutor().adapter.supportsReturning) {
    const row = await insert.returning('id').executeTakeFirstOrThrow();
    return row.id;
  }
  const result = await insert.executeTakeFirstOrThrow();
  return Number(result.insertId);
}

export async function startIngestRun(db: Kysely<Database>, run: IngestRunStart): Promise<number> {
  const values = {
    started_at: run.startedAt ?? new Date().toISOString(),
    status: 'running' as const,
    source: run.source,
    job_id: run.jobId ?? null,
    year_from: run.yearFrom ?? null,
    year_to: run.yearTo ?? null,
  };
  return insertRun(db, 'ingest_runs', values);
}

export async function updateIngestRun(
  db: Kysely<Database>,
  id: number,
  update: IngestRunUpdate,
): Promise<void> {
  await db.updateTable('ingest_runs').set(update).where('id', '=', id).execute();
}

export async function startTrainRun(
  db: Kysely<Database>,
  run: { jobId?: string | null; startedAt?: Timestamp } = {},
): Promise<number> {
  const values = {
    started_at: run.startedAt ?? new Date().toISOString(),
    status: 'running' as const,
    job_id: run.jobId ?? null,
  };
  return insertRun(db, 'train_runs', values);
}

export async function updateTrainRun(
  db: Kysely<Database>,
  id: number,
  update: TrainRunUpdate,
): Promise<void> {
  await db.updateTable('train_runs').set(update).where('id', '=', id).execute();
}

export async function latestIngestRun(db: Kysely<Database>): Promise<IngestRun | undefined> {
  return db.selectFrom('ingest_runs').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export async function latestTrainRun(db: Kysely<Database>): Promise<TrainRun | undefined> {
  return db.selectFrom('train_runs').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** The run whose results the API shows: the newest that finished successfully. */
export async function latestSucceededTrainRun(db: Kysely<Database>): Promise<TrainRun | undefined> {
  return db
    .selectFrom('train_runs')
    .selectAll()
    .where('status', '=', 'succeeded')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function recentIngestRuns(db: Kysely<Database>, limit: number): Promise<IngestRun[]> {
  return db.selectFrom('ingest_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

export async function recentTrainRuns(db: Kysely<Database>, limit: number): Promise<TrainRun[]> {
  return db.selectFrom('train_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

export async function countRuns(db: Kysely<Database>): Promise<{ ingest: number; train: number }> {
  const [ingest, train] = await Promise.all([
    db
      .selectFrom('ingest_runs')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('train_runs')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { ingest: Number(ingest.n), train: Number(train.n) };
}
