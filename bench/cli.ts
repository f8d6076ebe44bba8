/**
 * How long the `horrorcast` command takes from the shell, as users run it (compiled, through
 * bin/horrorcast.js): `--help`, `status` on SQLite, `ingest` refused by TMDB (a wrong key against the
 * mock TMDB) and `npm start` on an existing database until the dashboard answers.
 * Usage: npm run bench:cli [-- --runs 5]
 * Targets (issue "Operations grade"): --help <= 0.3 s, status <= 0.8 s, ingest with a wrong key
 * <= 1.5 s, npm start until the dashboard answers <= 2 s (medians).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { replaceSection } from './report.js';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'horrorcast.js');
const runIndex = process.argv.indexOf('--runs');
const runs = runIndex === -1 ? 5 : Math.max(1, Number(process.argv[runIndex + 1]) || 5);
const rightKey = 'bench-key';

interface Measurement {
  label: string;
  targetSeconds: number;
  seconds: number[];
  note: string;
}

type Env = Record<string, string | undefined>;

/** Runs `horrorcast ARGS` to its end; resolves with its exit code and the seconds it took. */
function timeCli(
  args: string[],
  env: Env,
): Promise<{ code: number | null; seconds: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, seconds: (performance.now() - started) / 1000, stderr }));
  });
}

async function expectSuccess(args: string[], env: Env): Promise<void> {
  const { code, stderr } = await timeCli(args, env);
  if (code !== 0) throw new Error(`horrorcast ${args.join(' ')} exited ${code}: ${stderr.trim()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts `horrorcast mock-tmdb` accepting only `rightKey`; resolves once it prints its address. */
function startMockTmdb(env: Env): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'mock-tmdb', '--port', '0', '--key', rightKey], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const url = /at (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ url, child });
    });
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`mock-tmdb exited ${code} before serving`)));
  });
}

function stop(child: ChildProcess, group = false): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('close', () => resolve());
    if (group && child.pid) process.kill(-child.pid, 'SIGTERM');
    else child.kill('SIGTERM');
  });
}

/** `npm start` in its own process group (npm, its shell, node), timed until GET / answers 200. */
async function timeStart(env: Env): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: { ...env, PORT: String(port) },
    stdio: 'ignore',
    detached: true,
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode} before answering`);
      if (performance.now() - started > 60_000) throw new Error('npm start did not answer within 60 s');
      const ok = await fetch(`http://127.0.0.1:${port}/`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return (performance.now() - started) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await stop(child, true);
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function table(measurements: Measurement[]): string {
  const s = (value: number) => `${value.toFixed(2)} s`;
  const rows = measurements.map(
    ({ label, targetSeconds, seconds, note }) =>
      `| ${label} | <= ${targetSeconds} s | ${s(median(seconds))} | ${s(Math.min(...seconds))} | ${s(Math.max(...seconds))} | ${median(seconds) <= targetSeconds ? 'yes' : 'no'} | ${note} |`,
  );
  return [
    '| command | target | median | min | max | met | notes |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'horrorcast-bench-cli-'));
  const year = new Date().getUTCFullYear();
  const base: Env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'warn',
    DATABASE_URL: `sqlite:${join(folder, 'horrorcast.db')}`,
    INGEST_START_YEAR: String(year - 1),
    INGEST_END_YEAR: String(year),
    INGEST_MAX_PAGES_PER_YEAR: '3',
  };
  // Compiles first when src/ is newer than dist/, so no timed run includes a build.
  await expectSuccess(['--help'], base);
  const mock = await startMockTmdb(base);
  try {
    const withTmdb = { ...base, TMDB_API_BASE: mock.url, TMDB_API_KEY: rightKey };
    await expectSuccess(['ingest'], withTmdb);
    await expectSuccess(['train'], withTmdb);

    const measurements: Measurement[] = [];
    const measure = async (
      label: string,
      targetSeconds: number,
      note: string,
      once: () => Promise<number>,
    ) => {
      const seconds: number[] = [];
      for (let i = 0; i < runs; i++) seconds.push(await once());
      measurements.push({ label, targetSeconds, seconds, note });
      process.stdout.write(`${label}: median ${median(seconds).toFixed(2)} s\n`);
    };
    const timed = (args: string[], env: Env, expected: (code: number | null) => boolean) => async () => {
      const { code, seconds, stderr } = await timeCli(args, env);
      if (!expected(code)) throw new Error(`horrorcast ${args.join(' ')} exited ${code}: ${stderr.trim()}`);
      return seconds;
    };
    await measure(
      '`horrorcast --help`',
      0.3,
      'prints usage',
      timed(['--help'], base, (code) => code === 0),
    );
    await measure(
      '`horrorcast status`',
      0.8,
      'SQLite, after a collection and a training',
      timed(['status'], base, (code) => code === 0),
    );
    await measure(
      '`horrorcast ingest` (wrong TMDB key)',
      1.5,
      'mock TMDB answers 401; exits non-zero',
      timed(['ingest'], { ...withTmdb, TMDB_API_KEY: 'wrong-key' }, (code) => code !== 0 && code !== null),
    );
    await measure('`npm start` until `GET /` answers', 2, 'existing database, nothing to collect', () =>
      timeStart(withTmdb),
    );

    const load = loadavg()[0].toFixed(1);
    const body = [
      `Wall-clock seconds from spawning the command to its exit (or, for \`npm start\`, to the dashboard's first 200), ${runs} runs each, Node ${process.version}, compiled code (dist/), on a SQLite database holding one small collection and one training run. Load average (1 min) when the runs ended: ${load} on 2 cores; other work on the machine lengthens every figure.`,
      '',
      table(measurements),
    ].join('\n');
    process.stdout.write(`\n${table(measurements)}\n`);
    replaceSection('Command line (npm run bench:cli)', body);
  } finally {
    await stop(mock.child);
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
