import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Secrets are masked twice: by key (redaction paths) and by value, because a
 * key or token can also hide inside a URL or an error message.
 */
export function createLogger(
  options: { level?: string; secrets?: Array<string | undefined>; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 4);
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
    destination,
  );
}

export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) {
    if (secret.length >= 4) masked = masked.split(secret).join('[redacted]');
  }
  return masked;
}
