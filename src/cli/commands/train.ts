import { Command } from 'commander';
import { notYetAvailable } from '../run.js';

export function trainCommand(): Command {
  return new Command('train')
    .description('train the models on the collected films')
    .action(notYetAvailable('train', 'training'));
}
