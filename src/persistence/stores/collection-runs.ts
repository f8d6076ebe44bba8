import type { DataSource, IngestRun, IngestRunUpdate, Timestamp } from '../schema.js';
import { beat, countRows, insertRun, type StoreContext, settleStaleRuns } from './context.js';

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
     * The run a resumed job left unfinished: its worker died (still `running`, or settled `interrupted`) or stopped and
     * checkpointed (`failed`, cancelled). Continuing it keeps one snapshot per film for that collection.
     */
    async resumable(jobId: string): Promise<IngestRun | undefined> {
      return db
        .selectFrom('ingest_runs')
        .selectAll()
        .where('job_id', '=', jobId)
        .where('status', 'in', ['running', 'failed', 'interrupted'])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    /** "Still working": written every few seconds while the run works. */
    heartbeat: (id: number, at: Timestamp) => beat(context, 'ingest_runs', id, at),

    /** Settles runs whose process went silent for longer than `staleAfterMs` as `interrupted`. */
    settleStale: (now: Timestamp, staleAfterMs: number) =>
      settleStaleRuns(context, 'ingest_runs', now, staleAfterMs),

    /**
     * What a run wrote, read from its snapshots (one per film and run): the distinct films, and of
     * those the ones no earlier run had snapshotted (new). Exact however often the run was resumed.
     */
    async filmCounts(id: number): Promise<{ films: number; newFilms: number; snapshots: number }> {
      const ofRun = db.selectFrom('movie_snapshots as s').where('s.ingest_run_id', '=', id);
      const all = await ofRun.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      const fresh = await ofRun
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('movie_snapshots as e')
                .select('e.tmdb_id')
                .whereRef('e.tmdb_id', '=', 's.tmdb_id')
                .where('e.ingest_run_id', '<', id),
            ),
          ),
        )
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      const films = Number(all.n);
      return { films, newFilms: Number(fresh.n), snapshots: films };
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
