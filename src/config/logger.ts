import { type DestinationStream, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/** `auto` picks readable lines for a person at a terminal and JSON lines for everything else. */
export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LoggerOptions {
  level?: string;
  secrets?: Array<string | undefined>;
  name?: string;
  format?: LogFormat;
}

/** Where a log line goes: any pino destination, which may be a terminal. */
export type LogDestination = DestinationStream & { isTTY?: boolean };

/**
 * Structured logs. Secrets are masked twice: by key (redaction paths) and by value, because a key or
 * token can also hide inside a URL or an error message. Both happen on the JSON line, before the
 * readable format is drawn from it, so neither format can show a secret.
 */
export function createLogger(options: LoggerOptions = {}, destination?: LogDestination): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 4);
  const usePretty = resolveLogFormat(options.format ?? 'json', destination?.isTTY === true) === 'pretty';
  return pino(
    {
      name: options.name ?? 'horrorcast',
      level: options.level ?? 'info',
      redact: {
        paths: [
          'api_key',
          '*.api_key',
          'apiKey',
          '*.apiKey',
          'authorization',
          '*.authorization',
          'req.headers.authorization',
          'headers.authorization',
          'TMDB_API_KEY',
          '*.TMDB_API_KEY',
          'ADMIN_TOKEN',
          '*.ADMIN_TOKEN',
        ],
        censor: '[redacted]',
      },
      ...(secrets.length > 0 && { hooks: { streamWrite: (line: string) => maskSecrets(line, secrets) } }),
    },
    usePretty ? readableLines(destination) : destination,
  );
}

export function resolveLogFormat(format: LogFormat, isTerminal: boolean): 'json' | 'pretty' {
  if (format === 'auto') return isTerminal ? 'pretty' : 'json';
  return format;
}

/** One line per entry: time, level, message, then the remaining fields; colours only on a terminal. */
function readableLines(destination: LogDestination | undefined): DestinationStream {
  return pretty({
    destination: destination ?? process.stderr,
    sync: true,
    colorize: destination?.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: true,
  });
}

export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) {
    if (secret.length >= 4) masked = masked.split(secret).join('[redacted]');
  }
  return masked;
}
