import { Command } from 'commander';
import { notYetAvailable } from '../run.js';

export function importCommand(): Command {
  return new Command('import')
    .description('import a horror_movies.csv file')
    .action(notYetAvailable('import', 'CSV import'));
}
