// Node-only, no tfjs: checks a saved model.json (untrusted: any file on disk) before its weights are used.

import type * as tf from '@tensorflow/tfjs';

/** What Stride records beside the tfjs artifacts, so `predict` can name classes and check inputs. */
export interface StrideMetadata {
  readonly model: string;
  readonly inputShape: readonly (number | null)[];
  readonly classes: readonly string[];
  readonly dataset?: string;
  readonly epochs?: number;
  readonly seed?: number;
  /** The per-channel statistics the run normalised its inputs with (`normalize:`); predict applies them too. */
  readonly normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

export interface ModelJson {
  readonly weightsManifest: { readonly weights: tf.io.WeightsManifestEntry[] }[];
  readonly userDefinedMetadata?: { stride?: StrideMetadata };
}

/** The largest weights.bin Stride reads: one Node buffer (2 GiB − 1). */
export const MAX_WEIGHTS_BYTES = 2 ** 31 - 1;
/** model.json is topology and names: far below this even for large models. */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDim = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Returns the checked manifest, or throws a message naming the file and what is wrong (never a TypeError). */
export function checkModelJson(json: unknown, file: string): ModelJson {
  const bad = (why: string) => new Error(`'${file}' is damaged: ${why}. Train the model again to replace it.`);
  if (!isObject(json)) throw bad('it is not a JSON object');
  const groups = json.weightsManifest;
  if (!Array.isArray(groups) || groups.length === 0) throw bad('it has no weightsManifest list');
  groups.forEach((g, i) => {
    if (!isObject(g) || !Array.isArray(g.weights)) throw bad(`weightsManifest entry ${i} has no weights list`);
    g.weights.forEach((w, k) => checkEntry(w, `weight ${k} of manifest entry ${i}`, bad));
  });
  const meta = isObject(json.userDefinedMetadata) ? json.userDefinedMetadata.stride : undefined;
  if (meta !== undefined) checkMetadata(meta, bad);
  return json as unknown as ModelJson;
}

function checkEntry(w: unknown, what: string, bad: (why: string) => Error): void {
  if (!isObject(w) || typeof w.name !== 'string') throw bad(`${what} has no name`);
  if (!Array.isArray(w.shape) || !w.shape.every(isDim)) throw bad(`${what} ('${w.name}') has no valid shape`);
  if (w.dtype !== 'float32') throw bad(`${what} ('${w.name}') has dtype ${JSON.stringify(w.dtype)}; Stride saves float32 only`);
  if (w.quantization !== undefined) throw bad(`${what} ('${w.name}') is quantized; Stride does not read quantized weights`);
}

function checkMetadata(meta: unknown, bad: (why: string) => Error): void {
  if (!isObject(meta)) throw bad('its Stride metadata is not an object');
  if (meta.classes !== undefined && (!Array.isArray(meta.classes) || !meta.classes.every((c) => typeof c === 'string'))) {
    throw bad('its class names are not a list of strings');
  }
  if (meta.inputShape !== undefined && (!Array.isArray(meta.inputShape) || !meta.inputShape.every((d) => d === null || isDim(d)))) {
    throw bad('its input shape is not a list of sizes');
  }
  if (meta.model !== undefined && typeof meta.model !== 'string') throw bad('its model name is not a string');
  if (meta.normalization !== undefined) checkNormalization(meta.normalization, bad);
}

function checkNormalization(n: unknown, bad: (why: string) => Error): void {
  const values = (v: unknown, positive: boolean) =>
    Array.isArray(v) && v.length > 0 && v.length <= 64 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
  if (!isObject(n) || !values(n.mean, false) || !values(n.std, true) || (n.mean as unknown[]).length !== (n.std as unknown[]).length)
    throw bad('its normalisation is not a mean and a positive std per channel');
}

/** Bytes the manifest's float32 weights occupy; BigInt so a hostile shape cannot overflow into a match. */
export function manifestBytes(json: ModelJson): bigint {
  let total = 0n;
  for (const g of json.weightsManifest) {
    for (const w of g.weights) total += w.shape.reduce((a, d) => a * BigInt(d), 4n);
  }
  return total;
}
