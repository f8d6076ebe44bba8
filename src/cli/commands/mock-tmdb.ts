import { Command } from 'commander';
import { notYetAvailable } from '../run.js';

export function mockTmdbCommand(): Command {
  return new Command('mock-tmdb')
    .description('serve a TMDB-compatible mock with the demo catalogue')
    .action(notYetAvailable('mock-tmdb', 'the mock TMDB server'));
}
