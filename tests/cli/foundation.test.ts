import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { migrationProvider } from '../../src/persistence/migrations/index.js';
import { runCli } from '../helpers/cli.js';
import { describeEachDialect } from '../helpers/databases.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'horrorcast-cli-'));

describe('horrorcast CLI', () => {
  it('lists every subcommand in --help', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of [
      'serve',
      'worker',
      'scheduler',
      'ingest',
      'train',
      'import',
      'mock-tmdb',
      'migrate',
      'status',
    ]) {
      expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
  });

  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'),
    ) as { version: string };
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout).toBe(`${version}\n`);
  });

  it('shows help without loading a command or its libraries', async () => {
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'horrorcast.js');
    const reporter = join(import.meta.dirname, 'fixtures', 'report-libraries.mjs');
    for (const args of [['--help'], ['serve', '--help'], ['worker', '--help'], ['--version']]) {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [
        '--import',
        reporter,
        bin,
        ...args,
      ]);
      expect(stdout).not.toBe('');
      expect(stderr).toContain('loaded libraries: []');
    }
  });

  it('stops with exit code 2 and one line naming DATABASE_URL when it is nonsense', async () => {
    const { code, stderr, stdout } = await runCli(['status'], { DATABASE_URL: 'nonsense' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('DATABASE_URL');
  });

  it('rejects a bad option value with one line and exit code 2', async () => {
    const { code, stderr } = await runCli(['ingest', '--pages', 'many']);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('--pages expects an integer between 1 and 500');
  });

  it('reports an unreachable database in one line with host, port and what failed', async () => {
    const { code, stderr } = await runCli(['status'], {
      DATABASE_URL: 'mysql://root:hunter22@127.0.0.1:1/none',
    });
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('127.0.0.1:1');
    expect(stderr).toMatch(/ECONNREFUSED/);
    expect(stderr).not.toContain('hunter22');
    expect(stderr).not.toMatch(/\bat .+\.(ts|js):\d+/);
  });

  it('migrates a fresh SQLite file, creating its folder, and reports status as JSON', async () => {
    const dir = freshDir();
    const env = { DATABASE_URL: `sqlite:${join(dir, 'nested', 'h.db')}` };
    const migrated = await runCli(['migrate', '--json'], env);
    expect(migrated.code).toBe(0);
    const every = Object.keys(await migrationProvider('sqlite').getMigrations()).sort();
    expect(every[0]).toBe('0001-initial-schema');
    expect(JSON.parse(migrated.stdout).applied).toEqual(every);
    const again = await runCli(['migrate', '--json'], env);
    expect(JSON.parse(again.stdout).applied).toEqual([]);
    const status = await runCli(['status', '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      database: { reachable: true, dialect: 'sqlite' },
      schema: { current: every.at(-1), applied: every.length, pending: [] },
      films: 0,
      runs: { ingest: 0, train: 0 },
      data_source: 'demo',
    });
  });
});

describeEachDialect(
  'horrorcast migrate',
  (database) => {
    it('builds the schema and is idempotent', async () => {
      const { url } = database();
      const first = await runCli(['migrate', '--json'], { DATABASE_URL: url });
      expect(first.code).toBe(0);
      expect(JSON.parse(first.stdout).version.pending).toEqual([]);
      const status = await runCli(['status', '--json'], { DATABASE_URL: url });
      const every = Object.keys(await migrationProvider('sqlite').getMigrations());
      expect(JSON.parse(status.stdout).schema.applied).toBe(every.length);
    });
  },
  { dialects: ['mysql', 'postgres'] },
);
