import type {
  ClassificationScore,
  CrossValidated,
  ModelScores,
  RegressionScore,
} from '../schemas/metrics.js';

/**
 * Reads the metrics document a training run stores (train_runs.metrics) into the figures the API
 * promises. The document belongs to the training code; this is the one place that knows its layout.
 */
type Document = Record<string, unknown>;

export function parseMetrics(json: string | null): Document | null {
  if (!json) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(document: unknown, path: readonly string[]): unknown {
  let node = document;
  for (const key of path) {
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

function numberAt(document: unknown, path: readonly string[]): number | null {
  const value = at(document, path);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function crossValidatedAt(document: unknown, path: readonly string[]): CrossValidated | null {
  const mean = numberAt(document, [...path, 'mean']);
  const std = numberAt(document, [...path, 'std']);
  return mean === null || std === null ? null : { mean, std };
}

function regression(document: Document, model: string[], cvPrefix: string): RegressionScore | null {
  const score = {
    mae: numberAt(document, [...model, 'mae']),
    r2: numberAt(document, [...model, 'r2']),
    cv_mae: crossValidatedAt(document, ['cv5', `${cvPrefix}_mae`]),
    cv_r2: crossValidatedAt(document, ['cv5', `${cvPrefix}_r2`]),
  };
  return Object.values(score).every((v) => v === null) ? null : score;
}

function classification(document: Document): ClassificationScore | null {
  const score = {
    accuracy: numberAt(document, ['rf_classification', 'accuracy']),
    auc: numberAt(document, ['rf_classification', 'auc']),
    cv_accuracy: crossValidatedAt(document, ['cv5', 'rf_classification_accuracy']),
    cv_auc: crossValidatedAt(document, ['cv5', 'rf_classification_auc']),
  };
  return Object.values(score).every((v) => v === null) ? null : score;
}

/** The explained-variance ratio of each principal component the run kept (pc1, pc2), or []. */
export function explainedVarianceOf(document: Document | null): number[] {
  const ratios = at(document, ['clustering', 'pca_explained']);
  return Array.isArray(ratios) && ratios.every((r) => typeof r === 'number' && Number.isFinite(r))
    ? ratios
    : [];
}

export function scoresOf(document: Document | null): ModelScores {
  if (!document) {
    return {
      linear_popularity: null,
      linear_vote_average: null,
      rf_regression: null,
      rf_classification: null,
      clusters: null,
    };
  }
  const k = numberAt(document, ['clustering', 'k']);
  return {
    linear_popularity: regression(document, ['linear', 'popularity'], 'linear_popularity'),
    linear_vote_average: regression(document, ['linear', 'vote_average'], 'linear_vote_average'),
    rf_regression: regression(document, ['rf_regression'], 'rf_regression'),
    rf_classification: classification(document),
    clusters: k === null ? null : Math.round(k),
  };
}
