import { Command } from 'commander';
import { notYetAvailable } from '../run.js';

export function workerCommand(): Command {
  return new Command('worker')
    .description('process ingest and training jobs from Redis')
    .action(notYetAvailable('worker', 'BullMQ workers'));
}
