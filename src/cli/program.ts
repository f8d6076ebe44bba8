import { Command, InvalidArgumentError } from 'commander';
import { packageVersion } from '../version.js';
import { action, parseInteger } from './run.js';

/**
 * Every command's name, options and help text. What a command does lives in its own module under
 * commands/, loaded only when that command runs: `horrorcast --help` and `horrorcast X --help`
 * load neither the implementations nor their libraries (Fastify, BullMQ, database drivers, ML).
 */
export function buildProgram(): Command {
  const program = new Command('horrorcast')
    .description('Horrorcast: horror films from TMDB, their history, and what the models predict')
    .version(packageVersion(), '-V, --version', 'print the version');

  program
    .command('serve')
    .description('serve the API and dashboard (embedded shape: also scheduler and jobs)')
    .option('--embedded', 'run jobs and the timetable in this process (the default without REDIS_URL)')
    .option('--no-bootstrap', 'embedded: do not collect and train at start')
    .action(action(async (options) => (await import('./commands/serve.js')).serveAction(options)));

  program
    .command('worker')
    .description('process ingest and training jobs from Redis (REDIS_URL)')
    .option(
      '--concurrency <n>',
      'jobs taken at once from each queue; above 1, a job of a kind already running is merged at once instead of waiting',
      parseInteger('--concurrency', 1, 64),
      1,
    )
    .action(action(async (options) => (await import('./commands/worker.js')).workerAction(options)));

  program
    .command('scheduler')
    .description('register the ingest and training timetable in Redis (INGEST_SCHEDULE, TRAIN_SCHEDULE)')
    .action(action(async () => (await import('./commands/scheduler.js')).schedulerAction()));

  program
    .command('ingest')
    .description('collect horror films from TMDB (the demo catalogue when TMDB_API_KEY is not set)')
    .option(
      '--from <year>',
      'first release year (default INGEST_START_YEAR)',
      parseInteger('--from', 1874, 2100),
    )
    .option('--to <year>', 'last release year (default INGEST_END_YEAR)', parseInteger('--to', 1874, 2100))
    .option(
      '--pages <n>',
      'discover pages per year at most (default INGEST_MAX_PAGES_PER_YEAR)',
      parseInteger('--pages', 1, 500),
    )
    .option('--json', 'print one JSON object with the counts and seconds')
    .option('--enqueue', 'queue the collection for a worker (REDIS_URL) instead of running it here')
    .option(
      '--allow-mixed-sources',
      'write even into a database that holds films of the other kind (demo vs real)',
    )
    .action(action(async (options) => (await import('./commands/ingest.js')).ingestAction(options)));

  program
    .command('train')
    .description('train the models on the collected films (in a worker thread)')
    .option(
      '--json',
      'print one JSON object with every metric (single split and 5-fold) and seconds per model',
    )
    .option('--enqueue', 'queue the training for a worker (REDIS_URL) instead of running it here')
    .action(action(async (options) => (await import('./commands/train.js')).trainAction(options)));

  program
    .command('import')
    .description('import a horror_movies.csv file (TidyTuesday / Kaggle layout)')
    .argument('<file>', 'the CSV file')
    .option(
      '--min-votes <n>',
      'skip films with fewer votes (default INGEST_MIN_VOTES)',
      parseInteger('--min-votes', 0, 1_000_000),
    )
    .option('--keep-unvoted', 'keep every film, even those nobody voted on (same as --min-votes 0)')
    .option('--json', 'print one JSON object with the counts and every rejected row')
    .option(
      '--allow-mixed-sources',
      'write even into a database that holds films of the other kind (demo vs real)',
    )
    .action(
      action(async (file: string, options) =>
        (await import('./commands/import.js')).importAction(file, options),
      ),
    );

  program
    .command('mock-tmdb')
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
    .option('--faults <share>', 'share of requests that fail (5xx, truncated, reset, stall)', parseShare, 0)
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
    .action(action(async (options) => (await import('./commands/mock-tmdb.js')).mockTmdbAction(options)));

  program
    .command('migrate')
    .description('apply pending database migrations and print the schema version')
    .option('--json', 'print one JSON object')
    .action(action(async (options) => (await import('./commands/migrate.js')).migrateAction(options)));

  program
    .command('status')
    .description(
      'database and Redis reachability, schema version, queue depths, last collection and training',
    )
    .option('--json', 'print one JSON object')
    .action(action(async (options) => (await import('./commands/status.js')).statusAction(options)));

  // After the subcommands, which would inherit it: theirs answer a bad option with one line.
  program.showHelpAfterError();
  /** Usage errors (unknown option, bad option value) exit with 2 like other bad input; help exits 0. */
  for (const command of [program, ...program.commands]) {
    command.exitOverride((error) => {
      process.exit(error.exitCode === 0 ? 0 : 2);
    });
  }
  return program;
}

/** `--faults`: a share from 0 to 1; commander reports a bad one as a usage error. */
function parseShare(value: string): number {
  const parsed = Number(value);
  if (!(parsed >= 0 && parsed <= 1))
    throw new InvalidArgumentError(`--faults expects a share from 0 to 1, got "${value}"`);
  return parsed;
}
