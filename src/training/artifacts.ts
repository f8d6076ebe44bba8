import type { Envelope } from '../ml/artifact.js';
import type { ModelArtifact } from './types.js';

export const PIPELINE_FORMAT = 'horrorcast-pipeline';
export const PIPELINE_FORMAT_VERSION = 1;

/**
 * A stored model with everything needed to predict a new film: which features, the scaler fitted
 * on the training part, the model, and for clustering the PCA projection.
 */
export interface PipelineArtifact {
  readonly format: typeof PIPELINE_FORMAT;
  readonly version: number;
  readonly name: string;
  readonly featureSet: 'linear' | 'horror';
  readonly features: readonly string[];
  readonly scaler: Envelope;
  readonly model: Envelope;
  readonly pca?: Envelope;
  /** Classifier only: the vote_average above which a film counts as "high rating". */
  readonly threshold?: number;
}

export function pipelineArtifact(fields: Omit<PipelineArtifact, 'format' | 'version'>): ModelArtifact {
  const document: PipelineArtifact = { format: PIPELINE_FORMAT, version: PIPELINE_FORMAT_VERSION, ...fields };
  return {
    modelName: fields.name,
    formatVersion: PIPELINE_FORMAT_VERSION,
    payload: JSON.stringify(document),
  };
}
