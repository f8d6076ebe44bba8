import type {
  CrossValidatedMetric,
  RegressionScores,
  TrainingMetrics,
} from '../persistence/documents/training-metrics.js';
import type { FilmAttributes } from './features.js';
import type { BoostedModelName, OutOfFold } from './models/boosted.js';
import type { PreReleaseFacts } from './pre-release.js';
import type { SimilarFilms } from './similar.js';

/** The shapes training passes between its modules: films in, settings, results out. */

export type { CrossValidatedMetric, RegressionScores, TrainingMetrics };

/**
 * A film as training sees it: its attributes, what was known of it before release (absent until
 * its details are collected), and the two values the models learn.
 */
export interface TrainingFilm extends FilmAttributes, PreReleaseFacts {
  readonly tmdbId: number;
  readonly popularity: number;
  readonly voteAverage: number;
}

/** Hyper-parameters of a training run; the defaults are what Horrorcast trains with. */
export interface TrainingSettings {
  readonly seed: number;
  readonly trees: number;
  readonly maxDepth: number;
  readonly testFraction: number;
  readonly folds: number;
  readonly kMeansInits: number;
  readonly minFilms: number;
  /**
   * Features of the linear baseline: 'linear' is its own set; 'horror' is the forests' set, which
   * scikit-learn's reference script uses for it, for benchmarks that compare with that script.
   */
  readonly linearFeatureSet: 'linear' | 'horror';
  /**
   * Each boosted fit sees at most this many films (a random part of its training films), which
   * bounds their time on large catalogues; every film is still predicted out of fold.
   */
  readonly boostedSampleCap: number;
  /**
   * Each tree of the baseline forests draws at most this many films for its bootstrap sample
   * (scikit-learn's max_samples); with fewer training films it draws as many as there are, so
   * smaller catalogues are trained exactly as without the cap.
   */
  readonly forestSampleCap: number;
}

export const DEFAULT_TRAINING_SETTINGS: TrainingSettings = {
  seed: 42,
  trees: 100,
  maxDepth: 10,
  testFraction: 0.25,
  folds: 5,
  kMeansInits: 10,
  minFilms: 20,
  linearFeatureSet: 'linear',
  boostedSampleCap: 5000,
  forestSampleCap: 10_000,
};

/**
 * Wall-clock seconds of each step. When a worker pool grows the forests, the forest steps overlap
 * the others, so the steps add up to more than the total.
 */
export interface TrainingSeconds {
  readonly linear: number;
  readonly rf_regression: number;
  readonly rf_classification: number;
  readonly clustering: number;
  readonly cross_validation: number;
  /** The four gradient-boosted models, their cross-validation and intervals included. */
  readonly boosted: number;
  /** Each film's nearest films (k-d tree), for the similar_films table. */
  readonly similar: number;
  readonly total: number;
}

export interface LinearPrediction {
  readonly tmdbId: number;
  readonly predictedPopularity: number;
  readonly actualPopularity: number;
  readonly predictedVoteAverage: number;
  readonly actualVoteAverage: number;
}

export interface RegressionPrediction {
  readonly tmdbId: number;
  readonly actual: number;
  readonly predicted: number;
  readonly inTestSet: boolean;
}

export interface ClusterPoint {
  readonly tmdbId: number;
  readonly cluster: number;
  readonly pc1: number;
  readonly pc2: number;
}

export interface ClusterProfile {
  readonly cluster: number;
  readonly filmCount: number;
  readonly avgPopularity: number;
  readonly avgVoteAverage: number;
  readonly avgRuntime: number;
  readonly avgVoteCount: number;
}

/** One boosted model's out-of-fold prediction of every film, with intervals and residuals, in film order. */
export interface OutOfFoldPredictions extends OutOfFold {
  readonly modelName: BoostedModelName;
  readonly tmdbIds: Int32Array;
}

export interface ModelArtifact {
  readonly modelName: string;
  readonly formatVersion: number;
  readonly payload: string;
}

export interface TrainingResults {
  readonly status: 'succeeded';
  readonly sampleCount: number;
  readonly metrics: TrainingMetrics;
  readonly seconds: TrainingSeconds;
  readonly linearPredictions: LinearPrediction[];
  readonly featureImportances: Array<{ feature: string; importance: number; rank: number }>;
  readonly regressionPredictions: RegressionPrediction[];
  readonly roc: { fpr: number[]; tpr: number[]; thresholds: number[] };
  readonly clusterPoints: ClusterPoint[];
  readonly clusterProfiles: ClusterProfile[];
  readonly outOfFold: OutOfFoldPredictions[];
  readonly artifacts: ModelArtifact[];
  readonly similarFilms: SimilarFilms;
}

export type TrainingOutcome =
  | TrainingResults
  | { readonly status: 'insufficient_data'; readonly sampleCount: number };
