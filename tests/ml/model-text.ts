import { type Model, modelFromJson, modelToJson } from '../../src/ml/artifact.js';

/** A model as the training run stores it, and back: what a test of determinism compares. */
export const serializeModel = (model: Model): string => JSON.stringify(modelToJson(model));
export const deserializeModel = (text: string): Model => modelFromJson(JSON.parse(text));
