/**
 * Typed failures of the TMDB client. Messages name the endpoint path only, never the full URL:
 * a v3 key travels in the query string and must not reach a log line or a run record.
 */
export class TmdbError extends Error {
  override name = 'TmdbError';
}

/** 401: the key is wrong or revoked. Nothing else can succeed, so the whole run stops. */
export class TmdbAuthError extends TmdbError {
  override name = 'TmdbAuthError';
  constructor(readonly statusMessage?: string) {
    super(
      `TMDB rejected the API key (HTTP 401${statusMessage ? `: ${statusMessage}` : ''}). ` +
        'Check TMDB_API_KEY: a v3 key or a v4 read access token from https://www.themoviedb.org/settings/api.',
    );
  }
}

/** 404 on a resource, e.g. a film removed from TMDB since discover listed it. Not worth retrying. */
export class TmdbNotFoundError extends TmdbError {
  override name = 'TmdbNotFoundError';
  constructor(readonly path: string) {
    super(`TMDB has no resource at ${path} (HTTP 404)`);
  }
}

/** A request that kept failing (5xx, 429, resets, timeouts, malformed bodies) until the retry bound. */
export class TmdbRequestError extends TmdbError {
  override name = 'TmdbRequestError';
  constructor(
    readonly path: string,
    readonly attempts: number,
    readonly reason: string,
  ) {
    super(`GET ${path} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`);
  }
}

/** The run was cancelled (by the caller, or because another request hit TmdbAuthError). */
export class TmdbAbortedError extends TmdbError {
  override name = 'TmdbAbortedError';
  constructor(readonly path: string) {
    super(`GET ${path} was cancelled`);
  }
}
