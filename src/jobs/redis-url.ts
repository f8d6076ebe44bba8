import { type Config, ConfigError } from '../config/index.js';

/** The scaled shape's commands have no in-process fallback: without REDIS_URL they stop at once. */
export function requireRedisUrl(config: Config, command: string): string {
  if (config.REDIS_URL) return config.REDIS_URL;
  throw new ConfigError(
    'REDIS_URL',
    `\`horrorcast ${command}\` needs redis://HOST:PORT (without Redis, jobs and the timetable run inside \`npm start\`)`,
  );
}

/** Host, port and database of REDIS_URL without credentials: safe to log and show. */
export function redisLocation(url: string): string {
  const parsed = new URL(url);
  const database = parsed.pathname.replace(/^\/+/, '');
  return `${parsed.protocol}//${parsed.hostname}:${parsed.port || 6379}${database ? `/${database}` : ''}`;
}
