import { Cron } from 'croner';
import { type Config, ConfigError } from '../config/index.js';
import type { Logger } from '../config/logger.js';
import type { JobKind } from './types.js';

/**
 * Cron expressions of the timetable (when to collect and when to retrain; `off`: never), read in `timeZone`
 * (an IANA name, UTC when omitted) by both job shapes alike.
 */
export type Timetable = Record<JobKind, string> & { timeZone?: string };

/** The zone a timetable is read in when it names none. */
export const DEFAULT_TIME_ZONE = 'UTC';

export const SCHEDULE_OFF = 'off';

/** The kinds whose schedule is switched on. */
export function scheduledKinds(timetable: Timetable): JobKind[] {
  return (['ingest', 'train'] as const).filter((kind) => timetable[kind] !== SCHEDULE_OFF);
}

export const TIMETABLE_VARIABLES: Record<JobKind, string> = {
  ingest: 'INGEST_SCHEDULE',
  train: 'TRAIN_SCHEDULE',
};

export function timetableOf(config: Config): Timetable {
  return { ingest: config.INGEST_SCHEDULE, train: config.TRAIN_SCHEDULE, timeZone: config.TZ };
}

/**
 * Configuration already validates both expressions; this check repeats it for a timetable built
 * by hand, so that a bad one is reported with the variable's name rather than croner's wording.
 */
export function validateTimetable(timetable: Timetable): void {
  for (const kind of scheduledKinds(timetable)) {
    parseCron(kind, timetable[kind], {
      paused: true,
      timezone: timetable.timeZone ?? DEFAULT_TIME_ZONE,
    }).stop();
  }
}

/** A cron whose tick requests a job; a failing request is logged and the timetable keeps going. */
export function cronFor(kind: JobKind, timetable: Timetable, fire: () => unknown, log: Logger): Cron {
  const timezone = timetable.timeZone ?? DEFAULT_TIME_ZONE;
  return parseCron(kind, timetable[kind], { timezone }, async () => {
    try {
      const result = await fire();
      log.info({ kind, result }, 'timetable requested a job');
    } catch (error) {
      log.error({ kind, err: error }, 'timetable could not request a job');
    }
  });
}

function parseCron(
  kind: JobKind,
  pattern: string,
  options: { paused?: boolean; timezone: string },
  tick?: () => void,
): Cron {
  try {
    return tick ? new Cron(pattern, options, tick) : new Cron(pattern, options);
  } catch (error) {
    throw new ConfigError(
      TIMETABLE_VARIABLES[kind],
      `expected a cron expression such as "0 3 * * *" (${(error as Error).message})`,
    );
  }
}
