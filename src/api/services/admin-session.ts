import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The queue board's sign-in cookie. A browser cannot send a bearer header when it follows a link,
 * so signing in with the admin token sets a cookie instead: an expiry and an HMAC of it keyed with
 * the token. Nothing is stored on the server, every web process accepts it, and changing the
 * token signs everyone out. The token itself never leaves the sign-in request.
 */
export const ADMIN_COOKIE = 'horrorcast_admin';

/** A session lasts a working day; then the form asks again. */
export const ADMIN_SESSION_SECONDS = 8 * 3600;

export interface AdminSessions {
  /** A fresh cookie value, valid for ADMIN_SESSION_SECONDS. */
  issue(): string;
  /** True for an unexpired value this token signed. */
  verify(value: string | undefined): boolean;
}

function signature(adminToken: string, expiresAt: number): Buffer {
  return createHmac('sha256', adminToken).update(`queue-board:${expiresAt}`).digest();
}

export function createAdminSessions(adminToken: string, now: () => number = Date.now): AdminSessions {
  return {
    issue() {
      const expiresAt = Math.floor(now() / 1000) + ADMIN_SESSION_SECONDS;
      return `${expiresAt}.${signature(adminToken, expiresAt).toString('base64url')}`;
    },
    verify(value) {
      const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
      if (!match) return false;
      const expiresAt = Number(match[1]);
      const seconds = now() / 1000;
      if (expiresAt <= seconds || expiresAt > seconds + ADMIN_SESSION_SECONDS) return false;
      return timingSafeEqual(Buffer.from(match[2]!, 'base64url'), signature(adminToken, expiresAt));
    },
  };
}

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

/** Set-Cookie for the session: unreadable to scripts, never sent cross-site, https-only behind https. */
export function sessionCookie(value: string, options: { secure: boolean; path: string }): string {
  const attributes = [
    `${ADMIN_COOKIE}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${ADMIN_SESSION_SECONDS}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (options.secure) attributes.push('Secure');
  return attributes.join('; ');
}

/** Set-Cookie that removes the session. */
export function clearedSessionCookie(options: { secure: boolean; path: string }): string {
  const attributes = [`${ADMIN_COOKIE}=`, `Path=${options.path}`, 'Max-Age=0', 'HttpOnly', 'SameSite=Strict'];
  if (options.secure) attributes.push('Secure');
  return attributes.join('; ');
}
