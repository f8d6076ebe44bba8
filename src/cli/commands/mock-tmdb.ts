import { loadCatalogFile } from '../../tmdb/catalog.js';
import { generateDemoCatalog } from '../../tmdb/demo-catalog.js';
import { startMockTmdb } from '../../tmdb/mock/index.js';
import { printJson } from '../json.js';

export interface MockCliOptions {
  port: number;
  host: string;
  catalog?: string;
  seed: number;
  rate?: number;
  latency: number;
  jitter: number;
  faults: number;
  stall: number;
  key: string[];
}

/** `horrorcast mock-tmdb`: serves until SIGINT or SIGTERM, then prints its request statistics. */
export async function mockTmdbAction(options: MockCliOptions): Promise<void> {
  const catalog = options.catalog
    ? await loadCatalogFile(options.catalog)
    : generateDemoCatalog({ seed: options.seed });
  const mock = await startMockTmdb({
    port: options.port,
    host: options.host,
    catalog,
    seed: options.seed,
    rateLimit: options.rate,
    latencyMs: options.latency,
    latencyJitterMs: options.jitter,
    faults: { rate: options.faults, stallMs: options.stall },
    apiKeys: options.key.length ? options.key : undefined,
  });
  process.stdout.write(
    `mock TMDB serving ${catalog.length} films at ${mock.url}${options.key.length ? '' : ' (any API key accepted)'}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const { requests, maxPerSecond, byStatus, faults } = mock.stats;
  await mock.close();
  printJson({ requests, maxPerSecond, byStatus, faults });
}
