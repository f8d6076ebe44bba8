import { describe, expect, it } from 'vitest';
import { growOnCallingThread } from '../../src/ml/forest-pool.js';
import { crossValidate } from '../../src/training/cross-validation.js';
import { forestContext, prepareTrainingData } from '../../src/training/data.js';
import { HORROR_FEATURES, LINEAR_FEATURES } from '../../src/training/features.js';
import { fitForestClassification } from '../../src/training/models/classification.js';
import { clusterCount, fitClustering } from '../../src/training/models/clustering.js';
import { fitForestRegression, fitLinearBaseline } from '../../src/training/models/regression.js';
import { DEFAULT_TRAINING_SETTINGS, type TrainingFilm } from '../../src/training/pipeline.js';

const settings = { ...DEFAULT_TRAINING_SETTINGS, trees: 10, folds: 3 };
const forest = forestContext(settings, growOnCallingThread);

/**
 * 60 films whose popularity is an exact linear function of runtime and vote count, and whose vote
 * average is high for long films only: every model has something clear to find.
 */
function syntheticFilms(count = 60): TrainingFilm[] {
  return Array.from({ length: count }, (_, i) => {
    const runtime = 80 + ((i * 7) % 50);
    const voteCount = 10 + ((i * 37) % 400);
    return {
      tmdbId: i + 1,
      runtime,
      voteCount,
      releaseDate: `${2000 + (i % 20)}-${String(1 + (i % 12)).padStart(2, '0')}-15`,
      genres: i % 3 === 0 ? ['Horror', 'Thriller'] : ['Horror'],
      originalLanguage: i % 4 === 0 ? 'ja' : 'en',
      popularity: 2 * runtime + 0.05 * voteCount + 1,
      voteAverage: runtime > 105 ? 7 : 5,
    };
  });
}

describe('training data', () => {
  it('builds both feature matrices, the targets and the median split of vote averages', () => {
    const films = syntheticFilms();
    const data = prepareTrainingData(films, 'linear');
    expect(data.n).toBe(60);
    expect([data.horror.rows, data.horror.cols]).toEqual([60, HORROR_FEATURES.length]);
    expect([data.linearX.rows, data.linearX.cols]).toEqual([60, LINEAR_FEATURES.length]);
    expect(data.linearNames).toEqual(LINEAR_FEATURES);
    expect(data.threshold).toBe(5);
    expect(Array.from(data.highRating)).toEqual(films.map((f) => (f.voteAverage > 5 ? 1 : 0)));
  });

  it('uses the horror matrix itself for the linear baseline when asked to', () => {
    const data = prepareTrainingData(syntheticFilms(), 'horror');
    expect(data.linearX).toBe(data.horror);
    expect(data.linearNames).toEqual(HORROR_FEATURES);
  });
});

describe('regression models', () => {
  const data = prepareTrainingData(syntheticFilms(), 'linear');

  it('the linear baseline recovers an exactly linear target and predicts every film', () => {
    const result = fitLinearBaseline(data, settings);
    expect(result.scores.popularity.r2).toBeCloseTo(1, 8);
    expect(result.scores.popularity.mae).toBeCloseTo(0, 6);
    expect(result.predictions.popularity).toHaveLength(60);
    expect(result.predictions.vote_average).toHaveLength(60);
    expect(result.artifacts.map((a) => a.modelName)).toEqual(['linear_popularity', 'linear_vote_average']);
    expect(JSON.parse(result.artifacts[0].payload)).toMatchObject({
      featureSet: 'linear',
      name: 'linear_popularity',
    });
  });

  it('the forest ranks every horror feature, puts runtime first and marks its test films', async () => {
    const result = await fitForestRegression(data, settings, forest);
    expect(result.ranked.map((entry) => entry.rank)).toEqual(HORROR_FEATURES.map((_, i) => i + 1));
    expect(result.ranked[0].feature).toBe('runtime');
    expect(result.scores.r2).toBeGreaterThan(0.5);
    expect(result.inTest.reduce((a, b) => a + b, 0)).toBe(15);
    expect(result.predictions).toHaveLength(60);
    expect(result.artifact.modelName).toBe('rf_regression');
  });
});

describe('classification model', () => {
  it('separates long films from short ones and stores the threshold with the model', async () => {
    const data = prepareTrainingData(syntheticFilms(), 'linear');
    const result = await fitForestClassification(data, settings, forest);
    expect(result.metrics.accuracy).toBeGreaterThan(0.9);
    expect(result.metrics.threshold).toBe(5);
    expect(result.metrics.confusion.flat().reduce((a, b) => a + b, 0)).toBe(15);
    expect(result.roc.fpr[0]).toBe(0);
    expect(JSON.parse(result.artifact.payload)).toMatchObject({ name: 'rf_classification', threshold: 5 });
  });

  it('refuses films that all share one vote average', async () => {
    const same = syntheticFilms().map((film) => ({ ...film, voteAverage: 6 }));
    await expect(
      fitForestClassification(prepareTrainingData(same, 'linear'), settings, forest),
    ).rejects.toThrow(/nothing to classify/);
  });
});

describe('clustering model', () => {
  it('chooses two to four clusters by the number of films', () => {
    expect([10, 25, 30, 45, 400].map(clusterCount)).toEqual([2, 2, 3, 4, 4]);
  });

  it('assigns every film, profiles every cluster and keeps the PCA with the model', async () => {
    const films = syntheticFilms();
    const result = await fitClustering(films, prepareTrainingData(films, 'linear'), settings);
    expect(result.metrics.k).toBe(4);
    expect(result.metrics.sizes.reduce((a, b) => a + b, 0)).toBe(60);
    expect(result.profiles.map((p) => p.filmCount)).toEqual(result.metrics.sizes);
    expect(result.points.map((p) => p.tmdbId)).toEqual(films.map((f) => f.tmdbId));
    expect(result.metrics.pca_explained).toHaveLength(2);
    expect(JSON.parse(result.artifact.payload).pca).toBeDefined();
  });
});

describe('cross-validation', () => {
  it('scores every metric on every fold', async () => {
    const cv = await crossValidate(prepareTrainingData(syntheticFilms(), 'linear'), settings, forest);
    expect(Object.keys(cv).sort()).toEqual([
      'linear_popularity_mae',
      'linear_popularity_r2',
      'linear_vote_average_mae',
      'linear_vote_average_r2',
      'rf_classification_accuracy',
      'rf_classification_auc',
      'rf_regression_mae',
      'rf_regression_r2',
    ]);
    expect(cv.linear_popularity_r2.mean).toBeCloseTo(1, 8);
    for (const { mean, std } of Object.values(cv)) {
      expect(Number.isFinite(mean)).toBe(true);
      expect(std).toBeGreaterThanOrEqual(0);
    }
  });
});
