import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/config/logger.js';
import { schemaVersion } from '../../src/persistence/index.js';
import { createWiring } from '../../src/wiring.js';

const logger = createLogger({ level: 'silent' });

function freshSqlite() {
  const path = join(mkdtempSync(join(tmpdir(), 'horrorcast-wiring-')), 'h.db');
  return { path, config: loadConfig({ DATABASE_URL: `sqlite:${path}` }) };
}

describe('wiring', () => {
  it('opens the database only when asked, once, migrated, and closes it', async () => {
    const { path, config } = freshSqlite();
    const wiring = createWiring({ config, logger });
    expect(existsSync(path)).toBe(false);
    const database = await wiring.database();
    expect(await wiring.database()).toBe(database);
    expect(existsSync(path)).toBe(true);
    expect((await schemaVersion(database)).pending).toEqual([]);
    await wiring.close();
    await expect(database.db.selectFrom('movies').selectAll().execute()).rejects.toThrow();
  });

  it('leaves the schema alone with migrate: false', async () => {
    const { config } = freshSqlite();
    const wiring = createWiring({ config, logger, migrate: false });
    expect((await schemaVersion(await wiring.database())).applied).toBe(0);
    await wiring.close();
  });

  it('uses a database it is given without closing it', async () => {
    const { config } = freshSqlite();
    const owner = createWiring({ config, logger });
    const database = await owner.database();
    const borrower = createWiring({ config, logger, database });
    expect(await borrower.database()).toBe(database);
    await borrower.close();
    expect(await database.db.selectFrom('movies').selectAll().execute()).toEqual([]);
    await owner.close();
  });

  it('refuses the job queue without REDIS_URL, naming the command, and opens no database', async () => {
    const { path, config } = freshSqlite();
    const wiring = createWiring({ config, logger });
    const error = await wiring.jobQueue('ingest --enqueue').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/REDIS_URL.*horrorcast ingest --enqueue/s);
    expect(existsSync(path)).toBe(false);
    await wiring.close();
  });

  it('builds the in-process runner once, shuts it down on close, and can be closed twice', async () => {
    const { config } = freshSqlite();
    const wiring = createWiring({ config, logger });
    const jobs = await wiring.inProcessJobs();
    expect(await wiring.inProcessJobs()).toBe(jobs);
    await wiring.close();
    await expect(jobs.enqueueTrain()).rejects.toThrow(/shut down/);
    await wiring.close();
  });
});
