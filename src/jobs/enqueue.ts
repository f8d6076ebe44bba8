import type { Config } from '../config/index.js';
import type { Logger } from '../config/logger.js';
import { createBullmqJobRunner } from './bullmq.js';
import { checkRedis, requireRedisUrl } from './redis.js';
import { timetableOf } from './timetable.js';
import type { EnqueueResult, IngestJobOptions, JobKind } from './types.js';

/**
 * `horrorcast ingest|train --enqueue`: hands the job to the workers instead of running it here.
 * Only the scaled shape has a queue another process can reach, so REDIS_URL is required.
 */
export async function enqueueFromCli(
  config: Config,
  logger: Logger,
  kind: JobKind,
  options: IngestJobOptions = {},
): Promise<EnqueueResult> {
  const url = requireRedisUrl(config, `${kind} --enqueue`);
  await checkRedis(url);
  const runner = createBullmqJobRunner({
    url,
    prefix: config.REDIS_PREFIX,
    logger,
    timetable: timetableOf(config),
  });
  try {
    return kind === 'ingest' ? await runner.enqueueIngest(options) : await runner.enqueueTrain();
  } finally {
    await runner.close();
  }
}

/** One line for a person; scripts use `--json` and get the EnqueueResult itself. */
export function describeEnqueued(kind: JobKind, result: EnqueueResult): string {
  const what = kind === 'ingest' ? 'collection' : 'training';
  return result.deduplicated
    ? `a ${what} is already queued or running: joined job ${result.id}`
    : `${what} queued as job ${result.id}; a worker will pick it up`;
}
