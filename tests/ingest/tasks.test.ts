import { describe, expect, it } from 'vitest';
import { TaskGroup } from '../../src/ingest/tasks.js';

describe('task group of a run', () => {
  it('waits for tasks spawned while it waits', async () => {
    const group = new TaskGroup();
    const done: string[] = [];
    group.spawn(async () => {
      await Promise.resolve();
      group.spawn(async () => {
        await new Promise((resolve) => setImmediate(resolve));
        done.push('child');
      });
      done.push('parent');
    });
    await group.idle();
    expect(done).toEqual(['parent', 'child']);
    expect(group.failed).toBe(false);
  });

  it('keeps the first error, aborts its signal, and ignores later errors', async () => {
    const group = new TaskGroup();
    const first = new Error('key rejected');
    group.spawn(async () => {
      throw first;
    });
    group.spawn(async () => {
      throw new Error('cancelled as a consequence');
    });
    await group.idle();
    expect(group.failed).toBe(true);
    expect(group.error).toBe(first);
    expect(group.signal.aborted).toBe(true);
  });

  it("aborts when the caller's signal does", () => {
    const outer = new AbortController();
    const group = new TaskGroup(outer.signal);
    outer.abort(new Error('stopped'));
    expect(group.signal.aborted).toBe(true);
    expect(group.failed).toBe(false);
  });
});
