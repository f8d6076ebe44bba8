import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type MockTmdb, startMockTmdb } from '../../src/tmdb/mock/index.js';
import { mostSnapshotsOfOneFilmInOneRun } from '../helpers/database-state.js';
import { describeEachDialect } from '../helpers/databases.js';
import { expectedFilms, KEY, smallCatalog, YEARS } from '../ingest/helpers.js';

const catalog = smallCatalog(29);
const expected = expectedFilms(catalog);
const child = join(import.meta.dirname, '..', 'ingest', 'fixtures', 'ingest-child.ts');

let mock: MockTmdb;
beforeAll(async () => {
  mock = await startMockTmdb({ catalog, apiKeys: [KEY], latencyMs: 5 });
});
afterAll(async () => {
  await mock.close();
});

/** `horrorcast ingest` in a process of its own; resolves with its exit code and what it wrote to stderr. */
function collectInChild(url: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const ingest = spawn(process.execPath, ['--import', 'tsx', child], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: url,
        TMDB_API_KEY: KEY,
        TMDB_API_BASE: mock.url,
        TMDB_RATE_LIMIT: '200',
        INGEST_START_YEAR: String(YEARS.fromYear),
        INGEST_END_YEAR: String(YEARS.toYear),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    ingest.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    ingest.once('exit', (code) => resolve({ code, stderr }));
  });
}

describeEachDialect('two collections at once on one database', (database) => {
  it('both finish, neither marks the other failed, and every film is stored once', async () => {
    const results = await Promise.all([collectInChild(database().url), collectInChild(database().url)]);
    for (const { code, stderr } of results) {
      expect(stderr).not.toMatch(/database is locked|SQLITE_BUSY/);
      expect(code, stderr).toBe(0);
    }
    const { films, collectionRuns } = database().stores;
    const runs = await collectionRuns.all();
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
    const collected = await films.all();
    expect(collected.map((film) => film.tmdb_id).sort()).toEqual(expected.map((film) => film.id).sort());
    expect(await mostSnapshotsOfOneFilmInOneRun(database().handle)).toBe(1);
  }, 60_000);
});
