import type {
  AggregateStores,
  MovieInput,
  OutageOptions,
  SnapshotInput,
  Stores,
} from '../persistence/index.js';

/** One discover page's films (with whatever details were fetched) and their snapshots. */
export interface PageWork {
  films: MovieInput[];
  snapshots: Array<Omit<SnapshotInput, 'ingest_run_id'>>;
}

/** What one transaction wrote. */
export interface WrittenBatch {
  pages: number;
  inserted: number;
  updated: number;
  snapshots: number;
}

export interface PageWriterOptions {
  stores: Stores;
  runId: number;
  now: () => Date;
  /** Runs inside each batch's transaction after its rows, so what it records commits with them. */
  alongside: (trx: AggregateStores, written: WrittenBatch) => Promise<void>;
  /** Called once a batch has committed. */
  committed: (written: WrittenBatch) => void;
  /** How long a lost database is waited out, retrying the batch, before the write fails. */
  outage: OutageOptions;
}

/**
 * Writes pages one transaction at a time; whatever queued up during one transaction goes into
 * the next, so batches grow when the database is the slower side and writers never contend for
 * row locks. Each page's promise settles when the transaction holding it has committed or failed.
 */
export function createPageWriter(options: PageWriterOptions): (work: PageWork) => Promise<void> {
  const { stores, runId, now } = options;
  const pending: Array<{ work: PageWork; done: () => void; failed: (error: unknown) => void }> = [];
  let writing = false;

  async function writeBatch(batch: readonly PageWork[]): Promise<WrittenBatch> {
    const films = batch.flatMap((work) => work.films);
    const snapshots = batch.flatMap((work) =>
      work.snapshots.map((snapshot) => ({ ...snapshot, ingest_run_id: runId })),
    );
    return stores.throughOutage(
      () =>
        stores.transaction(async (trx) => {
          // The run's row first: a written page is a sign of life, and holding that row's lock
          // before the snapshots' foreign keys read it means the heartbeat, which writes the
          // same row from outside, waits for this transaction instead of deadlocking with it.
          await trx.collectionRuns.heartbeat(runId, now().toISOString());
          const upserted = await trx.films.upsert(films, now().toISOString());
          const snapshotCount = await trx.films.insertSnapshots(snapshots);
          const written = { pages: batch.length, ...upserted, snapshots: snapshotCount };
          await options.alongside(trx, written);
          return written;
        }),
      options.outage,
    );
  }

  async function drain(): Promise<void> {
    writing = true;
    while (pending.length > 0) {
      const batch = pending.splice(0);
      try {
        const written = await writeBatch(batch.map((entry) => entry.work));
        options.committed(written);
        for (const entry of batch) entry.done();
      } catch (error) {
        for (const entry of batch) entry.failed(error);
      }
    }
    writing = false;
  }

  return (work) =>
    new Promise((done, failed) => {
      pending.push({ work, done, failed });
      if (!writing) void drain();
    });
}
