import { expectModel, modelFromJson } from '../ml/artifact.js';
import type { ForestModel } from '../ml/forest.js';
import { classProbability, predictRandomForest, predictRandomForestProba } from '../ml/forest.js';
import { type KMeansModel, predictKMeans } from '../ml/kmeans.js';
import { type LinearModel, predictLinearRegression } from '../ml/linear.js';
import { createMatrix, type Matrix } from '../ml/matrix.js';
import { type PcaModel, transformPca } from '../ml/pca.js';
import { type StandardScalerModel, transformStandardScalerRow } from '../ml/scaler.js';
import type { TrainingRunsStore } from '../persistence/index.js';
import { type FilmAttributes, horrorFeatureRow, linearFeatureRow } from './features.js';
import { PIPELINE_FORMAT, PIPELINE_FORMAT_VERSION, type PipelineArtifact } from './pipeline.js';

/** One stored model, read back: its features, the scaler of its training part and the model. */
export interface LoadedPipeline<M> {
  readonly name: string;
  readonly featureSet: 'linear' | 'horror';
  readonly scaler: StandardScalerModel;
  readonly model: M;
}

/** Every model of one training run, ready to predict films that were never trained on. */
export interface TrainedModels {
  readonly runId: number;
  readonly linearPopularity: LoadedPipeline<LinearModel>;
  readonly linearVoteAverage: LoadedPipeline<LinearModel>;
  readonly rfRegression: LoadedPipeline<ForestModel>;
  readonly rfClassification: LoadedPipeline<ForestModel> & { readonly threshold: number };
  readonly kmeans: LoadedPipeline<KMeansModel> & { readonly pca: PcaModel };
}

export interface WhatIfPrediction {
  readonly runId: number;
  /** Random-forest popularity. */
  readonly popularity: number;
  readonly linearPopularity: number;
  readonly linearVoteAverage: number;
  /** Probability that the film's vote average lands above the training median. */
  readonly highRatingProbability: number;
  readonly highRatingThreshold: number;
  readonly cluster: number;
  readonly pc1: number;
  readonly pc2: number;
}

function parseArtifact(payload: string): PipelineArtifact {
  const document = JSON.parse(payload) as Partial<PipelineArtifact>;
  if (document.format !== PIPELINE_FORMAT) throw new Error('not a horrorcast pipeline artifact');
  if (document.version !== PIPELINE_FORMAT_VERSION) {
    throw new Error(`pipeline artifact version ${document.version} is not supported`);
  }
  return document as PipelineArtifact;
}

function loadPipeline<K extends 'linear-regression' | 'random-forest' | 'k-means'>(
  document: PipelineArtifact,
  kind: K,
) {
  return {
    name: document.name,
    featureSet: document.featureSet,
    scaler: expectModel(modelFromJson(document.scaler), 'standard-scaler'),
    model: expectModel(modelFromJson(document.model), kind),
  };
}

/** Reads the stored models of a run from their artifact payloads (model_artifacts rows). */
export function modelsFromArtifacts(
  runId: number,
  rows: ReadonlyArray<{ model_name: string; payload: string }>,
): TrainedModels {
  const documents = new Map(rows.map((row) => [row.model_name, parseArtifact(row.payload)]));
  const get = (name: string) => {
    const document = documents.get(name);
    if (!document) throw new Error(`training run ${runId} has no stored ${name} model`);
    return document;
  };
  const classification = get('rf_classification');
  const clustering = get('kmeans');
  if (!clustering.pca) throw new Error(`training run ${runId} stored k-means without its PCA`);
  return {
    runId,
    linearPopularity: loadPipeline(get('linear_popularity'), 'linear-regression'),
    linearVoteAverage: loadPipeline(get('linear_vote_average'), 'linear-regression'),
    rfRegression: loadPipeline(get('rf_regression'), 'random-forest'),
    rfClassification: {
      ...loadPipeline(classification, 'random-forest'),
      threshold: classification.threshold ?? 0,
    },
    kmeans: {
      ...loadPipeline(clustering, 'k-means'),
      pca: expectModel(modelFromJson(clustering.pca), 'pca'),
    },
  };
}

/** The models of the given run, or of the newest successful run; undefined when there is none. */
export async function loadTrainedModels(
  runs: Pick<TrainingRunsStore, 'latestSucceeded' | 'artifacts'>,
  runId?: number,
): Promise<TrainedModels | undefined> {
  const id = runId ?? (await runs.latestSucceeded())?.id;
  if (id === undefined) return undefined;
  const rows = await runs.artifacts(id);
  if (rows.length === 0) return undefined;
  return modelsFromArtifacts(id, rows);
}

/** Every collected film is a horror film, so the models learnt their genre counts with it. */
const HORROR = 'Horror';

/** A film asked about: its release date, or its release year and month. */
export interface WhatIfFilm extends Omit<FilmAttributes, 'releaseDate'> {
  readonly releaseDate?: string;
  readonly releaseYear?: number;
  readonly releaseMonth?: number;
}

/** The film as the models see it: a year and month become the first of that month, and it is a horror film. */
export type ResolvedWhatIfFilm = FilmAttributes & { readonly releaseDate: string };

export function resolveWhatIfFilm(film: WhatIfFilm): ResolvedWhatIfFilm {
  const { releaseYear, releaseMonth, releaseDate, ...attributes } = film;
  if (releaseDate === undefined && (releaseYear === undefined || releaseMonth === undefined)) {
    throw new Error('a what-if film needs a release date, or a release year and month');
  }
  return {
    ...attributes,
    releaseDate: releaseDate ?? `${releaseYear}-${String(releaseMonth).padStart(2, '0')}-01`,
    genres: film.genres.includes(HORROR) ? film.genres : [HORROR, ...film.genres],
  };
}

function scaledRow(pipeline: LoadedPipeline<unknown>, film: FilmAttributes): Matrix {
  const raw = pipeline.featureSet === 'linear' ? linearFeatureRow(film) : horrorFeatureRow(film);
  const scaled = transformStandardScalerRow(pipeline.scaler, raw);
  return createMatrix(1, scaled.length, Float64Array.from(scaled));
}

/** Predicts a film that need not exist yet (what-if) with a run's stored models. */
export function predictWhatIf(models: TrainedModels, film: FilmAttributes): WhatIfPrediction {
  const classifier = models.rfClassification;
  const proba = predictRandomForestProba(classifier.model, scaledRow(classifier, film));
  const clusterRow = scaledRow(models.kmeans, film);
  const projected = transformPca(models.kmeans.pca, clusterRow);
  return {
    runId: models.runId,
    popularity: predictRandomForest(models.rfRegression.model, scaledRow(models.rfRegression, film))[0],
    linearPopularity: predictLinearRegression(
      models.linearPopularity.model,
      scaledRow(models.linearPopularity, film),
    )[0],
    linearVoteAverage: predictLinearRegression(
      models.linearVoteAverage.model,
      scaledRow(models.linearVoteAverage, film),
    )[0],
    highRatingProbability: classProbability(classifier.model, proba)[0],
    highRatingThreshold: classifier.threshold,
    cluster: predictKMeans(models.kmeans.model, clusterRow)[0],
    pc1: projected.data[0],
    pc2: projected.cols > 1 ? projected.data[1] : 0,
  };
}
