import { type Config, loadConfig } from '../config/index.js';
import { createLogger, type Logger } from '../config/logger.js';
import {
  checkConnection,
  createStores,
  type DatabaseHandle,
  migrateToLatest,
  openDatabase,
  type Stores,
} from '../persistence/index.js';

/** What every command needs, built once at start-up and passed down: nothing below reaches for globals. */
export interface AppContext {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  /** Every read and write of the data goes through these. */
  stores: Stores;
  close(): Promise<void>;
}

export function secretsOf(config: Config): Array<string | undefined> {
  return [config.TMDB_API_KEY, config.ADMIN_TOKEN];
}

export function createAppLogger(config: Config, name = 'horrorcast'): Logger {
  // Logs go to stderr so that `--json` output on stdout stays one clean JSON object.
  return createLogger({ level: config.LOG_LEVEL, secrets: secretsOf(config), name }, process.stderr);
}

/**
 * Loads configuration, opens the database, checks it answers and applies pending migrations
 * (SPEC: every command but `migrate` migrates at start).
 */
export async function createContext(
  options: { migrate?: boolean; config?: Config } = {},
): Promise<AppContext> {
  const config = options.config ?? loadConfig();
  const logger = createAppLogger(config);
  const database = openDatabase(config.DATABASE_URL);
  try {
    await checkConnection(database);
    if (options.migrate !== false) {
      const applied = await migrateToLatest(database);
      if (applied.length) logger.info({ migrations: applied }, 'applied database migrations');
    }
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
  return {
    config,
    logger,
    database,
    stores: createStores(database),
    close: () => database.close(),
  };
}
