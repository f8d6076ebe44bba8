import { expectModel, modelFromJson } from '../ml/artifact.js';
import type { ForestModel } from '../ml/forest.js';
import { classProbability, predictRandomForest, predictRandomForestProba } from '../ml/forest.js';
import { type KMeansModel, predictKMeans } from '../ml/kmeans.js';
import { type LinearModel, predictLinearRegression } from '../ml/linear.js';
import { createMatrix, type Matrix } from '../ml/matrix.js';
import { type PcaModel, transformPca } from '../ml/pca.js';
import { type StandardScalerModel, transformStandardScalerRow } from '../ml/scaler.js';
import type { TrainingRunsStore } from '../persistence/index.js';
import { BOOSTED_FORMAT, type BoostedArtifact, parseBoostedArtifact } from './boosted-artifact.js';
import { type FilmAttributes, horrorFeatureRow, linearFeatureRow } from './features.js';
import { boostedFeatureRow, type ExplainedForecast, explainWithModel, outOfRangeNotes } from './forecast.js';
import type { BoostedModelName } from './models/boosted.js';
import { PIPELINE_FORMAT, PIPELINE_FORMAT_VERSION, type PipelineArtifact } from './pipeline.js';
import type { CompanyRef, PreReleaseFilm } from './pre-release.js';

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
  /** The gradient-boosted models; runs from before them have none. */
  readonly boosted: Partial<Record<BoostedModelName, BoostedArtifact>>;
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

function parseArtifact(json: unknown): PipelineArtifact {
  const document = json as Partial<PipelineArtifact>;
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
  const boosted: Partial<Record<BoostedModelName, BoostedArtifact>> = {};
  const documents = new Map<string, PipelineArtifact>();
  for (const row of rows) {
    const json: unknown = JSON.parse(row.payload);
    if ((json as { format?: unknown }).format === BOOSTED_FORMAT) {
      boosted[row.model_name as BoostedModelName] = parseBoostedArtifact(json);
    } else {
      documents.set(row.model_name, parseArtifact(json));
    }
  }
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
    boosted,
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

/** A pre-release what-if as asked: companies by id or name, keywords by name, as the user typed them. */
export interface PreReleaseQuestion {
  readonly runtime: number;
  /** YYYY-MM-DD, or a year and month (the first of that month). */
  readonly releaseDate?: string;
  readonly releaseYear?: number;
  readonly releaseMonth?: number;
  readonly genres: readonly string[];
  readonly originalLanguage: string;
  readonly budget?: number;
  readonly sequel: boolean;
  readonly companies?: ReadonlyArray<string | number>;
  readonly keywords?: readonly string[];
  /** Only the baseline models read votes; without it they get the training films' median. */
  readonly voteCount?: number;
}

/** What the database knows of the companies and keywords a question names. */
export interface KnownFacts {
  readonly companies: readonly CompanyRef[];
  /** Known keyword names, lower case. */
  readonly keywords: readonly string[];
}

/** The question as the models read it, with notes on what it named that the database does not know. */
export interface ResolvedPreReleaseQuestion {
  readonly film: PreReleaseFilm & { readonly releaseDate: string };
  readonly voteCount: number | undefined;
  readonly notes: string[];
}

/**
 * Normalises a pre-release question: "Horror" among the genres, companies matched to the known
 * ones by id or name (any case), keywords by name; anything unknown is left out and said so.
 */
export function resolvePreReleaseQuestion(
  question: PreReleaseQuestion,
  known: KnownFacts,
): ResolvedPreReleaseQuestion {
  const notes: string[] = [];
  const companies: CompanyRef[] = [];
  for (const asked of question.companies ?? []) {
    const match = known.companies.find((company) =>
      typeof asked === 'number'
        ? company.id === asked
        : company.name.toLowerCase() === asked.trim().toLowerCase(),
    );
    if (match) {
      if (!companies.some((company) => company.id === match.id)) companies.push(match);
    } else {
      notes.push(`Unknown company “${asked}”: treated as an unknown company.`);
    }
  }
  const keywords: string[] = [];
  for (const asked of question.keywords ?? []) {
    const name = asked.trim().toLowerCase();
    if (known.keywords.includes(name)) {
      if (!keywords.includes(name)) keywords.push(name);
    } else {
      notes.push(`Unknown keyword “${asked}”: treated as unknown.`);
    }
  }
  const film = resolveWhatIfFilm({
    runtime: question.runtime,
    voteCount: undefined,
    releaseDate: question.releaseDate,
    releaseYear: question.releaseYear,
    releaseMonth: question.releaseMonth,
    genres: question.genres,
    originalLanguage: question.originalLanguage,
  });
  return {
    film: {
      ...film,
      budget: question.budget ?? null,
      inCollection: question.sequel,
      companies,
      keywords,
      countries: [],
    },
    voteCount: question.voteCount,
    notes,
  };
}

export interface PreReleaseAnswer {
  readonly runId: number;
  readonly popularity: ExplainedForecast;
  readonly rating: ExplainedForecast;
  readonly highRatingProbability: number;
  readonly cluster: number;
  /** The pre-release feature row, for finding similar films. */
  readonly row: number[];
  readonly notes: string[];
  /** The baseline models, with the vote count given or the training median. */
  readonly baseline: WhatIfPrediction;
  readonly voteCount: number;
}

/**
 * The pre-release forecast of a resolved question: popularity and rating with their intervals
 * and contributions, and the baseline classifier and clusters. Undefined when the run stored no
 * pre-release models (it predates them).
 */
export function forecastPreRelease(
  models: TrainedModels,
  question: ResolvedPreReleaseQuestion,
): PreReleaseAnswer | undefined {
  const popularityModel = models.boosted.pre_release_popularity;
  const ratingModel = models.boosted.pre_release_rating;
  if (!popularityModel || !ratingModel) return undefined;
  const row = boostedFeatureRow(popularityModel, question.film);
  const notes = [...question.notes, ...outOfRangeNotes(popularityModel, row)];
  const voteCount = question.voteCount ?? popularityModel.medianVoteCount;
  if (question.voteCount === undefined) {
    notes.push(
      `The classifier and the clusters read votes: they were given ${voteCount}, the median of the films trained on.`,
    );
  }
  const baseline = predictWhatIf(models, { ...question.film, voteCount });
  return {
    runId: models.runId,
    popularity: explainWithModel(popularityModel, row),
    rating: explainWithModel(ratingModel, boostedFeatureRow(ratingModel, question.film)),
    highRatingProbability: baseline.highRatingProbability,
    cluster: baseline.cluster,
    row,
    notes,
    baseline,
    voteCount,
  };
}
