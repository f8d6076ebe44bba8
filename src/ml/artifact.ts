import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { ForestModel, ForestTrees } from './forest.js';
import type { KMeansModel } from './kmeans.js';
import type { LinearModel } from './linear.js';
import type { PcaModel } from './pca.js';
import type { StandardScalerModel } from './scaler.js';

/**
 * Fitted models as versioned JSON text, for a database text column. Plain models are stored as they
 * are; a forest's typed arrays are stored as little-endian bytes, deflated and base64-encoded,
 * which keeps a 100-tree forest in the hundreds of kilobytes instead of megabytes of JSON numbers.
 */
export const MODEL_FORMAT = 'horrorcast-model';
export const MODEL_FORMAT_VERSION = 1;

export type Model = StandardScalerModel | LinearModel | ForestModel | KMeansModel | PcaModel;

type EncodedForest = Omit<ForestModel, 'trees'> & {
  readonly trees: {
    readonly trees: number;
    readonly outputs: number;
    readonly arrays: Record<ArrayName, string>;
  };
};

export interface Envelope {
  readonly format: typeof MODEL_FORMAT;
  readonly version: number;
  readonly model: Exclude<Model, ForestModel> | EncodedForest;
}

const ARRAY_TYPES = {
  nodeOffsets: Int32Array,
  leafOffsets: Int32Array,
  feature: Int32Array,
  threshold: Float64Array,
  child: Int32Array,
  leafValues: Float64Array,
} as const;
type ArrayName = keyof typeof ARRAY_TYPES;
const ARRAY_NAMES = Object.keys(ARRAY_TYPES) as ArrayName[];

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function encodeArray(array: Int32Array | Float64Array): string {
  if (!littleEndian) throw new Error('model artifacts are written on little-endian machines only');
  return deflateRawSync(Buffer.from(array.buffer, array.byteOffset, array.byteLength)).toString('base64');
}

function decodeArray(
  text: string,
  Type: Int32ArrayConstructor | Float64ArrayConstructor,
): Int32Array | Float64Array {
  const bytes = inflateRawSync(Buffer.from(text, 'base64'));
  if (bytes.byteLength % Type.BYTES_PER_ELEMENT !== 0) throw new Error('model artifact array is truncated');
  // Copy into a buffer of its own: the inflated bytes may sit at an unaligned offset of a shared pool.
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return new Type(copy);
}

/** The model as a JSON-ready object (what serializeModel stringifies), for embedding in a larger document. */
export function modelToJson(model: Model): Envelope {
  return {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    model:
      model.kind === 'random-forest'
        ? {
            ...model,
            trees: {
              trees: model.trees.trees,
              outputs: model.trees.outputs,
              arrays: Object.fromEntries(
                ARRAY_NAMES.map((name) => [name, encodeArray(model.trees[name])]),
              ) as Record<ArrayName, string>,
            },
          }
        : model,
  };
}

/** Reads what modelToJson wrote; throws on another format or a newer version. */
export function modelFromJson(json: unknown): Model {
  const envelope = (json ?? {}) as Partial<Envelope>;
  if (envelope.format !== MODEL_FORMAT || !envelope.model) throw new Error('not a horrorcast model artifact');
  if (envelope.version !== MODEL_FORMAT_VERSION) {
    throw new Error(
      `model artifact version ${envelope.version} is not supported (expected ${MODEL_FORMAT_VERSION})`,
    );
  }
  const model = envelope.model;
  if (model.kind !== 'random-forest') return model;
  const arrays = model.trees.arrays;
  const decoded = Object.fromEntries(
    ARRAY_NAMES.map((name) => [name, decodeArray(arrays[name], ARRAY_TYPES[name])]),
  ) as unknown as Omit<ForestTrees, 'trees' | 'outputs'>;
  const trees: ForestTrees = { trees: model.trees.trees, outputs: model.trees.outputs, ...decoded };
  if (
    trees.nodeOffsets.length !== trees.trees + 1 ||
    trees.nodeOffsets[trees.trees] !== trees.feature.length
  ) {
    throw new Error('model artifact forest is inconsistent');
  }
  return { ...model, trees };
}

/** Narrows a deserialised model to the kind the caller expects. */
export function expectModel<K extends Model['kind']>(model: Model, kind: K): Extract<Model, { kind: K }> {
  if (model.kind !== kind) throw new Error(`expected a ${kind} model, found ${model.kind}`);
  return model as Extract<Model, { kind: K }>;
}
