import { checkConnection, type DatabaseHandle } from '../connection.js';
import { type OutageOptions, retryThroughOutage } from '../outage.js';
import { type CollectionRunsStore, createCollectionRunsStore } from './collection-runs.js';
import type { StoreContext } from './context.js';
import { createDatabaseFactsStore, type DatabaseFactsStore } from './database-facts.js';
import { createFilmsStore, type FilmsStore } from './films.js';
import { createInsightsStore, type InsightsStore } from './insights.js';
import { createTrainingRunsStore, type TrainingRunsStore } from './training-runs.js';

/** One store per aggregate, all on the same connection (or the same open transaction). */
export interface AggregateStores {
  readonly films: FilmsStore;
  readonly collectionRuns: CollectionRunsStore;
  readonly trainingRuns: TrainingRunsStore;
  readonly databaseFacts: DatabaseFactsStore;
  readonly insights: InsightsStore;
}

export interface Stores extends AggregateStores {
  /**
   * Runs `work` in one transaction: the stores it receives write inside it, so callers compose
   * several writes that succeed or fail together. The transaction commits when `work` resolves.
   */
  transaction<T>(work: (stores: AggregateStores) => Promise<T>): Promise<T>;
  /**
   * Runs `work` again while the database is unreachable (or a concurrent writer won), for at most
   * `options.timeoutMs`; then throws DatabaseUnavailableError naming where the database is.
   */
  throughOutage<T>(work: () => Promise<T>, options: OutageOptions): Promise<T>;
  /** One round trip to the database; throws DatabaseUnavailableError naming where it is. */
  checkConnection(): Promise<void>;
}

function storesOn(context: StoreContext): AggregateStores {
  return {
    films: createFilmsStore(context),
    collectionRuns: createCollectionRunsStore(context),
    trainingRuns: createTrainingRunsStore(context),
    databaseFacts: createDatabaseFactsStore(context),
    insights: createInsightsStore(context),
  };
}

export function createStores(database: DatabaseHandle): Stores {
  const { db, capabilities } = database;
  return {
    ...storesOn({ db, capabilities }),
    transaction: (work) => db.transaction().execute((trx) => work(storesOn({ db: trx, capabilities }))),
    throughOutage: (work, options) => retryThroughOutage(work, database.location, options),
    checkConnection: () => checkConnection(database),
  };
}
