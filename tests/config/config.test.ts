import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  configSchema,
  loadConfig,
  readEnvironment,
  usesDemoData,
} from '../../src/config/index.js';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      TMDB_API_BASE: 'https://api.themoviedb.org/3',
      TMDB_RATE_LIMIT: 40,
      DATABASE_URL: 'sqlite:./data/horrorcast.db',
      PORT: 8000,
      HOST: '127.0.0.1',
      POLL_INTERVAL_MS: 30000,
      INGEST_START_YEAR: 2010,
      INGEST_END_YEAR: new Date().getUTCFullYear(),
      INGEST_MAX_PAGES_PER_YEAR: 20,
      INGEST_MIN_VOTES: 10,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'auto',
      TRUST_PROXY: false,
      RATE_LIMIT_PER_MINUTE: 120,
      PREDICT_RATE_LIMIT_PER_MINUTE: 60,
    });
    expect(config.REDIS_URL).toBeUndefined();
    expect(usesDemoData(config)).toBe(true);
  });

  it('treats empty values as unset', () => {
    const config = loadConfig({ TMDB_API_KEY: '', REDIS_URL: ' ', PORT: '' });
    expect(config.TMDB_API_KEY).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.PORT).toBe(8000);
  });

  it.each([
    ['DATABASE_URL', 'nonsense', /sqlite:PATH/],
    ['PORT', 'eighty', /integer between 0 and 65535/],
    ['TMDB_RATE_LIMIT', '0', /integer between 1 and 1000/],
    ['INGEST_SCHEDULE', 'every day', /cron expression/],
    ['TRAIN_SCHEDULE', '61 * * * *', /cron expression/],
    ['REDIS_URL', 'localhost:6379', /redis:\/\//],
    ['LOG_LEVEL', 'loud', /.+/],
    ['TMDB_API_BASE', 'not a url', /URL/],
    ['TRUST_PROXY', 'the proxy', /addresses/],
    ['LOG_FORMAT', 'xml', /auto, json or pretty/],
    ['RATE_LIMIT_PER_MINUTE', '0', /integer between 1 and 1000000/],
  ])('names %s when it is malformed', (variable, value, expectation) => {
    const error = errorOf({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.expectation).toMatch(expectation);
  });

  it('rejects an admin token shorter than 32 characters, saying how to make one', () => {
    const error = errorOf({ ADMIN_TOKEN: 'a'.repeat(31) });
    expect(error.variable).toBe('ADMIN_TOKEN');
    expect(error.expectation).toContain('at least 32 characters');
    expect(error.expectation).toContain('openssl rand -hex 32');
    expect(error.message).not.toContain('a'.repeat(31));
    expect(loadConfig({ ADMIN_TOKEN: 'a'.repeat(32) }).ADMIN_TOKEN).toBe('a'.repeat(32));
  });

  it.each([
    ['off', false],
    ['true', true],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
  ])('reads TRUST_PROXY=%s', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected);
  });

  it('rejects an end year before the start year, naming INGEST_END_YEAR', () => {
    expect(errorOf({ INGEST_START_YEAR: '2020', INGEST_END_YEAR: '2015' }).variable).toBe('INGEST_END_YEAR');
  });

  it('never puts a rejected value in the message (it may be a secret)', () => {
    const error = errorOf({ TMDB_RATE_LIMIT: 'sekrit-value' });
    expect(error.message).not.toContain('sekrit-value');
  });

  it('reads .env beneath the real environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'horrorcast-env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'PORT=9100\nLOG_LEVEL=debug\n');
    const env = readEnvironment({ LOG_LEVEL: 'warn' }, file);
    expect(loadConfig(env)).toMatchObject({ PORT: 9100, LOG_LEVEL: 'warn' });
  });

  it('env.sample lists every variable the schema knows', () => {
    const sample = readFileSync('env.sample', 'utf8');
    for (const variable of Object.keys(configSchema.shape))
      expect(sample).toMatch(new RegExp(`^${variable}=`, 'm'));
  });
});
