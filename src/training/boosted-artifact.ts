import { z } from 'zod';
import type { BoostingModel } from '../ml/boosting.js';
import type { Matrix } from '../ml/matrix.js';
import type { PreReleaseVocabulary } from './pre-release.js';
import type { ModelArtifact } from './types.js';

export const BOOSTED_FORMAT = 'horrorcast-boosted';
export const BOOSTED_FORMAT_VERSION = 1;

const companyRef = z.object({ id: z.number().int(), name: z.string() });

const vocabularySchema = z.object({
  useBudget: z.boolean(),
  companies: z.array(companyRef),
  countries: z.array(z.string()),
  keywords: z.array(z.string()),
  useCollection: z.boolean(),
});

const treeSchema = z.object({
  feature: z.array(z.number().int()),
  threshold: z.array(z.number()),
  right: z.array(z.number().int()),
  value: z.array(z.number()),
});

/** The boosted ensemble as stored: the kernel's plain-JSON model. */
const boostingModelSchema = z.looseObject({
  kind: z.literal('gradient-boosting'),
  features: z.number().int(),
  baseline: z.number(),
  trees: z.array(treeSchema),
});

/**
 * A stored boosted model with what a prediction needs beside the trees: which features in which
 * order (and, for pre-release models, the vocabularies of frequent companies, countries and
 * keywords), each feature's training range and spread, and the conformal half-width of its
 * intervals on the model's scale.
 */
export const boostedArtifactSchema = z.object({
  format: z.literal(BOOSTED_FORMAT),
  version: z.literal(BOOSTED_FORMAT_VERSION),
  name: z.string(),
  featureSet: z.enum(['horror', 'pre_release']),
  features: z.array(z.string()),
  vocabulary: vocabularySchema.optional(),
  /** Per feature, the smallest and largest training value. */
  ranges: z.array(z.tuple([z.number(), z.number()])),
  /** Per feature, the training standard deviation (1 for a constant feature): distances for similar films. */
  spreads: z.array(z.number()),
  /** The training films' median vote count, for the baseline models when a what-if gives none. */
  medianVoteCount: z.number(),
  halfWidth: z.number(),
  model: boostingModelSchema,
});

export type BoostedArtifact = Omit<z.infer<typeof boostedArtifactSchema>, 'model' | 'vocabulary'> & {
  readonly vocabulary?: PreReleaseVocabulary;
  readonly model: BoostingModel;
};

/** What the caller knows of a model's inputs; the model itself and its calibration come from fitting. */
export type BoostedArtifactFields = Omit<
  BoostedArtifact,
  'format' | 'version' | 'name' | 'halfWidth' | 'model'
>;

export function boostedArtifact(fields: Omit<BoostedArtifact, 'format' | 'version'>): ModelArtifact {
  const document: BoostedArtifact = { format: BOOSTED_FORMAT, version: BOOSTED_FORMAT_VERSION, ...fields };
  return { modelName: fields.name, formatVersion: BOOSTED_FORMAT_VERSION, payload: JSON.stringify(document) };
}

/** A stored payload (parsed JSON) read back; throws when it is not a boosted model this version reads. */
export function parseBoostedArtifact(json: unknown): BoostedArtifact {
  const document = boostedArtifactSchema.parse(json);
  // The schema checks the parts a prediction reads; the settings ride along as the kernel wrote them.
  return document as unknown as BoostedArtifact;
}

/** Per column: [min, max] and the standard deviation (1 where a column is constant). */
export function columnStatistics(x: Matrix): { ranges: Array<[number, number]>; spreads: number[] } {
  const ranges: Array<[number, number]> = [];
  const spreads: number[] = [];
  for (let j = 0; j < x.cols; j++) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < x.rows; i++) {
      const value = x.data[j * x.rows + i];
      min = Math.min(min, value);
      max = Math.max(max, value);
      sum += value;
      squares += value * value;
    }
    const mean = x.rows > 0 ? sum / x.rows : 0;
    const std = x.rows > 0 ? Math.sqrt(Math.max(squares / x.rows - mean * mean, 0)) : 0;
    ranges.push(x.rows > 0 ? [min, max] : [0, 0]);
    spreads.push(std > 1e-12 ? std : 1);
  }
  return { ranges, spreads };
}
