import type { FilmsStore } from '../../persistence/index.js';
import {
  type BoostedArtifact,
  forecastPreRelease,
  nearestFilms,
  type PreReleaseQuestion,
  preReleaseMatrixFor,
  resolvePreReleaseQuestion,
  toPreReleaseFilm,
} from '../../training/index.js';
import type { ModelResultsService } from './models.js';

/** Similar films a forecast lists. */
const SIMILAR_FILMS = 5;

interface StoredFilm {
  readonly tmdbId: number;
  readonly title: string;
  readonly year: number | null;
  readonly posterPath: string | null;
}

/** The stored films in one run's pre-release feature space, built once per run. */
interface SimilarityIndex {
  readonly runId: number;
  readonly films: StoredFilm[];
  readonly matrix: ReturnType<typeof preReleaseMatrixFor>;
}

export type ForecastService = ReturnType<typeof createForecastService>;

/**
 * Pre-release forecasts: resolves the companies and keywords a question names against the
 * database, asks the newest run's models, and finds the stored films nearest to the answer.
 */
export function createForecastService(films: FilmsStore, models: ModelResultsService) {
  let index: Promise<SimilarityIndex> | undefined;
  let indexRunId: number | undefined;

  async function buildIndex(runId: number, artifact: BoostedArtifact): Promise<SimilarityIndex> {
    const [movies, facts] = await Promise.all([films.all(), films.preReleaseFactsForTraining()]);
    const preReleaseFilms = movies.map((movie) => toPreReleaseFilm(movie, facts.get(movie.tmdb_id)));
    return {
      runId,
      films: movies.map((movie) => ({
        tmdbId: movie.tmdb_id,
        title: movie.title,
        year: movie.release_date ? Number(movie.release_date.slice(0, 4)) : null,
        posterPath: movie.poster_path,
      })),
      matrix: preReleaseMatrixFor(artifact, preReleaseFilms),
    };
  }

  function similarityIndex(runId: number, artifact: BoostedArtifact): Promise<SimilarityIndex> {
    if (!index || indexRunId !== runId) {
      indexRunId = runId;
      const built = buildIndex(runId, artifact);
      built.catch(() => {
        if (index === built) index = undefined;
      });
      index = built;
    }
    return index;
  }

  return {
    /**
     * The newest run's forecast of a film before release; null before any run, `answer` null when
     * that run stored no pre-release models.
     */
    async forecast(question: PreReleaseQuestion) {
      const loaded = await models.trainedModels();
      if (!loaded) return null;
      const trained = loaded.result;
      const artifact = trained?.boosted.pre_release_popularity;
      if (!trained || !artifact) return { run: loaded.model.run, answer: null };
      const asked = question.companies ?? [];
      const [companies, keywords] = await Promise.all([
        films.findCompanies(
          asked.filter((company): company is number => typeof company === 'number'),
          asked.filter((company): company is string => typeof company === 'string'),
        ),
        films.knownKeywords(question.keywords ?? []),
      ]);
      const resolved = resolvePreReleaseQuestion(question, { companies, keywords });
      const answer = forecastPreRelease(trained, resolved);
      if (!answer) return { run: loaded.model.run, answer: null };
      const { films: stored, matrix } = await similarityIndex(trained.runId, artifact);
      const similar = nearestFilms(artifact, answer.row, matrix, SIMILAR_FILMS).map(
        ({ index: i, distance }) => ({
          ...stored[i],
          distance,
        }),
      );
      return { run: loaded.model.run, answer: { ...answer, film: resolved.film, similar } };
    },

    /** Company names for the what-if form, most films first. */
    companies: (prefix: string, limit: number) => films.companySuggestions(prefix, limit),
  };
}
