import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogFormat, resolveLogFormat } from '../../src/config/logger.js';

const adminToken = 'logger-test-admin-token-0123456789abcdef';

function capture(format: LogFormat, isTTY = false) {
  const lines: string[] = [];
  const sink = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
    { isTTY },
  );
  const logger = createLogger({ level: 'debug', format, secrets: [adminToken] }, sink);
  return { logger, lines };
}

describe('logger', () => {
  it('chooses readable lines on a terminal and JSON elsewhere, unless told', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('writes JSON lines when not on a terminal', () => {
    const { logger, lines } = capture('auto');
    logger.info({ films: 3 }, 'collection finished');
    expect(JSON.parse(lines.join(''))).toMatchObject({ msg: 'collection finished', films: 3, level: 30 });
  });

  it('writes one readable line per entry on a terminal', () => {
    const { logger, lines } = capture('auto', true);
    logger.info({ films: 3 }, 'collection finished');
    const text = lines.join('');
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toMatch(/INFO/);
    expect(text).toContain('collection finished');
    expect(text).toContain('films');
    expect(text.trimEnd().split('\n')).toHaveLength(1);
  });

  it.each(['json', 'pretty'] as const)('masks secrets by key and by value in %s', (format) => {
    const { logger, lines } = capture(format);
    logger.info({ ADMIN_TOKEN: 'other-secret-by-key', headers: { authorization: 'Bearer abc' } }, 'keys');
    logger.warn(`token in a message: ${adminToken}`);
    logger.error({ err: new Error(`failed calling /x?key=${adminToken}`) }, 'value in an error');
    const text = lines.join('');
    expect(text).toContain('keys');
    expect(text).toContain('value in an error');
    expect(text).not.toContain(adminToken);
    expect(text).not.toContain('other-secret-by-key');
    expect(text).not.toContain('Bearer abc');
    expect(text).toContain('[redacted]');
  });
});
