/**
 * API throughput and latency on SQLite with about 7,000 films and 30 snapshots each, idle and while
 * training runs in the same process (the embedded shape). autocannon runs as a separate process so
 * that the load generator does not share the server's event loop.
 * Usage: npm run bench:api [-- --films 7000 --snapshots 30 --seconds 10 --connections 10]
 * Targets (issue 6): at least 2,000 requests/s on /api/summary idle; p99 under 50 ms during training.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { type RunningServer, startServer } from '../src/cli/commands/serve.js';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/config/logger.js';
import type { InProcessJobRunner } from '../src/jobs/in-process.js';
import { createRandom } from '../src/ml/random.js';
import {
  createStores,
  type MovieInput,
  migrateToLatest,
  openDatabase,
  type Stores,
} from '../src/persistence/index.js';
import { createWiring } from '../src/wiring.js';
import { replaceSection } from './report.js';

const run = promisify(execFile);

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]) || fallback;
}

const films = option('films', 7000);
const snapshotsPerFilm = option('snapshots', 30);
const seconds = option('seconds', 10);
const connections = option('connections', 10);

/** Deterministic pseudo-random numbers, so every run measures the same catalogue. */
const generator = (seed: number) => createRandom(seed).next;

function catalogue(count: number): MovieInput[] {
  const random = generator(42);
  const extraGenres = ['Thriller', 'Mystery', 'Science Fiction', 'Fantasy', 'Drama', 'Comedy'];
  return Array.from({ length: count }, (_, i) => {
    const votes = Math.round(10 + 5000 * random() ** 4);
    const month = 1 + Math.floor(random() * 12);
    const genres = ['Horror', ...extraGenres.filter(() => random() < 0.25)];
    return {
      tmdb_id: 10_000 + i,
      title: `Synthetic horror ${i}`,
      original_language: random() < 0.6 ? 'en' : 'es',
      release_date: `${2010 + Math.floor(random() * 16)}-${String(month).padStart(2, '0')}-15`,
      popularity: 0.5 + votes / 300 + (month === 10 ? 3 : 0) + 10 * random() ** 3,
      vote_count: votes,
      vote_average: Math.min(9.5, Math.max(1, 5.5 + (random() - 0.5) * 3 + Math.log10(votes) * 0.3)),
      runtime: 75 + Math.round(random() * 50),
      genres,
      imdb_id: `tt${2_000_000 + i}`,
      details_fetched_at: new Date().toISOString(),
    };
  });
}

async function seed(stores: Stores): Promise<void> {
  const movies = catalogue(films);
  for (let s = 0; s < snapshotsPerFilm; s++) {
    const day = new Date(Date.UTC(2026, 0, 1 + s)).toISOString();
    const runId = await stores.collectionRuns.start({ source: 'demo', startedAt: day });
    const drift = movies.map((m) => ({
      ...m,
      popularity: m.popularity * (0.9 + (0.2 * ((s * 7 + m.tmdb_id) % 11)) / 10),
    }));
    await stores.films.upsert(drift, day);
    await stores.films.insertSnapshots(
      drift.map((m) => ({
        tmdb_id: m.tmdb_id,
        ingest_run_id: runId,
        snapshot_ts: day,
        popularity: m.popularity,
        vote_count: m.vote_count,
        vote_average: m.vote_average,
      })),
    );
    await stores.collectionRuns.update(runId, {
      status: 'succeeded',
      finished_at: day,
      new_films: s === 0 ? films : 0,
      updated_films: s === 0 ? 0 : films,
      snapshots: films,
    });
  }
}

interface Measurement {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

async function autocannon(url: string): Promise<Measurement> {
  const cli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const { stdout } = await run(
    process.execPath,
    [cli, '--json', '--connections', String(connections), '--duration', String(seconds), url],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const result = JSON.parse(stdout);
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** Keeps a training run in progress until `stop` is set; returns how long each run took. */
async function trainContinuously(jobs: InProcessJobRunner, stop: { set: boolean }): Promise<number[]> {
  const durations: number[] = [];
  while (!stop.set) {
    const started = performance.now();
    const job = await jobs.enqueueTrain();
    const done = await jobs.settled(job.id);
    if (done?.state !== 'completed') throw new Error(`training failed during the benchmark: ${done?.error}`);
    durations.push((performance.now() - started) / 1000);
  }
  return durations;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'horrorcast-bench-api-'));
  const url = `sqlite:${join(dir, 'bench.db')}`;
  const handle = openDatabase(url);
  const stores = createStores(handle);
  let server: RunningServer | undefined;
  try {
    await migrateToLatest(handle);
    let t = performance.now();
    await seed(stores);
    const seedSeconds = (performance.now() - t) / 1000;
    console.log(`seeded ${films} films × ${snapshotsPerFilm} snapshots in ${seedSeconds.toFixed(1)} s`);

    // One load generator is one client: the per-client rate limit would answer it 429 after a moment.
    const config = loadConfig({
      DATABASE_URL: url,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '1000000',
    });
    const logger = createLogger({ level: 'warn' }, process.stderr);
    const wiring = createWiring({ config, logger, database: handle });
    server = await startServer(wiring, { embedded: true, bootstrap: false });
    const jobs = server.jobs as InProcessJobRunner;

    t = performance.now();
    const first = await jobs.settled((await jobs.enqueueTrain()).id);
    if (first?.state !== 'completed') throw new Error(`training failed: ${first?.error}`);
    console.log(`first training run: ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const endpoints = ['/api/summary', '/api/predictions'];
    const idle: Record<string, Measurement> = {};
    for (const path of endpoints) {
      idle[path] = await autocannon(`${server.url}${path}`);
      console.log('idle', path, idle[path]);
    }

    const busy: Record<string, Measurement> = {};
    const stop = { set: false };
    const training = trainContinuously(jobs, stop);
    for (const path of endpoints) {
      busy[path] = await autocannon(`${server.url}${path}`);
      console.log('training', path, busy[path]);
    }
    stop.set = true;
    const trainingSeconds = await training;

    const row = (path: string, state: string, m: Measurement) =>
      `| \`${path}\` | ${state} | ${Math.round(m.requestsPerSecond)} | ${m.p50} | ${m.p99} | ${m.max} | ${m.non2xx + m.errors} |`;
    const mean = trainingSeconds.reduce((a, b) => a + b, 0) / Math.max(1, trainingSeconds.length);
    const summaryIdle = idle['/api/summary']!;
    const worstBusyP99 = Math.max(...endpoints.map((p) => busy[p]!.p99));
    replaceSection(
      'API (npm run bench:api)',
      [
        `Command: \`npm run bench:api\` (${new Date().toISOString().slice(0, 10)}, SQLite, ${films} films × ${snapshotsPerFilm} snapshots, ` +
          `autocannon ${connections} connections × ${seconds} s per line, run as its own process on the same 2-core machine; ` +
          'embedded shape: server, job runner and training in one process, LOG_LEVEL=warn).',
        '',
        '| endpoint | while | requests/s | p50 ms | p99 ms | max ms | errors |',
        '|---|---|---|---|---|---|---|',
        ...endpoints.map((p) => row(p, 'idle', idle[p]!)),
        ...endpoints.map((p) => row(p, 'training', busy[p]!)),
        '',
        `Training ran back to back during the "training" lines: ${trainingSeconds.length} runs, ${mean.toFixed(1)} s each on average.`,
        '',
        `Targets: ≥ 2,000 requests/s on \`/api/summary\` idle — ${Math.round(summaryIdle.requestsPerSecond)} (${summaryIdle.requestsPerSecond >= 2000 ? 'met' : 'NOT met'}); ` +
          `p99 < 50 ms during training — ${worstBusyP99} ms at worst (${worstBusyP99 < 50 ? 'met' : 'NOT met'}).`,
        '',
        'Model answers are cached in memory per training run (a run never changes once written), so `/api/predictions` ' +
          'costs one lookup of the newest run id at most once a second; `/api/summary` is one indexed query.',
      ].join('\n'),
    );
    console.log('docs/BENCHMARKS.md updated');
  } finally {
    await server?.close();
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
