import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  createStores,
  type DatabaseHandle,
  type DialectName,
  migrateToLatest,
  openDatabase,
  type Stores,
} from '../../src/persistence/index.js';

/**
 * Every database-backed suite runs once per dialect, each in a database of its own so that parallel
 * test files and concurrent CI runs cannot collide. Servers come from TEST_MYSQL_URL and
 * TEST_POSTGRES_URL (defaults: the local MariaDB and PostgreSQL); TEST_DIALECTS=sqlite,mysql narrows.
 * Without CI=true a missing server skips its suite with a line that says why; with CI=true it fails.
 */
export const serverUrls = {
  mysql: process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
  postgres: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
};

const requested = (process.env.TEST_DIALECTS ?? 'sqlite,mysql,postgres')
  .split(',')
  .map((d) => d.trim())
  .filter(Boolean) as DialectName[];

async function probe(dialect: DialectName): Promise<string | null> {
  try {
    if (dialect === 'mysql') {
      const connection = await createConnection({ uri: serverUrls.mysql, connectTimeout: 3000 });
      await connection.end();
    } else if (dialect === 'postgres') {
      const client = new pg.Client({ connectionString: serverUrls.postgres, connectionTimeoutMillis: 3000 });
      await client.connect();
      await client.end();
    }
    return null;
  } catch (error) {
    const where = new URL(serverUrls[dialect as 'mysql' | 'postgres']);
    return `${dialect} server at ${where.hostname}:${where.port} is not reachable (${(error as Error).message})`;
  }
}

const unavailable = new Map<DialectName, string | null>();
for (const dialect of requested) unavailable.set(dialect, await probe(dialect));

export interface TestDatabase {
  handle: DatabaseHandle;
  /** The stores on `handle`: tests read and write through them. */
  stores: Stores;
  url: string;
  dialect: DialectName;
  drop(): Promise<void>;
}

function uniqueName(): string {
  return `hc_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates an empty, migrated database of its own on the given dialect. */
export async function createTestDatabase(
  dialect: DialectName,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const name = uniqueName();
  let url: string;
  let dropServerDatabase: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'horrorcast-'));
    url = `sqlite:${join(dir, 'test.db')}`;
    dropServerDatabase = async () => rmSync(dir, { recursive: true, force: true });
  } else if (dialect === 'mysql') {
    const admin = await createConnection({ uri: serverUrls.mysql });
    await admin.query(`create database \`${name}\` character set utf8mb4 collate utf8mb4_unicode_ci`);
    await admin.end();
    url = withDatabase(serverUrls.mysql, name);
    dropServerDatabase = async () => {
      const c = await createConnection({ uri: serverUrls.mysql });
      await c.query(`drop database if exists \`${name}\``);
      await c.end();
    };
  } else {
    const admin = new pg.Client({ connectionString: serverUrls.postgres });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    await admin.end();
    url = withDatabase(serverUrls.postgres, name);
    dropServerDatabase = async () => {
      const c = new pg.Client({ connectionString: serverUrls.postgres });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    };
  }
  const handle = openDatabase(url);
  if (options.migrate !== false) await migrateToLatest(handle);
  return {
    handle,
    stores: createStores(handle),
    url,
    dialect,
    async drop() {
      await handle.close();
      await dropServerDatabase();
    },
  };
}

/**
 * `describe` once per dialect. The callback receives a getter for the suite's database, created
 * (and migrated) before the suite and dropped after it.
 */
export function describeEachDialect(
  name: string,
  suite: (database: () => TestDatabase, dialect: DialectName) => void,
  options: { dialects?: DialectName[] } = {},
): void {
  for (const dialect of requested) {
    if (options.dialects && !options.dialects.includes(dialect)) continue;
    const reason = unavailable.get(dialect);
    if (reason) {
      if (process.env.CI === 'true') {
        describe(`${name} [${dialect}]`, () => {
          it('needs its database server (CI=true)', () => {
            throw new Error(reason);
          });
        });
      } else {
        console.warn(
          `Skipping "${name}" on ${dialect}: ${reason}. Start the server or set CI=true to fail instead.`,
        );
        describe.skip(`${name} [${dialect}]`, () =>
          suite(() => {
            throw new Error(reason);
          }, dialect));
      }
      continue;
    }
    let current: TestDatabase | undefined;
    describe(`${name} [${dialect}]`, () => {
      beforeAll(async () => {
        current = await createTestDatabase(dialect);
      });
      afterAll(async () => {
        await current?.drop();
      });
      suite(() => {
        if (!current) throw new Error('test database not created yet');
        return current;
      }, dialect);
    });
  }
}
