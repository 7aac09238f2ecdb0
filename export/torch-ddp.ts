// The `torch-ddp` export: a self-contained PyTorch training project (model.py, train.py, stride.json, the packed data
// set, Stride's initial weights, README.md) that runs with `python train.py` or `torchrun` unchanged.

import * as path from 'node:path';
import type { ModelAnalysis } from '../core/analyze';
import { pyName } from '../core/export/pytorch-names';
import { stateDict } from '../core/export/pytorch-weights';
import { encodeSafetensors } from '../core/export/safetensors';
import { trainingModel } from '../ide/training-model';
import type { TrainingModel } from '../protocol/training-model';
import type { Dataset } from '../train/data/dataset';
import { checkMonitors } from '../train/schedule';
import type { ExportFile, ExportFormat, ExportJob, ExportOutput } from './formats';
import { runPyTorch } from './pytorch-run';
import { pytorchSupport } from '../core/export/pytorch-support';
import { ExportRefused } from './refusal';
import { fineTuneConfig, normalizationFor, startWeights } from './torch-ddp-inputs';
import { ddpReadme } from './torch-ddp-readme';
import { TRAIN_PY_HEAD } from './torch-ddp-script-head';
import { TRAIN_PY_SCHEDULE } from './torch-ddp-script-schedule';
import { TRAIN_PY_TUNE } from './torch-ddp-script-tune';
import { TRAIN_PY_AUGMENT } from './torch-ddp-script-augment';
import { LAUNCH_PY, TRAIN_PY_MAIN } from './torch-ddp-script-main';

/** The files of the packed training set, relative to the project folder. */
export const DATA_IMAGES = 'data/train-images.bin';
export const DATA_LABELS = 'data/train-labels.i32';
export const INITIAL_WEIGHTS = 'initial.safetensors';

/** The lowered model with its settings; the project trains exactly one image input into one classifier output. */
function loweredFor(model: ModelAnalysis): TrainingModel {
  const lowered = trainingModel(model);
  if (!lowered.ok) throw new ExportRefused(`model '${model.graph.name}' cannot be trained: ${lowered.error}`);
  const t = lowered.value;
  if (t.inputs.length !== 1 || t.outputs.length !== 1) {
    throw new ExportRefused(
      `the PyTorch training project trains models with one input and one output; '${t.name}' has ${t.inputs.length} and ${t.outputs.length}`,
    );
  }
  try {
    // A monitor the run does not measure is refused now, with the trainer's message, not when train.py reaches it.
    checkMonitors(t.settings);
  } catch (e) {
    throw new ExportRefused(e instanceof Error ? e.message : String(e));
  }
  return t;
}

/** What train.py reads: the packed arrays beside it, or an image folder it streams (each file with its label). */
type DataFiles =
  | { readonly kind: 'packed'; readonly dtype: 'u8' | 'f4'; readonly images: string; readonly labels: string }
  | { readonly kind: 'folder'; readonly root: string; readonly files: readonly (readonly [string, number])[] };

interface PackedData {
  readonly name: string;
  readonly shape: readonly [number, number, number];
  readonly classes: readonly string[];
  readonly count: number;
  readonly files: ExportFile[];
  readonly source: DataFiles;
  /** The data set as Stride's loader gave it (absent for a streamed folder). */
  readonly dataset?: Dataset;
}

/**
 * The training data as Stride's own loader produces it (same decoding, resizing and class order), packed as raw
 * arrays; or, for an image folder with `streamData`, the folder's files in the loader's order, for train.py to read
 * batch by batch (a data set larger than memory never passes through Stride).
 */
async function packedData(job: ExportJob, training: TrainingModel): Promise<PackedData> {
  const spec = job.dataOverride ?? training.settings.data;
  const baseDir = job.file ? path.dirname(path.resolve(job.file)) : undefined;
  if (job.streamData && spec.kind === 'folder') return listedFolder(path.resolve(baseDir ?? '.', spec.path), training);
  const { loadData } = await import('../train/node/data/load');
  let data: Dataset;
  try {
    data = await loadData(spec, { inputShape: training.nodes[training.inputs[0]].shape ?? [], baseDir, seed: training.settings.seed });
  } catch (e) {
    // The data set is part of the project: a missing folder or an unreadable image refuses the export, saying why.
    throw new ExportRefused(`the training data could not be packed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const images = data.train.images;
  const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return {
    name: data.name,
    shape: data.shape,
    classes: data.classes,
    count: data.train.count,
    files: [
      { path: DATA_IMAGES, data: bytes(images) },
      { path: DATA_LABELS, data: bytes(Int32Array.from(data.train.labels)) },
    ],
    source: { kind: 'packed', dtype: images instanceof Uint8Array ? 'u8' : 'f4', images: DATA_IMAGES, labels: DATA_LABELS },
    dataset: data,
  };
}

async function listedFolder(root: string, training: TrainingModel): Promise<PackedData> {
  const { listClasses } = await import('../train/node/data/folder');
  const shape = training.nodes[training.inputs[0]].shape ?? [];
  if (shape.length !== 3 || shape.some((d) => d === null) || (shape[2] !== 1 && shape[2] !== 3))
    throw new ExportRefused(`a streamed image folder feeds an image input (height, width, 1 or 3 channels); the model's input is (${shape.join(', ')})`);
  let classes: Map<string, string[]>;
  try {
    classes = listClasses(root);
  } catch (e) {
    throw new ExportRefused(`the image folder could not be listed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const names = [...classes.keys()];
  const files = names.flatMap((name, label) => classes.get(name)!.map((f) => [path.relative(root, f).split(path.sep).join('/'), label] as const));
  const [h, w, c] = shape as number[];
  return { name: `folder(${root})`, shape: [h, w, c], classes: names, count: files.length, files: [], source: { kind: 'folder', root, files } };
}

/** stride.json: everything train.py reads besides the data and weights files. */
async function config(model: ModelAnalysis, training: TrainingModel, data: PackedData, job: ExportJob): Promise<string> {
  const { outputForm } = await import('../train/objective');
  const settings = { ...training.settings, data: job.dataOverride ?? training.settings.data };
  const value = {
    model: training.name,
    className: pyName(model.graph.name),
    settings,
    outputForm: outputForm(training, training.outputs[0]),
    initialWeights: INITIAL_WEIGHTS,
    normalization: (await normalizationFor(training, data.dataset, data.shape[2], job.limit)) ?? null,
    fineTune: fineTuneConfig(model, training),
    data: { name: data.name, shape: data.shape, classes: data.classes, count: data.count, ...data.source },
  };
  return JSON.stringify(value, null, 2) + '\n';
}

async function runDdp(job: ExportJob): Promise<ExportOutput> {
  const training = loweredFor(job.model);
  const code = await runPyTorch({ ...job, logits: false, trained: false });
  const weights = await startWeights(job, training);
  const { tfName } = await import('../train/model-builder');
  const tensors = stateDict(job.model, weights.weights, (node) => tfName(node.name));
  const source = weights.from ?? `initial weights (seed ${training.settings.seed})`;
  const initial = encodeSafetensors(tensors, { format: 'pt', model: training.name, weights: source });
  const data = await packedData(job, training);
  return {
    files: [
      { path: 'model.py', data: code.files[0].data },
      { path: 'train.py', data: TRAIN_PY_HEAD + TRAIN_PY_AUGMENT + TRAIN_PY_TUNE + TRAIN_PY_SCHEDULE + TRAIN_PY_MAIN },
      { path: 'launch.py', data: LAUNCH_PY },
      { path: 'stride.json', data: await config(job.model, training, data, job) },
      { path: INITIAL_WEIGHTS, data: initial },
      ...data.files,
      { path: 'README.md', data: ddpReadme(training, data) },
    ],
    notes: [
      ...code.notes,
      `training starts from ${source}; the data set ${data.name} (${data.count} images) ${data.source.kind === 'folder' ? 'is read from the folder while training' : 'is packed into data/'}.`,
    ],
  };
}

export const torchDdpFormat: ExportFormat = {
  name: 'torch-ddp',
  summary: 'PyTorch training project for one or many GPUs (torchrun, DistributedDataParallel)',
  suffix: '/',
  run: runDdp,
  support: pytorchSupport,
};
