/**
 * Collection against the mock TMDB at 40 requests/s with 30 ms (±15 ms) latency and about 2,000
 * films, at 0% and 2% faults (500/502/503, truncated bodies, resets and stalls in equal shares).
 * Reports wall time against the floor, api calls ÷ rate: no client can finish sooner without
 * exceeding the rate. Target (issue 3): at most 1.15 × the floor, every film stored.
 * Usage: npm run bench:ingest [-- --dialects sqlite,mysql] [--catalog FILE.jsonl --from Y --to Y]
 * (a JSONL catalogue such as the shared TMDB extract adds rows for it); writes its section of
 * docs/BENCHMARKS.md.
 */
import { loadavg } from 'node:os';
import { createLogger } from '../src/config/logger.js';
import { runIngest } from '../src/ingest/index.js';
import type { DialectName } from '../src/persistence/index.js';
import { type CatalogFilm, discoverableFilms, loadCatalogFile } from '../src/tmdb/catalog.js';
import { createTmdbClient } from '../src/tmdb/client.js';
import { generateDemoCatalog } from '../src/tmdb/demo-catalog.js';
import { startMockTmdb } from '../src/tmdb/mock/index.js';
import { TokenBucketRateLimiter } from '../src/tmdb/rate-limiter.js';
import { createTestDatabase } from '../tests/helpers/databases.js';
import { replaceSection } from './report.js';

const RATE = 40;
const KEY = 'bench-key-0000';
const argument = (name: string) => {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
};
const dialects = (argument('--dialects') ?? 'sqlite').split(',') as DialectName[];

interface Catalogue {
  name: string;
  films: CatalogFilm[];
  years: { fromYear: number; toYear: number };
  /** The films the discover filters return: what a complete run stores. */
  expected: number;
}

function catalogue(name: string, films: CatalogFilm[], fromYear: number, toYear: number): Catalogue {
  const years = { fromYear, toYear };
  return {
    name,
    films,
    years,
    expected: discoverableFilms(films, { ...years, minVotes: 10, maxPagesPerYear: 20 }).length,
  };
}

const catalogues = [
  catalogue(
    'demo',
    generateDemoCatalog({
      seed: 2026,
      fromYear: 2010,
      toYear: 2016,
      filmsPerYear: 530,
      now: new Date('2026-11-24T00:00:00Z'),
    }),
    2010,
    2016,
  ),
];
const file = argument('--catalog');
if (file) {
  const from = Number(argument('--from'));
  const to = Number(argument('--to'));
  if (!Number.isInteger(from) || !Number.isInteger(to))
    throw new Error('--catalog needs --from YEAR --to YEAR');
  catalogues.push(catalogue(file.split('/').pop()!, await loadCatalogFile(file), from, to));
}

interface Result {
  catalogue: Catalogue;
  load: number;
  dialect: DialectName;
  faults: number;
  films: number;
  stored: number;
  snapshots: number;
  apiCalls: number;
  seconds: number;
  floor: number;
  maxPerSecond: number;
  rateLimited: number;
  injected: number;
  retries: number;
  hedges: number;
}

async function measure(source: Catalogue, dialect: DialectName, faultRate: number): Promise<Result> {
  const database = await createTestDatabase(dialect);
  const load = loadavg()[0];
  const mock = await startMockTmdb({
    catalog: source.films,
    apiKeys: [KEY],
    rateLimit: RATE,
    latencyMs: 30,
    latencyJitterMs: 15,
    faults: { rate: faultRate, stallMs: 30_000 },
  });
  const logger = createLogger({ level: 'warn' });
  try {
    const tmdb = createTmdbClient({
      baseUrl: mock.url,
      apiKey: KEY,
      rateLimiter: new TokenBucketRateLimiter({ ratePerSecond: RATE }),
      concurrency: 20,
      logger,
    });
    const started = performance.now();
    const summary = await runIngest(
      { stores: database.stores, tmdb, logger },
      { ...source.years, maxPagesPerYear: 20, minVotes: 10 },
    );
    const seconds = (performance.now() - started) / 1000;
    const complete = await database.stores.films.countWithDetails();
    return {
      catalogue: source,
      load,
      dialect,
      faults: faultRate,
      films: source.expected,
      stored: complete,
      snapshots: summary.snapshots,
      apiCalls: summary.apiCalls,
      seconds,
      floor: summary.apiCalls / RATE,
      maxPerSecond: mock.stats.maxPerSecond,
      rateLimited: mock.stats.byStatus['429'] ?? 0,
      injected: Object.values(mock.stats.faults).reduce((sum, n) => sum + n, 0),
      retries: tmdb.stats.retries,
      hedges: tmdb.stats.hedges,
    };
  } finally {
    await mock.close();
    await database.drop();
  }
}

const results: Result[] = [];
for (const source of catalogues) {
  for (const dialect of dialects) {
    for (const faults of [0, 0.02]) {
      const result = await measure(source, dialect, faults);
      results.push(result);
      console.log(
        `${source.name} ${dialect} faults ${faults * 100}%: ${result.seconds.toFixed(1)} s for ${result.apiCalls} calls, floor ${result.floor.toFixed(1)} s (${(result.seconds / result.floor).toFixed(3)}×), ${result.stored}/${result.films} films stored`,
      );
    }
  }
}

const rows = results.map(
  (r) =>
    `| ${r.catalogue.name} ${r.catalogue.years.fromYear}–${r.catalogue.years.toYear} | ${r.dialect} | ${r.faults * 100}% | ${r.stored} / ${r.films} | ${r.apiCalls} | ${r.seconds.toFixed(1)} s | ${r.floor.toFixed(1)} s | **${(r.seconds / r.floor).toFixed(3)}×** | ${r.maxPerSecond} | ${r.rateLimited} | ${r.injected} / ${r.retries} / ${r.hedges} | ${r.load.toFixed(1)} |`,
);
const command = [
  'npm run bench:ingest',
  dialects.join(',') === 'sqlite' ? '' : ` -- --dialects ${dialects.join(',')}`,
];
if (file)
  command.push(
    `${command[1] ? '' : ' --'} --catalog ${file} --from ${argument('--from')} --to ${argument('--to')}`,
  );
const demo = catalogues[0];
replaceSection(
  'Collection (npm run bench:ingest)',
  `Command: \`${command.join('')}\` (${new Date().toISOString().slice(0, 10)}). Mock TMDB in the same process answering 429 above ${RATE} requests/s, latency 30 ms ± 15 ms; the demo catalogue has ${demo.films.length} synthetic films of ${demo.years.fromYear}–${demo.years.toYear}, of which ${demo.expected} pass the discover filters. Client at TMDB_RATE_LIMIT=${RATE}, TMDB_CONCURRENCY=20. Floor = api calls ÷ ${RATE}/s: no client finishes sooner without exceeding the rate. Faults are 500, 502, 503, truncated bodies, connection resets and 30 s stalls in equal shares. Each film costs one details request (\`/movie/{id}?append_to_response=keywords,release_dates\`), and its facts (money, status, companies, countries, collection, keywords) are written with its page. Target: at most 1.15 × the floor, every film stored. The last column is the machine's one-minute load average when the run started (2 cores, shared with other work).

| catalogue | database | faults | films stored with details | api calls | wall time | floor | wall ÷ floor | busiest second at the mock | 429s | faults / retries / hedges | load |
|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

The client spends 2% of the rate as headroom (so jitter never pushes a server-side one-second window over the limit), which is most of the gap to the floor; the rest is the first request's round trip and the last page's. When other work keeps the two cores busy (load column), event-loop stalls in the client and in the mock bunch requests, the mock answers a few 429s and hedges fire for answers that are only late, which costs a few percent more. A lone 429 (jitter at the edge of a window) delays only its request; a second one within 3 s holds every request back for the Retry-After. A silent request is sent again, up to twice, after an interval derived from recent latencies (at least 0.5 s) rather than waiting out the 10 s timeout, and retries, hedges and discover pages go ahead of queued film details, so none of them lands at the tail of the run. For comparison, the Python collector this replaces took 261 s for 1,870 films against a look-alike at the same 40 requests/s (7.5 requests/s, one film at a time).`,
);

const failed = results.filter(
  (r) => r.stored !== r.films || r.snapshots !== r.films || r.seconds > 1.15 * r.floor,
);
if (failed.length) {
  console.error('target missed:', failed);
  process.exitCode = 1;
}
