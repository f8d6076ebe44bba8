import { afterAll, describe, expect, it } from 'vitest';
import { createForestPool } from '../../src/ml/forest-pool.js';
import { computeTraining, DEFAULT_TRAINING_SETTINGS, median } from '../../src/training/pipeline.js';
import { SIMILAR_FILMS } from '../../src/training/similar.js';
import { demoMovies, trainingFilms } from './catalogue.js';

const settings = { ...DEFAULT_TRAINING_SETTINGS, trees: 20 };

describe('training pipeline', () => {
  const films = trainingFilms(demoMovies());

  it('reports insufficient data below 20 films', async () => {
    expect(await computeTraining(films.slice(0, 19), settings)).toEqual({
      status: 'insufficient_data',
      sampleCount: 19,
    });
  });

  it('computes every model, metric and result on the demo catalogue', async () => {
    const outcome = await computeTraining(films, settings);
    if (outcome.status !== 'succeeded') throw new Error('expected a successful run');
    const n = films.length;
    expect(outcome.sampleCount).toBe(n);
    const { metrics } = outcome;
    expect(metrics.clustering.k).toBe(Math.max(2, Math.min(4, Math.floor(n / 10))));
    expect(metrics.clustering.sizes.reduce((a, b) => a + b, 0)).toBe(n);
    // A small demo catalogue gives noisy scores: quality is tested on the kernels, mechanics here.
    expect(Number.isFinite(metrics.rf_regression.r2)).toBe(true);
    expect(metrics.rf_classification.auc).toBeGreaterThanOrEqual(0);
    expect(metrics.rf_classification.auc).toBeLessThanOrEqual(1);
    const confusion = metrics.rf_classification.confusion.flat().reduce((a, b) => a + b, 0);
    expect(confusion).toBe(Math.ceil(n * 0.25));
    for (const value of Object.values(metrics.cv5)) {
      expect(Number.isFinite(value.mean)).toBe(true);
      expect(value.std).toBeGreaterThanOrEqual(0);
    }
    expect(Object.keys(metrics.cv5).sort()).toEqual([
      'linear_popularity_mae',
      'linear_popularity_r2',
      'linear_vote_average_mae',
      'linear_vote_average_r2',
      'popularity_v2_mae',
      'popularity_v2_r2',
      'pre_release_popularity_mae',
      'pre_release_popularity_r2',
      'pre_release_rating_mae',
      'pre_release_rating_r2',
      'rating_v2_mae',
      'rating_v2_r2',
      'rf_classification_accuracy',
      'rf_classification_auc',
      'rf_regression_mae',
      'rf_regression_r2',
    ]);
    expect(outcome.featureImportances.map((f) => f.rank)).toEqual(
      Array.from({ length: 14 }, (_, i) => i + 1),
    );
    expect(outcome.featureImportances.reduce((a, f) => a + f.importance, 0)).toBeCloseTo(1, 12);
    expect(outcome.linearPredictions).toHaveLength(n);
    expect(outcome.regressionPredictions.filter((p) => p.inTestSet)).toHaveLength(Math.ceil(n * 0.25));
    expect(outcome.clusterPoints).toHaveLength(n);
    expect(outcome.clusterProfiles.reduce((a, p) => a + p.filmCount, 0)).toBe(n);
    expect(outcome.roc.fpr[0]).toBe(0);
    expect(outcome.roc.tpr.at(-1)).toBe(1);
    expect(outcome.roc.thresholds.every(Number.isFinite)).toBe(true);
    expect(outcome.artifacts.map((a) => a.modelName).sort()).toEqual([
      'kmeans',
      'linear_popularity',
      'linear_vote_average',
      'popularity_v2',
      'pre_release_popularity',
      'pre_release_rating',
      'rating_v2',
      'rf_classification',
      'rf_regression',
    ]);
    expect(metrics.rf_classification.threshold).toBe(median(Float64Array.from(films, (f) => f.voteAverage)));
  });

  it('same seed → same models and metrics', async () => {
    const a = await computeTraining(films, settings);
    const b = await computeTraining(films, settings);
    if (a.status !== 'succeeded' || b.status !== 'succeeded') throw new Error('expected successful runs');
    expect(b.metrics).toEqual(a.metrics);
    expect(b.artifacts).toEqual(a.artifacts);
  });

  it('says when the forests’ trees drew fewer films than they were given', async () => {
    const capped = await computeTraining(films, { ...settings, trees: 3, forestSampleCap: 50 });
    const uncapped = await computeTraining(films, { ...settings, trees: 3 });
    if (capped.status !== 'succeeded' || uncapped.status !== 'succeeded') throw new Error('expected results');
    expect(capped.metrics.notes).toEqual(
      expect.arrayContaining([expect.stringContaining('bootstrap sample of 50')]),
    );
    expect(uncapped.metrics.notes?.some((note) => note.includes('bootstrap sample'))).toBe(false);
    expect(capped.artifacts.find((a) => a.modelName === 'rf_regression')?.payload).not.toBe(
      uncapped.artifacts.find((a) => a.modelName === 'rf_regression')?.payload,
    );
  });

  it('finds every film’s similar films as part of the run', async () => {
    const outcome = await computeTraining(films, settings);
    if (outcome.status !== 'succeeded') throw new Error('expected a successful run');
    const { similarFilms } = outcome;
    expect(similarFilms.tmdbId).toHaveLength(films.length * SIMILAR_FILMS);
    expect(Array.from(similarFilms.tmdbId.subarray(0, SIMILAR_FILMS))).toEqual(
      new Array(SIMILAR_FILMS).fill(films[0]!.tmdbId),
    );
    expect(Array.from(similarFilms.rank.subarray(0, SIMILAR_FILMS))).toEqual(
      Array.from({ length: SIMILAR_FILMS }, (_, i) => i + 1),
    );
    expect(similarFilms.similarTmdbId.every((id, r) => id !== similarFilms.tmdbId[r])).toBe(true);
  });

  describe('with a worker pool, the other models fitted while the trees grow', () => {
    const pool = createForestPool(2);
    afterAll(() => pool.close());

    it('gives the very results of a run on the calling thread', async () => {
      const keywordsOf = new Map(films.slice(0, 40).map((film, i) => [film.tmdbId, [i % 3, 7]]));
      const alone = await computeTraining(films, settings, {}, keywordsOf);
      const together = await computeTraining(
        films,
        settings,
        {
          grow: pool.grow,
          boost: pool.boost,
          neighbours: pool.neighbours,
          kmeans: pool.kmeans,
          concurrent: true,
        },
        keywordsOf,
      );
      if (alone.status !== 'succeeded' || together.status !== 'succeeded')
        throw new Error('expected results');
      const { seconds: _alone, ...expected } = alone;
      const { seconds: _together, ...actual } = together;
      expect(actual).toEqual(expected);
      expect(Object.keys(together.seconds).sort()).toEqual(Object.keys(alone.seconds).sort());
    });
  });

  it('median follows numpy for odd and even counts', () => {
    expect(median(Float64Array.from([3, 1, 2]))).toBe(2);
    expect(median(Float64Array.from([4, 1, 3, 2]))).toBe(2.5);
  });
});
