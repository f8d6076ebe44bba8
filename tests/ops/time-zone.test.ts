import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/config/logger.js';
import { createBullmqJobRunner } from '../../src/jobs/bullmq.js';
import { cronFor, timetableOf } from '../../src/jobs/timetable.js';
import { describeWithRedis } from '../helpers/redis.js';

const logger = createLogger({ level: 'silent' });
const berlin = { ingest: '0 3 * * *', train: '30 4 * * *', timeZone: 'Europe/Berlin' };

describe('the TZ setting', () => {
  it('defaults to UTC and goes into the timetable', () => {
    expect(loadConfig({}).TZ).toBe('UTC');
    expect(timetableOf(loadConfig({ TZ: 'Europe/Berlin' })).timeZone).toBe('Europe/Berlin');
  });

  it('refuses a zone that does not exist, naming the variable', () => {
    expect(() => loadConfig({ TZ: 'Europe/Atlantis' })).toThrow(ConfigError);
    expect(() => loadConfig({ TZ: 'Europe/Atlantis' })).toThrow(/TZ — expected an IANA time zone/);
  });
});

describe('the in-process timetable', () => {
  it('reads the cron expressions in the timetable zone', () => {
    const cron = cronFor('ingest', berlin, () => undefined, logger);
    try {
      // 03:00 in Berlin on a summer day is 01:00 UTC.
      expect(cron.nextRun(new Date('2026-07-01T00:00:00Z'))?.toISOString()).toBe('2026-07-01T01:00:00.000Z');
    } finally {
      cron.stop();
    }
  });

  it('reads them in UTC when the timetable names no zone', () => {
    const cron = cronFor('ingest', { ingest: '0 3 * * *', train: '0 * * * *' }, () => undefined, logger);
    try {
      expect(cron.nextRun(new Date('2026-07-01T00:00:00Z'))?.toISOString()).toBe('2026-07-01T03:00:00.000Z');
    } finally {
      cron.stop();
    }
  });
});

describeWithRedis('the BullMQ timetable', (redis) => {
  it('registers the zone with each job scheduler, meaning what the in-process timetable means', async () => {
    const runner = createBullmqJobRunner({
      url: redis().url,
      prefix: redis().prefix,
      logger,
      timetable: berlin,
    });
    try {
      await runner.startSchedule();
      const [ingestQueue] = runner.queues;
      const scheduler = await ingestQueue!.getJobScheduler('ingest-timetable');
      expect(scheduler).toMatchObject({ pattern: '0 3 * * *', tz: 'Europe/Berlin' });
      const inProcess = new Cron('0 3 * * *', { timezone: 'Europe/Berlin', paused: true });
      expect(scheduler?.next).toBe(inProcess.nextRun()?.getTime());
    } finally {
      await runner.close();
    }
  });
});
