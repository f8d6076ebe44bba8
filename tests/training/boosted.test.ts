import { describe, expect, it } from 'vitest';
import { createMatrix } from '../../src/ml/matrix.js';
import { createNumpyRandom } from '../../src/ml/random.js';
import { kFold } from '../../src/ml/split.js';
import { columnStatistics } from '../../src/training/boosted-artifact.js';
import { contributionInWords, featureLabel, topContributions } from '../../src/training/explain.js';
import { boostedFeatureRow, explainWithModel, nearestFilms } from '../../src/training/forecast.js';
import { parseBoostedArtifact, resolvePreReleaseQuestion } from '../../src/training/index.js';
import { BOOSTED_SPECS, fitBoostedModel } from '../../src/training/models/boosted.js';
import {
  computeTraining,
  DEFAULT_TRAINING_SETTINGS,
  type TrainingFilm,
} from '../../src/training/pipeline.js';
import { fitPreReleaseVocabulary, preReleaseFeatureNames } from '../../src/training/pre-release.js';
import { demoMovies, trainingFilms } from './catalogue.js';

const settings = { ...DEFAULT_TRAINING_SETTINGS, trees: 5 };
const films = trainingFilms(demoMovies());

/** A small regression problem: y grows with the first column, the second is noise. */
function problem(n: number) {
  const x = createMatrix(n, 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x.data[i] = i % 17;
    x.data[n + i] = (i * 7919) % 13;
    y[i] = 2 + (i % 17) * 0.5 + ((i * 31) % 5) * 0.1;
  }
  return { x, y };
}

function fitProblem(y: Float64Array, x = problem(y.length).x) {
  return fitBoostedModel({
    spec: BOOSTED_SPECS.popularity_v2,
    x,
    y,
    folds: kFold(x.rows, 5, createNumpyRandom(1)),
    seed: 3,
    sampleCap: 10_000,
    artifact: { featureSet: 'horror', features: ['a', 'b'], ...columnStatistics(x), medianVoteCount: 0 },
  });
}

describe('boosted models', () => {
  it('predicts every film out of fold: a film’s own target never reaches its prediction', async () => {
    const { y } = problem(300);
    const first = await fitProblem(y);
    const changed = Float64Array.from(y);
    changed[42] = 1e6;
    const second = await fitProblem(changed);
    expect(second.outOfFold.predicted[42]).toBe(first.outOfFold.predicted[42]);
    // The final model did see it.
    expect(second.artifact.payload).not.toBe(first.artifact.payload);
  });

  it('stores a residual on the model’s scale and an interval around every prediction', async () => {
    const { y } = problem(300);
    const result = await fitProblem(y);
    const { actual, predicted, lower, upper, residual } = result.outOfFold;
    expect(predicted).toHaveLength(300);
    for (let i = 0; i < 300; i++) {
      expect(actual[i]).toBe(y[i]);
      expect(residual[i]).toBeCloseTo(Math.log1p(y[i]) - Math.log1p(predicted[i]), 12);
      expect(lower[i]).toBeLessThanOrEqual(predicted[i]);
      expect(upper[i]).toBeGreaterThanOrEqual(predicted[i]);
      expect(lower[i]).toBeGreaterThanOrEqual(0);
    }
    expect(result.coverage).toBeGreaterThan(0.6);
    expect(result.coverage).toBeLessThanOrEqual(1);
    expect(result.mae.std).toBeGreaterThanOrEqual(0);
  });

  it('fits each model on at most the sample cap and says so', async () => {
    const { x, y } = problem(300);
    const capped = await fitBoostedModel({
      spec: BOOSTED_SPECS.rating_v2,
      x,
      y,
      folds: kFold(300, 5, createNumpyRandom(1)),
      seed: 3,
      sampleCap: 100,
      artifact: { featureSet: 'horror', features: ['a', 'b'], ...columnStatistics(x), medianVoteCount: 0 },
    });
    expect(capped.sampled).toBe(true);
    const { actual, predicted, residual } = capped.outOfFold;
    expect(predicted).toHaveLength(300);
    expect(residual.every((value, i) => value === actual[i] - predicted[i])).toBe(true);
  });
});

describe('training with the boosted models', () => {
  it('stores every model’s 5-fold figures, interval coverage, notes and out-of-fold predictions', async () => {
    const outcome = await computeTraining(films, settings);
    if (outcome.status !== 'succeeded') throw new Error('expected results');
    const { metrics } = outcome;
    for (const name of ['popularity_v2', 'rating_v2', 'pre_release_popularity', 'pre_release_rating']) {
      expect(Number.isFinite(metrics.cv5[`${name}_mae` as keyof typeof metrics.cv5]?.mean)).toBe(true);
      expect(metrics.intervals?.coverage[name]).toBeGreaterThan(0.5);
      const model = outcome.outOfFold.find((set) => set.modelName === name);
      expect(new Set(model?.tmdbIds).size).toBe(films.length);
      expect(model?.predicted).toHaveLength(films.length);
    }
    expect(metrics.intervals?.level).toBe(0.8);
    // The demo catalogue has no budgets, companies or keywords: the run says what it left out.
    expect(metrics.notes?.some((note) => note.includes('without budget'))).toBe(true);
    expect(metrics.notes?.some((note) => note.includes('production companies'))).toBe(true);
    const ratings = outcome.outOfFold.find((set) => set.modelName === 'rating_v2');
    expect(ratings?.predicted.every((value) => value >= 0 && value <= 10)).toBe(true);
  });
});

describe('pre-release features', () => {
  const withFacts = (film: TrainingFilm, i: number): TrainingFilm => ({
    ...film,
    budget: i % 3 === 0 ? 1_000_000 * (1 + (i % 7)) : null,
    companies: i % 2 === 0 ? [{ id: 7, name: 'Blumhouse' }] : [{ id: 100 + i, name: `Studio ${i}` }],
    countries: ['US'],
    keywords: i % 4 === 0 ? ['haunted house'] : [],
    inCollection: i % 10 === 0,
  });

  it('uses budget, frequent companies, countries, keywords and collections once enough films have them', () => {
    const { vocabulary, notes } = fitPreReleaseVocabulary(films.map(withFacts));
    expect(notes).toEqual([]);
    const names = preReleaseFeatureNames(vocabulary);
    expect(names).toEqual(
      expect.arrayContaining([
        'budget_known',
        'log_budget',
        'has_frequent_company',
        'company:7',
        'country:US',
        'in_collection',
        'keyword:haunted house',
      ]),
    );
    expect(names).not.toContain('vote_count');
    expect(names).not.toContain('company:101');
  });

  it('trains without budget below 50 films with a known budget, and says so', () => {
    const few = films.map(withFacts).map((film, i) => ({ ...film, budget: i < 49 ? 5_000_000 : null }));
    const { vocabulary, notes } = fitPreReleaseVocabulary(few);
    expect(vocabulary.useBudget).toBe(false);
    expect(preReleaseFeatureNames(vocabulary)).not.toContain('budget_known');
    expect(notes).toEqual([expect.stringContaining('49 films have a known budget')]);
  });
});

describe('contributions in words', () => {
  it('labels each feature with the film’s value', () => {
    expect(featureLabel('is_october', 1)).toBe('October release');
    expect(featureLabel('release_month', 10)).toBe('October release');
    expect(featureLabel('budget_known', 0)).toBe('Budget unknown');
    expect(featureLabel('log_budget', Math.log1p(3_000_000))).toBe('Budget $3.0 million');
    expect(featureLabel('company:7', 1, new Map([['company:7', 'Blumhouse']]))).toBe('Produced by Blumhouse');
    expect(featureLabel('keyword:slasher', 0)).toBe('No keyword “slasher”');
    expect(contributionInWords({ feature: 'is_october', label: 'October release', value: 1.84 })).toBe(
      'October release: +1.8',
    );
    expect(contributionInWords({ feature: 'budget_known', label: 'Budget known', value: -0.4 })).toBe(
      'Budget known: −0.4',
    );
  });

  it('lists the five strongest pushes, strongest first, leaving out features that did not matter', () => {
    const features = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const top = topContributions(features, [0, 0, 0, 0, 0, 0, 0], [0.1, -2, 0, 0.5, -0.3, 1, 0.2]);
    expect(top.map((entry) => entry.feature)).toEqual(['b', 'f', 'd', 'e', 'g']);
  });

  it('sums features that read the same: an October release is one push, not two', () => {
    const top = topContributions(['release_month', 'is_october', 'runtime'], [10, 1, 95], [0.3, 0.1, -0.2]);
    expect(top).toEqual([
      { feature: 'release_month', label: 'October release', value: 0.4 },
      { feature: 'runtime', label: 'Runtime 95 min', value: -0.2 },
    ]);
  });

  it('explains a stored model’s prediction by its strongest features; the interval holds it', async () => {
    const outcome = await computeTraining(films, settings);
    if (outcome.status !== 'succeeded') throw new Error('expected results');
    const stored = outcome.artifacts.find((artifact) => artifact.modelName === 'pre_release_popularity');
    const artifact = parseBoostedArtifact(JSON.parse(stored?.payload ?? '{}'));
    const question = resolvePreReleaseQuestion(
      {
        runtime: 95,
        releaseDate: '2015-10-30',
        genres: ['Thriller'],
        originalLanguage: 'en',
        sequel: false,
        companies: ['Nobody Films', 3],
        keywords: ['ghost'],
      },
      { companies: [], keywords: [] },
    );
    expect(question.notes).toEqual([
      'Unknown company “Nobody Films”: treated as an unknown company.',
      'Unknown company “3”: treated as an unknown company.',
      'Unknown keyword “ghost”: treated as unknown.',
    ]);
    expect(question.film.genres).toEqual(['Horror', 'Thriller']);
    const row = boostedFeatureRow(artifact, question.film);
    const answer = explainWithModel(artifact, row);
    expect(answer.contributions.length).toBeGreaterThan(0);
    expect(answer.contributions.map((entry) => entry.feature)).not.toContain('vote_count');
    expect(answer.lower).toBeLessThanOrEqual(answer.value);
    expect(answer.upper).toBeGreaterThanOrEqual(answer.value);
    expect(answer.contributions.length).toBeLessThanOrEqual(5);
    const twoFilms = createMatrix(2, row.length);
    row.forEach((value, j) => {
      twoFilms.data[j * 2 + 1] = value;
    });
    expect(nearestFilms(artifact, row, twoFilms, 1)).toEqual([{ index: 1, distance: 0 }]);
  });
});
