import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CatalogFilm } from '../catalog.js';
import { generateDemoCatalog } from '../demo-catalog.js';
import { createRandom } from '../random.js';
import { createHandler, type MockSettings } from './handler.js';
import { DelayedAnswers } from './respond.js';
import { createRoutes } from './routes.js';
import { emptyStats, type MockTmdbStats } from './stats.js';
import { ArrivalWindow } from './traffic.js';

export interface MockTmdbOptions extends MockSettings {
  port?: number;
  host?: string;
  /** The films served; a seeded demo catalogue when omitted. */
  catalog?: readonly CatalogFilm[];
  /** Accepted v3 keys and v4 tokens; when omitted any non-empty key is accepted. */
  apiKeys?: readonly string[];
  /** Films that discover lists but whose details answer 404, as when TMDB removes one. */
  notFoundIds?: readonly number[];
  seed?: number;
  /** Requests kept in `stats.log`, oldest dropped first. */
  logLimit?: number;
}

export interface MockTmdb {
  /** Base URL to use as TMDB_API_BASE, e.g. http://127.0.0.1:41234/3. */
  url: string;
  port: number;
  stats: MockTmdbStats;
  catalog: readonly CatalogFilm[];
  /** Changes latency, faults, rate limit or injection while running. */
  update(options: MockSettings): void;
  resetStats(): void;
  close(): Promise<void>;
}

/** A TMDB look-alike for tests, benchmarks and the demo shape. Answers only what Horrorcast asks. */
export async function startMockTmdb(options: MockTmdbOptions = {}): Promise<MockTmdb> {
  const settings: MockSettings = { ...options };
  const catalog = options.catalog ?? generateDemoCatalog({ seed: options.seed });
  const delayed = new DelayedAnswers();
  let stats = emptyStats();
  const handle = createHandler({
    settings,
    stats: () => stats,
    route: createRoutes(catalog, new Set(options.notFoundIds ?? [])),
    keys: options.apiKeys ? new Set(options.apiKeys) : undefined,
    random: createRandom(options.seed ?? 7),
    arrivals: new ArrivalWindow(),
    delayed,
    logLimit: options.logLimit ?? 200_000,
    started: performance.now(),
  });

  const server = createServer(handle);
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/3`,
    port: address.port,
    get stats() {
      return stats;
    },
    catalog,
    update(changes) {
      Object.assign(settings, changes);
    },
    resetStats() {
      stats = emptyStats();
    },
    async close() {
      delayed.cancelAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
