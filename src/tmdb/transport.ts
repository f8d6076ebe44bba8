import type { z } from 'zod';
import { TmdbAuthError, TmdbNotFoundError, TmdbRequestError } from './errors.js';
import { tmdbErrorBodySchema } from './schemas.js';

export type TmdbAuthMode = 'bearer' | 'api_key';

/** A v4 read access token is a JWT (base64 of `{"`, hence `eyJ`); anything else is a v3 key. */
export function detectAuthMode(apiKey: string): TmdbAuthMode {
  return apiKey.startsWith('eyJ') ? 'bearer' : 'api_key';
}

/** What one HTTP request came to: a value, a failure worth another try, or a final failure. */
export type Outcome<T> =
  | { kind: 'ok'; value: T; latencyMs: number }
  | { kind: 'retry'; reason: string; retryAfterMs?: number; rateLimited?: boolean }
  | { kind: 'fail'; error: Error };

/** One GET, ready to send as often as needed. */
export interface TmdbCall<T> {
  /** The endpoint path, the only part of the URL an error message may name. */
  path: string;
  url: string;
  schema: z.ZodType<T>;
}

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  /** Per request, from sending to the last byte of the body. */
  timeoutMs: number;
  /** Longest Retry-After obeyed; a longer one is clipped so one answer cannot park a run for hours. */
  maxRetryAfterMs: number;
}

export interface Transport {
  readonly authMode: TmdbAuthMode;
  call<T>(path: string, params: Record<string, string | number>, schema: z.ZodType<T>): TmdbCall<T>;
  /** Sends the call once. Rejects only with the signal's reason, when it aborts. */
  send<T>(call: TmdbCall<T>, signal: AbortSignal): Promise<Outcome<T>>;
}

/**
 * One HTTP request to TMDB and its answer classified: the key goes into the header (v4) or the
 * query string (v3), the body is read within the timeout and checked against the schema, and any
 * text that reaches a reason or error has the key removed.
 */
export function createTransport(options: TransportOptions): Transport {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const authMode = detectAuthMode(options.apiKey);
  const base = options.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (authMode === 'bearer') headers.authorization = `Bearer ${options.apiKey}`;
  const scrub = (text: string) => scrubSecret(text, options.apiKey);

  function call<T>(path: string, params: Record<string, string | number>, schema: z.ZodType<T>): TmdbCall<T> {
    const url = new URL(base + path);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
    if (authMode === 'api_key') url.searchParams.set('api_key', options.apiKey);
    return { path, url: url.toString(), schema };
  }

  async function send<T>({ path, url, schema }: TmdbCall<T>, signal: AbortSignal): Promise<Outcome<T>> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const started = performance.now();
    let answer: { status: number; retryAfter: string | null; body: string };
    try {
      const response = await fetchImpl(url, { headers, signal: AbortSignal.any([signal, timeout]) });
      answer = {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        body: await response.text(),
      };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (timeout.aborted) return { kind: 'retry', reason: `no answer within ${options.timeoutMs} ms` };
      return { kind: 'retry', reason: scrub(describeNetworkError(error)) };
    }
    if (answer.status === 200) return parseBody(answer.body, schema, performance.now() - started);
    return classifyFailure(path, answer, scrub, options.maxRetryAfterMs);
  }

  return { authMode, call, send };
}

/** Server text can be echoed into reasons; make sure the key can never ride along. */
export function scrubSecret(text: string, secret: string): string {
  return text.split(secret).join('[redacted]');
}

function classifyFailure(
  path: string,
  answer: { status: number; retryAfter: string | null; body: string },
  scrub: (text: string) => string,
  maxRetryAfterMs: number,
): Outcome<never> {
  const { status } = answer;
  const message = tmdbMessage(answer.body);
  const detail = message ? `: ${scrub(message)}` : '';
  if (status === 401) return { kind: 'fail', error: new TmdbAuthError(message && scrub(message)) };
  if (status === 404) return { kind: 'fail', error: new TmdbNotFoundError(path) };
  if (status === 429) {
    return {
      kind: 'retry',
      reason: `HTTP 429${detail}`,
      retryAfterMs: parseRetryAfter(answer.retryAfter, maxRetryAfterMs),
      rateLimited: true,
    };
  }
  if (status >= 500 || status === 408) return { kind: 'retry', reason: `HTTP ${status}${detail}` };
  return { kind: 'fail', error: new TmdbRequestError(path, 1, `HTTP ${status}${detail}`) };
}

/** A Retry-After header (seconds or an HTTP date) in milliseconds, within [0, maxMs]. */
export function parseRetryAfter(value: string | null, maxMs: number, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) ? Math.min(maxMs, Math.max(0, ms)) : undefined;
}

function parseBody<T>(body: string, schema: z.ZodType<T>, latencyMs: number): Outcome<T> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: 'retry', reason: `malformed JSON body (${body.length} bytes)` };
  }
  const result = schema.safeParse(json);
  if (result.success) return { kind: 'ok', value: result.data, latencyMs };
  const issue = result.error.issues[0];
  return {
    kind: 'retry',
    reason: `unexpected answer: ${issue ? `${issue.path.join('.') || '(root)'} ${issue.message}` : 'invalid'}`,
  };
}

function tmdbMessage(body: string): string | undefined {
  try {
    const parsed = tmdbErrorBodySchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.status_message : undefined;
  } catch {
    return undefined;
  }
}

/** undici wraps socket failures as `TypeError: fetch failed` with the useful part in `cause`. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${cause.message} (${code})` : cause.message;
  }
  return error.message;
}
