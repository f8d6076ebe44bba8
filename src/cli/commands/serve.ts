import { Command } from 'commander';
import { notYetAvailable } from '../run.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the API and dashboard (embedded shape: also scheduler and jobs)')
    .action(notYetAvailable('serve', 'the web server and dashboard'));
}
