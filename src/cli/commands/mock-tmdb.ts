import { Command } from 'commander';
import { loadCatalogFile } from '../../tmdb/catalog.js';
import { generateDemoCatalog } from '../../tmdb/demo-catalog.js';
import { startMockTmdb } from '../../tmdb/mock/index.js';
import { CommandError } from '../errors.js';
import { action, parseInteger } from '../run.js';

interface MockCliOptions {
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

const share = (value: string): number => {
  const parsed = Number(value);
  if (!(parsed >= 0 && parsed <= 1))
    throw new CommandError(`--faults expects a share from 0 to 1, got "${value}"`, 2);
  return parsed;
};

export function mockTmdbCommand(): Command {
  return new Command('mock-tmdb')
    .description('serve a TMDB-compatible mock (demo catalogue, or a JSONL catalogue) until interrupted')
    .option('--port <n>', 'port to listen on (0: any free port)', parseInteger('--port', 0, 65535), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--catalog <file.jsonl>', 'films to serve, one TMDB /movie/{id} object a line')
    .option('--seed <n>', 'seed of the demo catalogue', parseInteger('--seed', 0, 2 ** 31), 1978)
    .option('--rate <n>', 'answer 429 above this many requests a second', parseInteger('--rate', 1, 100_000))
    .option('--latency <ms>', 'added to every answer', parseInteger('--latency', 0, 60_000), 0)
    .option(
      '--jitter <ms>',
      'latency varies by up to this much either way',
      parseInteger('--jitter', 0, 60_000),
      0,
    )
    .option('--faults <share>', 'share of requests that fail (5xx, truncated, reset, stall)', share, 0)
    .option(
      '--stall <ms>',
      'how long a stalled request stays silent',
      parseInteger('--stall', 0, 3_600_000),
      30_000,
    )
    .option(
      '--key <key>',
      'accepted API key or token (repeatable; default: any)',
      (k, all: string[]) => [...all, k],
      [],
    )
    .action(
      action(async (options: MockCliOptions) => {
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
        process.stdout.write(`${JSON.stringify({ requests, maxPerSecond, byStatus, faults })}\n`);
      }),
    );
}
