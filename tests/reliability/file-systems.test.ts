import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores, openDatabase } from '../../src/persistence/index.js';
import { runCli } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'horrorcast-fs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Mounting a small tmpfs needs root (and a kernel that allows it); where it cannot, the tests say why. */
function mountTmpfs(dir: string, options: string): string | undefined {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]}); run the tests as root`;
  }
}

function unmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: 'pipe' });
}

/** `horrorcast <command>` on the given SQLite path: its exit code and stderr lines. */
async function run(command: string[], path: string, env: Record<string, string> = {}) {
  const { code, stderr } = await runCli(command, { DATABASE_URL: `sqlite:${path}`, ...env });
  return { code, lines: stderr.trim().split('\n') };
}

function expectOneLine(result: { code: number | null; lines: string[] }, path: string, cause: RegExp) {
  expect(result.lines, result.lines.join('\n')).toHaveLength(1);
  expect(result.code).toBe(2);
  expect(result.lines[0]).toContain(`DATABASE_URL points at ${path}`);
  expect(result.lines[0]).toMatch(cause);
}

describe('a database path the file system refuses', () => {
  it('names DATABASE_URL, the path and the cause when a parent of the path is a file', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a folder');
    const path = join(file, 'horrorcast.db');
    for (const command of [['status'], ['migrate'], ['ingest', '--from', '2010', '--to', '2010']]) {
      expectOneLine(await run(command, path), path, /a parent of the path is a file/);
    }
  });

  it('names the cause when the file is not a database', async () => {
    const path = join(root, 'junk.db');
    writeFileSync(path, 'this is a text file, long enough to have a header that is not SQLite\n'.repeat(20));
    for (const command of [['status'], ['migrate'], ['train']]) {
      expectOneLine(await run(command, path), path, /not a SQLite database/);
    }
  });

  describe('on a read-only mount', () => {
    const mount = join(root, 'read-only');
    const cannot = mountTmpfs(mount, 'size=4m');
    beforeAll(async () => {
      if (cannot) return;
      const database = openDatabase(`sqlite:${join(mount, 'horrorcast.db')}`);
      await createStores(database).checkConnection();
      await database.close();
      execFileSync('mount', ['-o', 'remount,ro', mount], { stdio: 'pipe' });
    });
    afterAll(() => {
      if (!cannot) unmount(mount);
    });

    it.skipIf(cannot)('names the read-only file system for a database file on it', async () => {
      const path = join(mount, 'horrorcast.db');
      for (const command of [['status'], ['migrate']]) {
        expectOneLine(await run(command, path), path, /read-only/);
      }
    });

    it.skipIf(cannot)('names the read-only file system for a missing folder on it', async () => {
      const path = join(mount, 'missing', 'horrorcast.db');
      expectOneLine(await run(['status'], path), path, /read-only/);
    });
  });

  describe('on a full disk', () => {
    const mount = join(root, 'small');
    const cannot = mountTmpfs(mount, 'size=1500k');
    afterAll(() => {
      if (!cannot) unmount(mount);
    });

    it.skipIf(cannot)('reports "disk full", ends the run failed and leaves whole pages only', async () => {
      const path = join(mount, 'horrorcast.db');
      expect((await run(['migrate'], path)).code).toBe(0);
      // The demo catalogue from 2000 on is far more than 1.5 MB of films.
      const ingest = await run(['ingest', '--from', '2000', '--to', '2024'], path, { LOG_LEVEL: 'silent' });
      expect(ingest.lines).toEqual([expect.stringMatching(/^horrorcast: collection failed: disk full/)]);
      expect(ingest.code).toBe(2);

      const database = openDatabase(`sqlite:${path}`);
      try {
        const stores = createStores(database);
        const [lastRun] = await stores.collectionRuns.recent(1);
        expect(lastRun).toMatchObject({ status: 'failed', error: expect.stringMatching(/disk full/) });
        // Films, snapshots and the run row were written together: they agree.
        const films = await stores.films.count();
        expect(films).toBeGreaterThan(0);
        expect(await stores.films.countSnapshots()).toBe(films);
        expect(lastRun?.new_films).toBe(films);
      } finally {
        await database.close();
      }
    });
  });
});
