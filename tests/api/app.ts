import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import type { HttpSettings } from '../../src/api/plugins/http-server.js';
import { createLogger } from '../../src/config/logger.js';
import type { JobRunner } from '../../src/jobs/types.js';
import { createStores, type DatabaseHandle } from '../../src/persistence/index.js';
import { createRecordingJobRunner } from './fake-jobs.js';

export interface TestApp {
  app: FastifyInstance;
  jobs: ReturnType<typeof createRecordingJobRunner>;
  /** Every log line the app wrote. */
  logs: string[];
}

/** The real application over a test database, logging into memory at debug level. */
export async function buildTestApp(
  database: DatabaseHandle,
  options: { adminToken?: string; jobs?: JobRunner; http?: Partial<HttpSettings> } = {},
): Promise<TestApp> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', secrets: [options.adminToken] }, sink);
  const jobs = createRecordingJobRunner();
  const app = await buildApp({
    stores: createStores(database),
    databaseKind: database.dialect,
    logger,
    jobs: options.jobs ?? jobs,
    settings: {
      adminToken: options.adminToken,
      pollIntervalMs: 30_000,
      configuredSource: 'demo',
      started: new Date(),
    },
    modelFreshnessMs: 0,
    http: options.http,
  });
  await app.ready();
  return { app, jobs, logs };
}
