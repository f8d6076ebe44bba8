import type { ServerResponse } from 'node:http';

export function sendJson(
  response: ServerResponse,
  status: number,
  body: string,
  extra: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...extra,
  });
  response.end(body);
}

/**
 * Runs answers after a delay (latency, stalls). Keeps the timers so that closing the mock can
 * cancel them, and drops an answer whose client has gone.
 */
export class DelayedAnswers {
  private readonly timers = new Set<NodeJS.Timeout>();

  later(ms: number, response: ServerResponse, answer: () => void): void {
    if (ms <= 0) {
      answer();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!response.destroyed) answer();
    }, ms);
    this.timers.add(timer);
    response.once('close', () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }

  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
