import { boostingContributions } from '../ml/contributions.js';
import { createMatrix, type Matrix } from '../ml/matrix.js';
import type { BoostedArtifact } from './boosted-artifact.js';
import { type Contribution, topContributions } from './explain.js';
import { horrorFeatureRow } from './features.js';
import { BOOSTED_SPECS, type BoostedModelName, clampToRange, intervalOf } from './models/boosted.js';
import { type PreReleaseFilm, preReleaseFeatureRow, preReleaseMatrix } from './pre-release.js';

/** A prediction with its 80% interval, clamped to the target's scale. */
export interface Forecast {
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
}

export interface ExplainedForecast extends Forecast {
  /** The five features that push this prediction most, on the target's scale. */
  readonly contributions: Contribution[];
}

/** The row a boosted model reads for a film: the analysis features, or the pre-release ones. */
export function boostedFeatureRow(artifact: BoostedArtifact, film: PreReleaseFilm): number[] {
  if (artifact.featureSet === 'horror') return horrorFeatureRow(film);
  if (!artifact.vocabulary) throw new Error(`stored model ${artifact.name} has no pre-release vocabulary`);
  return preReleaseFeatureRow(film, artifact.vocabulary);
}

/** Readable names of the one-hot company columns (their names hold ids). */
function columnNames(artifact: BoostedArtifact): Map<string, string> {
  return new Map(
    (artifact.vocabulary?.companies ?? []).map((company) => [`company:${company.id}`, company.name]),
  );
}

/**
 * One film through one stored boosted model: the prediction (the ensemble's base plus every
 * feature's contribution along the trees' paths), its interval and its strongest contributions.
 */
export function explainWithModel(artifact: BoostedArtifact, row: readonly number[]): ExplainedForecast {
  const spec = BOOSTED_SPECS[artifact.name as BoostedModelName];
  if (!spec) throw new Error(`no boosted model is called ${artifact.name}`);
  const x = createMatrix(1, row.length, Float64Array.from(row));
  const contributions = boostingContributions(artifact.model, x);
  const raw = contributions.values.reduce((sum, value) => sum + value, contributions.base);
  const value = clampToRange(raw, spec.range);
  return {
    value,
    ...intervalOf(spec, value, artifact.halfWidth),
    contributions: topContributions(artifact.features, row, contributions.values, columnNames(artifact)),
  };
}

/** Features a what-if may push outside what the models saw, with how to say it. */
const RANGE_CHECKS: ReadonlyArray<{ feature: string; words: (value: number) => string; unit: string }> = [
  { feature: 'runtime', words: (v) => `A runtime of ${v} minutes`, unit: ' min' },
  { feature: 'release_year', words: (v) => `A release in ${v}`, unit: '' },
  { feature: 'log_budget', words: (v) => `A budget of $${Math.round(Math.expm1(v))}`, unit: '' },
];

/** Notes for values outside the training films' range: the models extrapolate there. */
export function outOfRangeNotes(artifact: BoostedArtifact, row: readonly number[]): string[] {
  const notes: string[] = [];
  for (const check of RANGE_CHECKS) {
    const j = artifact.features.indexOf(check.feature);
    if (j < 0) continue;
    const [min, max] = artifact.ranges[j];
    const value = row[j];
    if (check.feature === 'log_budget' && value === 0) continue;
    if (value < min || value > max) {
      const shown = (v: number) =>
        check.feature === 'log_budget' ? `$${Math.round(Math.expm1(v))}` : `${v}${check.unit}`;
      notes.push(
        `${check.words(value)} is outside the films the models learnt from (${shown(min)} to ${shown(max)}): the forecast extrapolates.`,
      );
    }
  }
  return notes;
}

export interface SimilarFilm {
  readonly index: number;
  readonly distance: number;
}

/**
 * The `k` films nearest to a row in the model's feature space, each feature measured in its
 * training standard deviations, so a year counts as much as a runtime of comparable spread.
 */
export function nearestFilms(
  artifact: BoostedArtifact,
  row: readonly number[],
  films: Matrix,
  k: number,
): SimilarFilm[] {
  const distances: SimilarFilm[] = [];
  for (let i = 0; i < films.rows; i++) {
    let sum = 0;
    for (let j = 0; j < films.cols; j++) {
      const difference = (films.data[j * films.rows + i] - row[j]) / artifact.spreads[j];
      sum += difference * difference;
    }
    distances.push({ index: i, distance: Math.sqrt(sum) });
  }
  return distances.sort((a, b) => a.distance - b.distance || a.index - b.index).slice(0, k);
}

/** The pre-release matrix of stored films as a run's pre-release model reads them. */
export function preReleaseMatrixFor(artifact: BoostedArtifact, films: readonly PreReleaseFilm[]): Matrix {
  if (!artifact.vocabulary) throw new Error(`stored model ${artifact.name} has no pre-release vocabulary`);
  return preReleaseMatrix(films, artifact.vocabulary);
}
