import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, MysqlDialect, PostgresDialect, sql } from 'kysely';
import { createPool } from 'mysql2';
import pg from 'pg';
import { DatabaseOpenError, isStorageError } from './open-errors.js';
import type { Database } from './schema.js';
import { ImmediateSqliteDialect } from './sqlite-dialect.js';

/** The longest one statement may take before the database (or driver) gives up on it. */
const STATEMENT_TIMEOUT_MS = 120_000;

export type DialectName = 'sqlite' | 'mysql' | 'postgres';

/**
 * What differs between the dialects, decided once when the database is opened so that the stores
 * above ask what the database can do rather than which one it is.
 */
export interface DialectCapabilities {
  /** How an insert that meets an existing key turns into an update (or is skipped). */
  readonly upsert: 'on-conflict' | 'on-duplicate-key';
  /** Whether an insert can hand back the generated id (RETURNING); otherwise the driver's insert id. */
  readonly returning: boolean;
  /**
   * Whether LIKE already ignores case (SQLite for ASCII, MySQL under a case-insensitive
   * collation); otherwise both sides are lowered, which costs a function call per row.
   */
  readonly likeIgnoresCase: boolean;
}

const capabilitiesOf: Record<DialectName, DialectCapabilities> = {
  sqlite: { upsert: 'on-conflict', returning: true, likeIgnoresCase: true },
  mysql: { upsert: 'on-duplicate-key', returning: false, likeIgnoresCase: true },
  postgres: { upsert: 'on-conflict', returning: true, likeIgnoresCase: false },
};

export interface DatabaseHandle {
  db: Kysely<Database>;
  /** The dialect's name, for display (status, health); behaviour follows `capabilities`. */
  dialect: DialectName;
  capabilities: DialectCapabilities;
  /** Where the database is, without credentials: safe to log and show. */
  location: string;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {
  constructor(location: string, reason: string) {
    super(`Cannot reach the database at ${location}: ${reason}`);
    this.name = 'DatabaseUnavailableError';
  }
}

export function dialectOf(url: string): DialectName {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) return 'mysql';
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'postgres';
  throw new Error('DATABASE_URL must start with sqlite:, mysql:// or postgres://');
}

export function sqlitePathOf(url: string): string {
  const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  return path === ':memory:' ? path : resolve(path);
}

function networkLocation(url: string, defaultPort: number): string {
  const parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
  return `${parsed.hostname}:${parsed.port || defaultPort}${parsed.pathname}`;
}

/**
 * Opens (creating it and its folder if need be) a SQLite file; a file system or file that refuses
 * becomes one DatabaseOpenError naming the path and the cause. The pragmas write to the file, so a
 * read-only mount or a file that is not a database is found here rather than at the first query.
 */
function openSqliteFile(path: string): SQLite.Database {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const connection = new SQLite(path);
    try {
      connection.pragma('journal_mode = WAL');
      // Waits for another writer (a second collector) instead of failing at once.
      connection.pragma('busy_timeout = 15000');
      connection.pragma('synchronous = NORMAL');
      connection.pragma('foreign_keys = ON');
    } catch (error) {
      connection.close();
      throw error;
    }
    return connection;
  } catch (error) {
    throw new DatabaseOpenError(path, error);
  }
}

/**
 * A failure of the first round trip or of the migrations: on SQLite a refusing file or file
 * system becomes a DatabaseOpenError (path and cause), anything else stays as it is.
 */
export function explainOpenFailure(handle: DatabaseHandle, error: unknown): unknown {
  if (handle.dialect !== 'sqlite' || !isStorageError(error)) return error;
  return new DatabaseOpenError(handle.location.slice('sqlite:'.length), error);
}

/** Opens a pool for DATABASE_URL. Nothing is sent until the first query; see `checkConnection`. */
export function openDatabase(url: string, options: { poolSize?: number } = {}): DatabaseHandle {
  const dialect = dialectOf(url);
  const poolSize = options.poolSize ?? 10;
  if (dialect === 'sqlite') {
    const path = sqlitePathOf(url);
    const connection = openSqliteFile(path);
    const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: connection }) });
    return {
      db,
      dialect,
      capabilities: capabilitiesOf.sqlite,
      location: `sqlite:${path}`,
      close: () => db.destroy(),
    };
  }
  if (dialect === 'mysql') {
    const pool = createPool({
      uri: url.replace(/^mariadb:/, 'mysql:'),
      connectionLimit: poolSize,
      charset: 'utf8mb4',
      timezone: 'Z',
      connectTimeout: 5000,
      decimalNumbers: true,
      supportBigNumbers: true,
    });
    // A stalled statement ends with an error instead of hanging the run: MariaDB counts seconds
    // (max_statement_time), MySQL milliseconds for reads (max_execution_time); each server
    // rejects the other's variable, which is harmless.
    pool.on('connection', (connection) => {
      const seconds = STATEMENT_TIMEOUT_MS / 1000;
      connection.query(`set session max_statement_time = ${seconds}`, () => {});
      connection.query(`set session max_execution_time = ${STATEMENT_TIMEOUT_MS}`, () => {});
    });
    const db = new Kysely<Database>({ dialect: new MysqlDialect({ pool }) });
    return {
      db,
      dialect,
      capabilities: capabilitiesOf.mysql,
      location: `mysql://${networkLocation(url, 3306)}`,
      close: () => db.destroy(),
    };
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    types: { getTypeParser: readBigintAsNumber },
    // A stalled server ends a statement with an error instead of hanging the run.
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: STATEMENT_TIMEOUT_MS + 5000,
  });
  // A pool error on an idle client (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  // Likewise for a client that loses its server while checked out between two queries: the next
  // query on it fails (and is retried through an outage) instead of the error crashing the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect,
    capabilities: capabilitiesOf.postgres,
    location: `postgres://${networkLocation(url, 5432)}`,
    close: () => db.destroy(),
  };
}

const PG_INT8_OID = 20;

/**
 * bigint columns (budget, revenue) hold dollar amounts far below 2^53: they read as numbers in
 * PostgreSQL as they do in the other dialects, not as the driver's default strings.
 */
function readBigintAsNumber(oid: number, format?: 'text' | 'binary') {
  if (oid === PG_INT8_OID && format !== 'binary') return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format as 'text');
}

/** One round trip; turns driver errors into a single line naming host, port and what failed. */
export async function checkConnection(handle: DatabaseHandle): Promise<void> {
  try {
    await sql`select 1`.execute(handle.db);
  } catch (error) {
    const explained = explainOpenFailure(handle, error);
    if (explained !== error) throw explained;
    throw new DatabaseUnavailableError(handle.location, describeDriverError(error));
  }
}

export function describeDriverError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeDriverError(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    const message = error.message || code || error.name;
    return code && !message.includes(code) ? `${code} ${message}` : message;
  }
  return String(error);
}
