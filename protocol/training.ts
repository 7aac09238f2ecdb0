// Messages between the extension host and the training webview, and their validators (built from protocol/validate.ts).

import { checkRunResults, type RunResults } from './run-results';
import { checkTrainingModelValue, type TrainingModel } from './training-model';
import { bool, bytes, fail, finiteOrNull, guard, int, obj, oneOf, str, unknownType } from './validate';
import {
  checkCheckpoint,
  checkEpochRecord,
  checkHistory,
  checkMetadata,
  checkWeights,
  names,
  type CheckpointPayload,
  type EpochRecord,
  type SavedMetadata,
  type WeightsPayload,
} from './training-payloads';

import type { Checked } from './validate';

export type { Checked };

/** One batch of a background run (Stride: Train in Background), as the panel's charts and the progress notification show it. */
export interface BackgroundBatch {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  /** Null when the loss was not a finite number (the run then stops as diverged). */
  readonly loss: number | null;
  readonly accuracy: number | null;
  readonly samplesPerSecond: number;
  /** Null while the speed is not known yet. */
  readonly etaSeconds: number | null;
  /** The learning rate of this batch's update; null when unknown (a run followed through its metrics log). */
  readonly lr: number | null;
}

export type BackgroundEnd = 'completed' | 'stopped' | 'diverged' | 'error';

/** stride.training.backend: the page's tfjs backend (auto: webgpu, then webgl, then cpu). */
export const BACKEND_CHOICES = ['auto', 'webgpu', 'webgl', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Data sets only the extension host can load (files, downloads); `shapes` is drawn in the page. */
export type HostDataSpec = { readonly kind: 'folder'; readonly path: string } | { readonly kind: 'mnist' | 'fashion_mnist' | 'cifar10' };

export interface DatasetHeader {
  readonly name: string;
  readonly shape: readonly [number, number, number];
  readonly classes: readonly string[];
  readonly trainCount: number;
  readonly testCount: number;
}

/** Host → webview. */
export type ToWebview =
  | {
      readonly type: 'init';
      readonly uri: string;
      readonly model: string;
      /** The model lowered by the language server from the analysis the diagnostics came from: the page parses nothing. */
      readonly training: TrainingModel;
      /** Weights saved by an earlier run, offered for loading. */
      readonly saved: WeightsPayload | null;
      /** A checkpoint of an interrupted run, offered for resuming. */
      readonly checkpoint: CheckpointPayload | null;
      readonly autoStart: boolean;
      /** The section's `init:` weights, read by the host (the page reads no files): a new run starts from them. */
      readonly startFrom?: { readonly path: string; readonly weights: WeightsPayload };
      /** stride.training.backend; absent keeps the page's current backend. */
      readonly backend?: BackendChoice;
    }
  | { readonly type: 'showActivations'; readonly layer: string | null }
  | { readonly type: 'dataStart'; readonly header: DatasetHeader }
  | { readonly type: 'dataChunk'; readonly split: 'train' | 'test'; readonly offset: number; readonly images: Uint8Array; readonly labels: Uint8Array }
  | { readonly type: 'dataEnd' }
  | { readonly type: 'dataError'; readonly message: string }
  | { readonly type: 'image'; readonly name: string; readonly shape: readonly [number, number, number]; readonly pixels: Uint8Array }
  | { readonly type: 'saved'; readonly path: string }
  /** Asks the page to request an image for the model's input size (Run Model on Image). */
  | { readonly type: 'askImage' }
  | { readonly type: 'error'; readonly message: string }
  /** A background run of this model started, or is under way: the batches and epochs so far come with it. */
  | {
      readonly type: 'backgroundStart';
      readonly backend: string;
      readonly batches: readonly BackgroundBatch[];
      readonly history: readonly EpochRecord[];
      /** Paused from a panel (this one, before it was reopened, or another). */
      readonly paused: boolean;
      /** False for a run that cannot pause (a `stride train` process): the page disables Pause. Absent means true. */
      readonly canPause?: boolean;
    }
  /** The background run was paused or resumed. */
  | { readonly type: 'backgroundPaused'; readonly paused: boolean }
  | { readonly type: 'backgroundBatch'; readonly progress: BackgroundBatch }
  | { readonly type: 'backgroundEpoch'; readonly record: EpochRecord }
  | { readonly type: 'backgroundEnd'; readonly status: BackgroundEnd; readonly message: string }
  /** A completed background run's per-class results (sent before its end). */
  | { readonly type: 'backgroundResults'; readonly results: RunResults };

/** Webview → host. */
export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'requestData'; readonly model: string; readonly spec: HostDataSpec; readonly inputShape: readonly [number, number, number] }
  | { readonly type: 'checkpoint'; readonly checkpoint: CheckpointPayload }
  | { readonly type: 'saveWeights'; readonly model: string; readonly topology: string; readonly weights: WeightsPayload; readonly metadata: SavedMetadata }
  | { readonly type: 'pickImage'; readonly shape: readonly [number, number, number] }
  | { readonly type: 'notify'; readonly level: 'info' | 'warning' | 'error'; readonly message: string }
  | { readonly type: 'prediction'; readonly name: string; readonly top: readonly { readonly label: string; readonly probability: number }[] }
  /** The page began training (the host then refuses a background run of the same model until `runEnded`). */
  | { readonly type: 'runStarted' }
  | { readonly type: 'runEnded'; readonly reason: 'finished' | 'stopped' | 'nan' | 'error'; readonly epoch: number; readonly loss: number | null }
  /** The Stop, Pause and Resume buttons during a background run: the host passes them to the worker. */
  | { readonly type: 'stopBackground' }
  | { readonly type: 'pauseBackground' }
  | { readonly type: 'resumeBackground' }
  /** Train with PyTorch (torchrun)… for the panel's model: the host runs the command, whose run the panel then follows. */
  | { readonly type: 'trainWithTorch' };

function imageShape(v: unknown, k: string): readonly [number, number, number] {
  if (!Array.isArray(v) || v.length !== 3) return fail(`'${k}' must be [height, width, channels]`);
  const [h, w, c] = v as unknown[];
  const dim = (d: unknown) => typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= 4096;
  if (!dim(h) || !dim(w) || !(c === 1 || c === 3)) return fail(`'${k}' must hold positive sizes and 1 or 3 channels`);
  return [h as number, w as number, c as number];
}

function nonNegativeOrNull(o: Record<string, unknown>, k: string): number | null {
  const v = finiteOrNull(o, k);
  return v === null || v >= 0 ? v : fail(`'${k}' must be ≥ 0 or null`);
}

/** Batches of a background run; a non-finite count or size is refused, a non-finite loss must be null. */
export function checkBackgroundBatch(v: unknown): BackgroundBatch {
  const o = obj(v, 'progress');
  const epochs = int(o, 'epochs', 1, 1_000_000);
  const batches = int(o, 'batches', 1);
  const speed = finiteOrNull(o, 'samplesPerSecond');
  if (speed === null || speed < 0) return fail(`'samplesPerSecond' must be a finite number ≥ 0`);
  const eta = finiteOrNull(o, 'etaSeconds');
  if (eta !== null && eta < 0) return fail(`'etaSeconds' must be ≥ 0 or null`);
  return {
    epoch: int(o, 'epoch', 1, epochs),
    epochs,
    batch: int(o, 'batch', 1, batches),
    batches,
    loss: finiteOrNull(o, 'loss'),
    accuracy: finiteOrNull(o, 'accuracy'),
    samplesPerSecond: speed,
    etaSeconds: eta,
    lr: o.lr === undefined ? null : nonNegativeOrNull(o, 'lr'),
  };
}

function checkSpec(v: unknown): HostDataSpec {
  const o = obj(v, 'spec');
  const kind = oneOf(o, 'kind', ['folder', 'mnist', 'fashion_mnist', 'cifar10'] as const);
  return kind === 'folder' ? { kind, path: str(o, 'path', 10_000) } : { kind };
}

function checkHeader(v: unknown): DatasetHeader {
  const o = obj(v, 'header');
  return {
    name: str(o, 'name', 1000),
    shape: imageShape(o.shape, 'shape'),
    classes: names(o.classes),
    trainCount: int(o, 'trainCount', 1),
    testCount: int(o, 'testCount'),
  };
}

const nullable = <T>(v: unknown, check: (v: unknown) => T): T | null => (v === null ? null : check(v));

function checkStartFrom(v: unknown): { path: string; weights: WeightsPayload } {
  const o = obj(v, 'startFrom');
  return { path: str(o, 'path', 10_000), weights: checkWeights(o.weights) };
}

function toWebview(v: unknown): ToWebview {
  const o = obj(v, 'message');
  const type = o.type as ToWebview['type'];
  switch (type) {
    case 'init': {
      const model = str(o, 'model', 1000);
      const training = checkTrainingModelValue(o.training);
      if (training.name !== model) return fail(`'training' is model '${training.name}', not '${model}'`);
      return {
        type,
        uri: str(o, 'uri', 10_000),
        model,
        training,
        saved: nullable(o.saved, checkWeights),
        checkpoint: nullable(o.checkpoint, checkCheckpoint),
        autoStart: bool(o, 'autoStart'),
        ...(o.startFrom === undefined ? {} : { startFrom: checkStartFrom(o.startFrom) }),
        ...(o.backend === undefined ? {} : { backend: oneOf(o, 'backend', BACKEND_CHOICES) }),
      };
    }
    case 'showActivations':
      return { type, layer: o.layer === null ? null : str(o, 'layer', 1000) };
    case 'dataStart':
      return { type, header: checkHeader(o.header) };
    case 'dataChunk':
      return { type, split: oneOf(o, 'split', ['train', 'test'] as const), offset: int(o, 'offset'), images: bytes(o, 'images'), labels: bytes(o, 'labels') };
    case 'dataEnd':
      return { type };
    case 'dataError':
    case 'error':
      return { type, message: str(o, 'message', 100_000) };
    case 'image': {
      const shape = imageShape(o.shape, 'shape');
      const pixels = bytes(o, 'pixels');
      if (pixels.length !== shape[0] * shape[1] * shape[2]) return fail(`'pixels' must hold height × width × channels bytes`);
      return { type, name: str(o, 'name', 10_000), shape, pixels };
    }
    case 'saved':
      return { type, path: str(o, 'path', 10_000) };
    case 'askImage':
      return { type };
    case 'backgroundStart':
      return checkBackgroundStart(o);
    case 'backgroundBatch':
      return { type, progress: checkBackgroundBatch(o.progress) };
    case 'backgroundResults':
      return { type, results: checkRunResults(o.results) };
    case 'backgroundPaused':
      return { type, paused: bool(o, 'paused') };
    case 'backgroundEpoch':
      return { type, record: checkEpochRecord(o.record, 'record') };
    case 'backgroundEnd':
      return { type, status: oneOf(o, 'status', ['completed', 'stopped', 'diverged', 'error'] as const), message: str(o, 'message', 100_000) };
    default:
      return unknownType(type);
  }
}

function checkBackgroundStart(o: Record<string, unknown>): Extract<ToWebview, { type: 'backgroundStart' }> {
  if (!Array.isArray(o.batches) || o.batches.length > MAX_REPLAY) return fail(`'batches' must be a list of at most ${MAX_REPLAY}`);
  const pausing = o.canPause === undefined ? {} : { canPause: bool(o, 'canPause') };
  const history = checkHistory(o.history);
  return {
    type: 'backgroundStart',
    backend: str(o, 'backend', 1000),
    batches: o.batches.map(checkBackgroundBatch),
    history,
    paused: bool(o, 'paused'),
    ...pausing,
  };
}

/** Batches replayed to a panel that opens during a background run (the host keeps at most this many). */
export const MAX_REPLAY = 20_000;

function fromWebview(v: unknown): FromWebview {
  const o = obj(v, 'message');
  const type = o.type as FromWebview['type'];
  switch (type) {
    case 'ready':
      return { type };
    case 'requestData':
      return { type, model: str(o, 'model', 1000), spec: checkSpec(o.spec), inputShape: imageShape(o.inputShape, 'inputShape') };
    case 'prediction': {
      if (!Array.isArray(o.top) || o.top.length > 1000) return fail(`'top' must be a list`);
      const top = o.top.map((e, i) => {
        const t = obj(e, `top[${i}]`);
        const probability = finiteOrNull(t, 'probability');
        return { label: str(t, 'label', 1000), probability: probability ?? fail(`top[${i}].probability must be finite`) };
      });
      return { type, name: str(o, 'name', 10_000), top };
    }
    case 'checkpoint':
      return { type, checkpoint: checkCheckpoint(o.checkpoint) };
    case 'saveWeights':
      return { type, model: str(o, 'model', 1000), topology: str(o, 'topology'), weights: checkWeights(o.weights), metadata: checkMetadata(o.metadata) };
    case 'pickImage':
      return { type, shape: imageShape(o.shape, 'shape') };
    case 'notify':
      return { type, level: oneOf(o, 'level', ['info', 'warning', 'error'] as const), message: str(o, 'message', 100_000) };
    case 'runEnded':
      return { type, reason: oneOf(o, 'reason', ['finished', 'stopped', 'nan', 'error'] as const), epoch: int(o, 'epoch'), loss: finiteOrNull(o, 'loss') };
    case 'runStarted':
    case 'stopBackground':
    case 'pauseBackground':
    case 'resumeBackground':
    case 'trainWithTorch':
      return { type };
    default:
      return unknownType(type);
  }
}

export const checkToWebview = guard(toWebview);
export const checkFromWebview = guard(fromWebview);
