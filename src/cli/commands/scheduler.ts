import { Command } from 'commander';
import { notYetAvailable } from '../run.js';

export function schedulerCommand(): Command {
  return new Command('scheduler')
    .description('register the ingest and training timetable in Redis')
    .action(notYetAvailable('scheduler', 'the BullMQ scheduler'));
}
