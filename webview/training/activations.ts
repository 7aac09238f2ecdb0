// The activations view: feature maps of each conv layer as heat-map grids, first-layer filters, dense bars, class probabilities.

import * as tf from '@tensorflow/tfjs';
import type { TrainingModel } from '../../protocol/training-model';
import type { Dataset } from '../../train/data/dataset';
import { normalizeInPlace, type Normalization } from '../../train/input-pipeline';
import { normalizationOf } from './input-stats';
import { el } from './dom';
import { channel, finiteRange, normalise, toRgba, topK } from './heatmap';

/** One input image, channels-last, values in [0, 1]. */
export interface Sample {
  readonly label: string;
  readonly shape: readonly [number, number, number];
  readonly pixels: Float32Array;
  /** The true class, when the sample comes from the data set. */
  readonly truth?: string;
  /** The statistics the model's inputs are normalised with (`normalize:`): applied before the model, not to the picture. */
  readonly normalization?: Normalization;
}

/** The sample with the statistics its model expects (`normalize:`); the picture itself stays as loaded. */
export function withNormalization(sample: Sample, training: TrainingModel | undefined, data: Dataset | undefined): Sample {
  const normalization = normalizationOf(training, data);
  return normalization ? { ...sample, normalization } : sample;
}

/** At most this many maps per layer: wide layers would otherwise draw thousands of canvases. */
const MAX_MAPS = 64;
const MAX_BARS = 256;

/** A canvas showing one map; `grey` draws the input image itself rather than a heat map. */
function mapCanvas(values: Float32Array, h: number, w: number, title: string): HTMLCanvasElement {
  const canvas = el('canvas', { title, className: 'heatmap' });
  canvas.width = w;
  canvas.height = h;
  const image = new ImageData(toRgba(normalise(values)) as Uint8ClampedArray<ArrayBuffer>, w, h);
  canvas.getContext('2d')!.putImageData(image, 0, 0);
  return canvas;
}

export function sampleCanvas(s: Sample): HTMLCanvasElement {
  const [h, w, c] = s.shape;
  const canvas = el('canvas', { title: s.label });
  canvas.width = w;
  canvas.height = h;
  const rgba = new Uint8ClampedArray(h * w * 4);
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) rgba[p * 4 + k] = Math.round(255 * s.pixels[p * c + (c === 3 ? k : 0)]);
    rgba[p * 4 + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(new ImageData(rgba, w, h), 0, 0);
  return canvas;
}

function layerSection(name: string, className: string, meta: string, body: HTMLElement): HTMLElement {
  return el(
    'div',
    { className: `layer ${className}`, attrs: { 'data-layer': name } },
    el('div', { text: name }),
    el('div', { className: 'meta', text: meta }),
    body,
  );
}

function featureMaps(name: string, data: Float32Array, shape: number[]): HTMLElement {
  const [h, w, c] = shape;
  const grid = el('div', { className: 'maps' });
  for (let k = 0; k < Math.min(c, MAX_MAPS); k++) grid.appendChild(mapCanvas(channel(data, h, w, c, k), h, w, `${name} channel ${k}`));
  const r = finiteRange(data);
  const more = c > MAX_MAPS ? `, first ${MAX_MAPS} shown` : '';
  return layerSection(name, 'feature-maps', `${h}×${w}×${c} feature maps${more}; values ${r.min.toPrecision(3)} … ${r.max.toPrecision(3)}`, grid);
}

function bars(name: string, data: Float32Array): HTMLElement {
  const box = el('div', { className: 'bars' });
  const unit = normalise(data);
  for (let i = 0; i < Math.min(data.length, MAX_BARS); i++) {
    const bar = el('div', { title: `${i}: ${data[i].toPrecision(4)}` });
    bar.style.height = `${Math.max(1, Math.round(unit[i] * 60))}px`;
    box.appendChild(bar);
  }
  const more = data.length > MAX_BARS ? `, first ${MAX_BARS} shown` : '';
  return layerSection(name, 'dense', `${data.length} activations${more}`, box);
}

/** The first convolution's kernels, one map per output channel, averaged over input channels. */
function firstFilters(model: tf.LayersModel): HTMLElement | null {
  const conv = model.layers.find((l) => l.getClassName() === 'Conv2D');
  if (!conv) return null;
  const kernel = conv.getWeights()[0];
  const [kh, kw, cin, cout] = kernel.shape;
  const values = kernel.dataSync();
  const grid = el('div', { className: 'maps' });
  for (let o = 0; o < Math.min(cout, MAX_MAPS); o++) {
    const map = new Float32Array(kh * kw);
    for (let p = 0; p < kh * kw; p++) {
      for (let i = 0; i < cin; i++) map[p] += values[(p * cin + i) * cout + o] / cin;
    }
    grid.appendChild(mapCanvas(map, kh, kw, `${conv.name} filter ${o}`));
  }
  return layerSection(`${conv.name} (filters)`, 'filters', `first-layer filters: ${cout} kernels of ${kh}×${kw}×${cin} (averaged over input channels)`, grid);
}

function probabilities(values: Float32Array, classes: readonly string[]): HTMLElement {
  const box = el('div', { className: 'probs', attrs: { id: 'probabilities' } });
  for (const i of topK(values, Math.min(10, values.length))) {
    const bar = el('span', { className: 'bar' });
    bar.style.width = `${Math.round(Math.max(0, Math.min(1, values[i])) * 200)}px`;
    box.appendChild(el('div', {}, el('span', { text: `${classes[i] ?? `class ${i}`}` }), bar, el('span', { text: `${(values[i] * 100).toFixed(1)}%` })));
  }
  return box;
}

/** Every layer's output for one sample; tensors are freed before returning. */
async function layerOutputs(model: tf.LayersModel, sample: Sample): Promise<{ name: string; shape: number[]; data: Float32Array }[]> {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer' && !Array.isArray(l.output));
  const probe = tf.model({ inputs: model.inputs, outputs: layers.map((l) => l.output as tf.SymbolicTensor) });
  const outs = tf.tidy(() => {
    const pixels = sample.pixels.slice();
    if (sample.normalization) normalizeInPlace(pixels, sample.normalization);
    const x = tf.tensor4d(pixels, [1, ...sample.shape]);
    const y = probe.predict(x);
    return Array.isArray(y) ? y : [y];
  });
  try {
    const datas = await Promise.all(outs.map((t) => t.data()));
    return layers.map((l, i) => ({ name: l.name, shape: outs[i].shape.slice(1) as number[], data: Float32Array.from(datas[i]) }));
  } finally {
    tf.dispose(outs);
  }
}

/** Renders the whole view into `root`, replacing what was there; returns the five most probable classes. */
export async function renderActivations(
  root: HTMLElement,
  model: tf.LayersModel,
  sample: Sample,
  classes: readonly string[],
): Promise<{ label: string; probability: number }[]> {
  const outputs = await layerOutputs(model, sample);
  const last = outputs[outputs.length - 1];
  const probs = last.data;
  const best = topK(probs, 1)[0];
  const predicted = classes[best] ?? `class ${best}`;
  const head = el(
    'div',
    { className: 'sample' },
    sampleCanvas(sample),
    el('div', { text: `${sample.label}${sample.truth ? ` (true class: ${sample.truth})` : ''}` }),
  );
  const parts: HTMLElement[] = [head, el('h3', { text: `Prediction: ${predicted}` }), probabilities(probs, classes)];
  const filters = firstFilters(model);
  if (filters) parts.push(filters);
  for (const o of outputs) {
    if (o.shape.length === 3) parts.push(featureMaps(o.name, o.data, o.shape));
    else if (o.shape.length === 1) parts.push(bars(o.name, o.data));
  }
  root.replaceChildren(...parts);
  return topK(probs, 5).map((i) => ({ label: classes[i] ?? `class ${i}`, probability: probs[i] }));
}

/** Scrolls to and outlines the layer whose tfjs name matches a Stride layer name (as the preview knows it). */
export function highlightLayer(root: HTMLElement, strideName: string, tfName: (n: string) => string): boolean {
  const want = tfName(strideName);
  let found: HTMLElement | null = null;
  for (const section of Array.from(root.querySelectorAll<HTMLElement>('.layer'))) {
    const match = section.dataset.layer === want || section.dataset.layer?.startsWith(`${want}_`);
    section.classList.toggle('highlight', !!match && !found);
    if (match && !found) found = section;
  }
  found?.scrollIntoView({ block: 'center' });
  return !!found;
}

/**
 * The data set's class names when they name the model's outputs, else none (classes are then numbered): a model
 * trained elsewhere (imported) has its own classes, which the default data set's names would mislabel.
 */
export function outputClasses(model: tf.LayersModel, classes: readonly string[]): readonly string[] {
  const shape = model.outputs[0].shape;
  return classes.length === shape[shape.length - 1] ? classes : [];
}
