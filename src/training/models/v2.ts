import type { BoostingFitter } from '../../ml/boosting.js';
import { column, type Matrix } from '../../ml/matrix.js';
import { kFold } from '../../ml/split.js';
import { columnStatistics } from '../boosted-artifact.js';
import { median, seededRandom, type TrainingData } from '../data.js';
import { HORROR_FEATURES } from '../features.js';
import {
  fitPreReleaseVocabulary,
  type PreReleaseVocabulary,
  preReleaseFeatureNames,
  preReleaseMatrix,
} from '../pre-release.js';
import type { TrainingFilm, TrainingSettings } from '../types.js';
import { BOOSTED_SPECS, type BoostedModelName, type BoostedResult, fitBoostedModel } from './boosted.js';

export interface BoostedModelsResult {
  readonly models: Record<BoostedModelName, BoostedResult>;
  readonly vocabulary: PreReleaseVocabulary;
  /** What the run trained without, and why. */
  readonly notes: string[];
}

/**
 * The four gradient-boosted models: popularity_v2 and rating_v2 on the analysis features (votes
 * included), pre_release_popularity and pre_release_rating on what is known before release. All
 * are cross-validated on the same shuffled folds as the baseline regressions.
 */
export async function fitBoostedModels(
  films: readonly TrainingFilm[],
  data: TrainingData,
  settings: TrainingSettings,
  fitter: BoostingFitter,
): Promise<BoostedModelsResult> {
  const { vocabulary, notes } = fitPreReleaseVocabulary(films);
  const folds = kFold(data.n, settings.folds, seededRandom(settings));
  const preRelease = preReleaseMatrix(films, vocabulary);
  const medianVoteCount = median(column(data.horror, HORROR_FEATURES.indexOf('vote_count')));
  const inputs = (x: Matrix, featureSet: 'horror' | 'pre_release', features: readonly string[]) => ({
    x,
    folds,
    seed: settings.seed,
    sampleCap: settings.boostedSampleCap,
    artifact: {
      featureSet,
      features: [...features],
      ...(featureSet === 'pre_release' ? { vocabulary } : {}),
      ...columnStatistics(x),
      medianVoteCount,
    },
  });
  const analysis = inputs(data.horror, 'horror', HORROR_FEATURES);
  const beforeRelease = inputs(preRelease, 'pre_release', preReleaseFeatureNames(vocabulary));
  // Side by side: with a worker pool, every model's fits queue at once.
  const [popularity, rating, preReleasePopularity, preReleaseRating] = await Promise.all([
    fitBoostedModel({ ...analysis, spec: BOOSTED_SPECS.popularity_v2, y: data.popularity }, fitter),
    fitBoostedModel({ ...analysis, spec: BOOSTED_SPECS.rating_v2, y: data.voteAverage }, fitter),
    fitBoostedModel(
      { ...beforeRelease, spec: BOOSTED_SPECS.pre_release_popularity, y: data.popularity },
      fitter,
    ),
    fitBoostedModel(
      { ...beforeRelease, spec: BOOSTED_SPECS.pre_release_rating, y: data.voteAverage },
      fitter,
    ),
  ]);
  const models = {
    popularity_v2: popularity,
    rating_v2: rating,
    pre_release_popularity: preReleasePopularity,
    pre_release_rating: preReleaseRating,
  };
  if (Object.values(models).some((model) => model.sampled)) {
    notes.push(
      `Boosted models were each fitted on a random ${settings.boostedSampleCap} of their training films; every film still has an out-of-fold prediction.`,
    );
  }
  return { models, vocabulary, notes };
}
