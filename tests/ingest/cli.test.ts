import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockTmdb, startMockTmdb } from '../../src/tmdb/mock/index.js';
import { runCli } from '../helpers/cli.js';
import { expectedFilms, KEY, smallCatalog, YEARS } from './helpers.js';

const catalog = smallCatalog(31);
let mock: MockTmdb;
beforeAll(async () => {
  mock = await startMockTmdb({ catalog, apiKeys: [KEY] });
});
afterAll(async () => {
  await mock.close();
});

const environment = (overrides: Record<string, string> = {}) => ({
  DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'horrorcast-ingest-cli-')), 'h.db')}`,
  TMDB_API_KEY: KEY,
  TMDB_API_BASE: mock.url,
  TMDB_RATE_LIMIT: '500',
  ...overrides,
});
const years = ['--from', String(YEARS.fromYear), '--to', String(YEARS.toYear)];

describe('horrorcast ingest', () => {
  it('prints one JSON object with the counts and seconds', async () => {
    const result = await runCli(['ingest', ...years, '--json'], environment());
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]);
    const films = expectedFilms(catalog).length;
    expect(summary).toMatchObject({
      status: 'succeeded',
      source: 'tmdb',
      new_films: films,
      snapshots: films,
    });
    expect(summary.seconds).toBeGreaterThan(0);
    // Retried and hedged requests add to the count; every page and every film's details are in it.
    expect(summary.api_calls).toBeGreaterThanOrEqual(summary.pages + films);
  });

  it('honours --pages', async () => {
    const result = await runCli(['ingest', ...years, '--pages', '1', '--json'], environment());
    expect(JSON.parse(result.stdout)).toMatchObject({ pages: 3, new_films: 60 });
  });

  it('ends quickly with a message about the key when TMDB rejects it', async () => {
    // How quickly it ends is measured by `npm run bench:cli`, not asserted here.
    const result = await runCli(
      ['ingest', ...years, '--json'],
      environment({ TMDB_API_KEY: 'definitely-wrong-key', TMDB_RATE_LIMIT: '2' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/TMDB rejected the API key/);
    expect(result.stderr + result.stdout).not.toContain('definitely-wrong-key');
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/API key/),
    });
  });

  it('refuses --to before --from with exit code 2', async () => {
    const result = await runCli(['ingest', '--from', '2015', '--to', '2012'], environment());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--to \(2012\) is before --from \(2015\)/);
  });
});

describe('horrorcast mock-tmdb', () => {
  it('serves the demo catalogue on the port it prints until it is stopped', async () => {
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'horrorcast.js');
    const server = spawn(process.execPath, [bin, 'mock-tmdb', '--port', '0', '--key', 'k-1234'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (chunk) => {
        stdout += chunk;
        const match = /at (http:\/\/\S+)/.exec(stdout);
        if (match) resolve(match[1]);
      });
      server.once('exit', () => reject(new Error(`mock-tmdb exited: ${stdout}`)));
    });
    const genres = await fetch(`${url}/genre/movie/list?api_key=k-1234`);
    expect(genres.status).toBe(200);
    expect((await fetch(`${url}/genre/movie/list?api_key=nope`)).status).toBe(401);
    const exit = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stdout).toMatch(/"requests":2/);
  });
});
