import { existsSync, readFileSync } from 'node:fs';
import { Cron } from 'croner';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { integerBetween } from './integer.js';

/**
 * Every setting Horrorcast reads. Each entry is documented in `env.sample`; a bad value stops the
 * process with a ConfigError naming the variable (exit code 2, see src/cli).
 */
const currentYear = new Date().getUTCFullYear();

const emptyAsUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const integer = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyAsUndefined, integerBetween(min, max, { coerce: true }).default(fallback));

const cronExpression = z.string().refine(
  (expression) => {
    try {
      new Cron(expression, { paused: true });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected a cron expression such as "0 3 * * *"' },
);

/** A schedule's cron expression, or `off` to switch that schedule off. */
const schedule = (fallback: string) =>
  z.preprocess(
    (value) =>
      typeof value === 'string' && value.trim().toLowerCase() === 'off' ? 'off' : emptyAsUndefined(value),
    z
      .union([z.literal('off'), cronExpression], {
        error: 'expected a cron expression such as "0 3 * * *", or off',
      })
      .default(fallback),
  );

const databaseUrl = z
  .string()
  .refine((url) => /^(sqlite:.+|mysql:\/\/.+|mariadb:\/\/.+|postgres(ql)?:\/\/.+)$/.test(url), {
    error: 'expected sqlite:PATH, mysql://USER:PASS@HOST:PORT/DB or postgres://USER:PASS@HOST:PORT/DB',
  });

/** An IANA time zone such as UTC or Europe/Berlin, as Intl (and so croner and BullMQ) knows them. */
const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected an IANA time zone such as UTC or Europe/Berlin' },
);

const optionalPort = z.preprocess(
  emptyAsUndefined,
  z.coerce
    .number({ error: 'expected a port between 1 and 65535' })
    .int({ error: 'expected a port between 1 and 65535' })
    .min(1, { error: 'expected a port between 1 and 65535' })
    .max(65535, { error: 'expected a port between 1 and 65535' })
    .optional(),
);

const optionalSecret = z.preprocess(emptyAsUndefined, z.string().min(1).optional());

/** Short admin tokens can be guessed: 32 characters is 128 bits when they are hex. */
const MIN_ADMIN_TOKEN_LENGTH = 32;

const adminToken = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .min(MIN_ADMIN_TOKEN_LENGTH, {
      error: `expected at least ${MIN_ADMIN_TOKEN_LENGTH} characters; make one with \`openssl rand -hex 32\``,
    })
    .optional(),
);

const ipOrRange = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/;

/**
 * Whom to believe about the client's address (X-Forwarded-For): nobody (off), every proxy (on), the
 * nearest N proxies, or the listed addresses and ranges. Rate limits count per client, so behind a
 * proxy this must be set or every client looks like the proxy.
 */
const trustProxy = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .default('false')
    .transform((value, ctx): boolean | number | string[] => {
      const text = value.trim().toLowerCase();
      if (['false', 'off', 'no', '0'].includes(text)) return false;
      if (['true', 'on', 'yes'].includes(text)) return true;
      if (/^\d{1,2}$/.test(text)) return Number(text);
      const addresses = text.split(',').map((a) => a.trim());
      if (addresses.every((a) => ipOrRange.test(a))) return addresses;
      ctx.addIssue({
        code: 'custom',
        message: 'expected false, true, a number of proxy hops, or comma-separated addresses/CIDR ranges',
      });
      return z.NEVER;
    }),
);

export const configSchema = z
  .object({
    TMDB_API_KEY: optionalSecret,
    TMDB_API_BASE: z.preprocess(
      emptyAsUndefined,
      z.url({ error: 'expected an http(s) URL' }).default('https://api.themoviedb.org/3'),
    ),
    TMDB_RATE_LIMIT: integer(1, 1000, 40),
    TMDB_CONCURRENCY: integer(1, 100, 20),
    DATABASE_URL: z.preprocess(emptyAsUndefined, databaseUrl.default('sqlite:./data/horrorcast.db')),
    REDIS_URL: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .refine((url) => /^rediss?:\/\/.+/.test(url), { error: 'expected redis://HOST:PORT[/DB]' })
        .optional(),
    ),
    REDIS_PREFIX: z.preprocess(emptyAsUndefined, z.string().default('horrorcast')),
    PORT: integer(0, 65535, 8000),
    HOST: z.preprocess(emptyAsUndefined, z.string().default('127.0.0.1')),
    POLL_INTERVAL_MS: integer(1000, 86_400_000, 30_000),
    INGEST_SCHEDULE: schedule('0 3 * * *'),
    TRAIN_SCHEDULE: schedule('0 * * * *'),
    /** The schedules' time zone, the same in both job shapes. */
    TZ: z.preprocess(emptyAsUndefined, timeZone.default('UTC')),
    /** `worker` and `scheduler` serve /metrics and /health on this port; unset, they serve nothing. */
    METRICS_PORT: optionalPort,
    INGEST_START_YEAR: integer(1874, 2100, 2010),
    INGEST_END_YEAR: integer(1874, 2100, currentYear),
    INGEST_MAX_PAGES_PER_YEAR: integer(1, 500, 20),
    INGEST_MIN_VOTES: integer(0, 1_000_000, 10),
    ADMIN_TOKEN: adminToken,
    TRUST_PROXY: trustProxy,
    RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000, 120),
    PREDICT_RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000, 60),
    /** A running run whose heartbeat is older than this belongs to a dead process: it is interrupted. */
    RUN_STALE_AFTER_S: integer(10, 86_400, 120),
    /** How long a collection or training waits out a lost database or Redis before it fails. */
    OUTAGE_TIMEOUT_S: integer(1, 86_400, 180),
    LOG_LEVEL: z.preprocess(
      emptyAsUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
    LOG_FORMAT: z.preprocess(
      emptyAsUndefined,
      z.enum(['auto', 'json', 'pretty'], { error: 'expected auto, json or pretty' }).default('auto'),
    ),
  })
  .superRefine((config, ctx) => {
    if (config.INGEST_END_YEAR < config.INGEST_START_YEAR) {
      ctx.addIssue({
        code: 'custom',
        path: ['INGEST_END_YEAR'],
        message: `expected a year not before INGEST_START_YEAR (${config.INGEST_START_YEAR})`,
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly expectation: string,
  ) {
    super(`Invalid configuration: ${variable} — ${expectation}`);
    this.name = 'ConfigError';
  }
}

/** Reads `.env` (if present) beneath the real environment: a variable already set wins. */
export function readEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  dotenvPath = '.env',
): Record<string, string | undefined> {
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  return { ...fromFile, ...env };
}

export function loadConfig(env: Record<string, string | undefined> = readEnvironment()): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'configuration');
  const expectation =
    issue.code === 'invalid_type' && env[variable] === undefined ? 'is required' : issue.message;
  throw new ConfigError(variable, expectation);
}

/** The embedded shape collects from the built-in demo catalogue when no TMDB key is configured. */
export function usesDemoData(config: Config): boolean {
  return config.TMDB_API_KEY === undefined;
}
