import type { DataSource, IngestRun, IngestRunUpdate, Timestamp } from '../schema.js';
import { countRows, insertRun, type StoreContext } from './context.js';

export interface IngestRunStart {
  source: DataSource;
  jobId?: string | null;
  yearFrom?: number | null;
  yearTo?: number | null;
  startedAt?: Timestamp;
}

export type CollectionRunsStore = ReturnType<typeof createCollectionRunsStore>;

/** The record of every collection and import (ingest_runs): its counts, failures and outcome. */
export function createCollectionRunsStore(context: StoreContext) {
  const { db } = context;
  return {
    /** Records a run as running and returns its id. */
    async start(run: IngestRunStart): Promise<number> {
      return insertRun(context, 'ingest_runs', {
        started_at: run.startedAt ?? new Date().toISOString(),
        status: 'running',
        source: run.source,
        job_id: run.jobId ?? null,
        year_from: run.yearFrom ?? null,
        year_to: run.yearTo ?? null,
      });
    },

    async update(id: number, update: IngestRunUpdate): Promise<void> {
      await db.updateTable('ingest_runs').set(update).where('id', '=', id).execute();
    },

    /**
     * The run a resumed job left unfinished: its worker died (still `running`) or stopped and
     * checkpointed (`failed`, cancelled). Continuing it keeps one snapshot per film for that collection.
     */
    async resumable(jobId: string): Promise<IngestRun | undefined> {
      return db
        .selectFrom('ingest_runs')
        .selectAll()
        .where('job_id', '=', jobId)
        .where('status', 'in', ['running', 'failed'])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    /**
     * Runs still marked `running` when a new one starts were cut short (killed, crashed, host lost):
     * their rows would otherwise claim to be running forever. Should one of them in fact still be
     * going, its own final update puts its status right.
     */
    async closeInterrupted(currentRunId: number, now: Timestamp): Promise<number> {
      const result = await db
        .updateTable('ingest_runs')
        .set({
          status: 'failed',
          finished_at: now,
          error: `interrupted before it finished; run ${currentRunId} collects what it missed`,
        })
        .where('status', '=', 'running')
        .where('id', '<', currentRunId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async find(id: number): Promise<IngestRun | undefined> {
      return db.selectFrom('ingest_runs').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async latest(): Promise<IngestRun | undefined> {
      return db.selectFrom('ingest_runs').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
    },

    /** The source of the newest successful collection: where the data on screen came from. */
    async latestSucceededSource(): Promise<string | undefined> {
      const row = await db
        .selectFrom('ingest_runs')
        .select('source')
        .where('status', 'in', ['succeeded', 'partial'])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row?.source;
    },

    /** Every run, oldest first. */
    async all(): Promise<IngestRun[]> {
      return db.selectFrom('ingest_runs').selectAll().orderBy('id', 'asc').execute();
    },

    async recent(limit: number): Promise<IngestRun[]> {
      return db.selectFrom('ingest_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
    },

    count: () => countRows(context, 'ingest_runs'),
  };
}
