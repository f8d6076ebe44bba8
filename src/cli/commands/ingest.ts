import { Command } from 'commander';
import { notYetAvailable } from '../run.js';

export function ingestCommand(): Command {
  return new Command('ingest')
    .description('collect horror films from TMDB')
    .action(notYetAvailable('ingest', 'collection'));
}
