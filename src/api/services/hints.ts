import { hints } from '../schemas/common.js';
import type { MoviesService } from './movies.js';
import type { RunsService } from './runs.js';

export type HintService = ReturnType<typeof createHintService>;

/** Explains an empty answer in terms of what to run next; only asked when there is nothing to show. */
export function createHintService(movies: MoviesService, runs: RunsService) {
  return {
    async noFilms(): Promise<string> {
      const ingest = await runs.latestIngest();
      if (ingest?.status === 'running')
        return 'The first collection is running: films appear when it finishes.';
      return hints.noFilms;
    },

    async noModel(): Promise<string> {
      const [{ films }, train] = await Promise.all([movies.counts(), runs.latestTrain()]);
      if (films === 0) return hints.noFilms;
      if (train?.status === 'running') return 'Training is running: results appear when it finishes.';
      if (train?.status === 'insufficient_data') {
        return `Training needs at least 20 films and found ${train.sample_count}: collect more with \`horrorcast ingest\`.`;
      }
      if (train?.status === 'failed') {
        return 'The last training run failed (see GET /api/runs); run `horrorcast train` again after fixing it.';
      }
      return hints.noTraining;
    },
  };
}
