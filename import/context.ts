// The ONNX nodes whose Stride meaning depends on the layout and rank of their input or on their neighbours: layout
// moves, flattening, global pooling as a reduction, products, sums, concatenation, padding, slicing and splitting.

import type { Node } from './graph';
import { BIG, intsOf } from './fuse';
import { aliasOf, consumers, emit, float, infoOf, ints, isConstant, num, refuse, resolve, type Info, type Walk } from './state';

const FLAT: Info = { cf: false, rank: 2, channels: null };
const flat = (channels: number | null): Info => ({ ...FLAT, channels });

/** The tensor's info; a tensor the walk did not see (a malformed file) is refused where it is read. */
function need(w: Walk, n: Node, t: string): Info {
  const i = infoOf(w, t);
  if (!i) return refuse(n, `its input '${t}' is not produced by any node the importer read`);
  return i;
}

/** The Stride axis position of ONNX axis `a` on a tensor: 'channels', 'spatial' index, or null for the batch. */
function axisKind(info: Info, a: number): 'channels' | number | null {
  const axis = a < 0 ? info.rank + a : a;
  if (axis <= 0 || axis >= info.rank) return null;
  if (info.rank <= 2) return 'channels';
  if (info.cf) return axis === 1 ? 'channels' : axis - 2;
  return axis === info.rank - 1 ? 'channels' : axis - 1;
}

function transpose(w: Walk, n: Node): void {
  const x = need(w, n, n.inputs[0]);
  const perm = String(n.attrs.get('perm'));
  // Stride is channels-last: a move between the two layouts of an image is no layer at all.
  if (x.rank === 4 && !x.cf && perm === '0,3,1,2') return aliasOf(w, n.outputs[0], n.inputs[0], { ...x, cf: true });
  if (x.rank === 4 && x.cf && perm === '0,2,3,1') return aliasOf(w, n.outputs[0], n.inputs[0], { ...x, cf: false });
  if (x.rank === 3 && x.cf && perm === '0,2,1') return aliasOf(w, n.outputs[0], n.inputs[0], { ...x, cf: false });
  if (x.rank === 3 && !x.cf && perm === '0,2,1') return aliasOf(w, n.outputs[0], n.inputs[0], { ...x, cf: true });
  return refuse(n, `perm (${perm}) is not a layout change the importer reads`);
}

/** Flatten, or a Reshape to (N, −1): after a global pooling the tensor is flat already. */
function flatten(w: Walk, n: Node): void {
  const x = need(w, n, n.inputs[0]);
  if (w.pooled.has(n.inputs[0]) || x.rank === 2) return aliasOf(w, n.outputs[0], n.inputs[0], flat(x.channels));
  if (n.op === 'Flatten' && num(n, 'axis', 1) !== 1) refuse(n, 'only flattening after the batch axis is imported');
  emit(w, n, n.outputs[0], [n.inputs[0]], 'flatten()', flat(null));
  if (x.cf) w.chwFlattened.add(n.outputs[0]);
}

function reshape(w: Walk, n: Node): void {
  // A weight reshaped to broadcast over an NCHW image (a factor per channel): the Mul that reads it takes the weight.
  if (w.g.initializers.has(n.inputs[0]) && consumers(w, n.outputs[0]).every((c) => c.op === 'Mul')) return;
  const target = intsOf(w, n.inputs[1]);
  if (w.pooled.has(n.inputs[0]) || (target && target.length === 2 && (target[1] === -1 || target[0] === -1))) return flatten(w, n);
  return refuse(n, `only a Reshape that flattens (or shuffles channels) is imported, got shape (${target?.join(', ') ?? 'unknown'})`);
}

/** ReduceMean / ReduceMax over every spatial axis: global pooling. */
function reduce(w: Walk, n: Node): void {
  const x = need(w, n, n.inputs[0]);
  const axes = n.attrs.has('axes') ? ints(n, 'axes', []) : (intsOf(w, n.inputs[1] ?? '') ?? []);
  const kinds = axes.map((a) => axisKind(x, a));
  const spatial = x.rank - 2;
  if (spatial < 1 || kinds.length !== spatial || kinds.some((k) => typeof k !== 'number') || new Set(kinds).size !== spatial)
    refuse(n, `only a reduction over every spatial axis (global pooling) is imported, got axes (${axes.join(', ')})`);
  const keep = num(n, 'keepdims', 1) === 1;
  const kind = `global${n.op === 'ReduceMean' ? 'avg' : 'max'}pool${spatial}d`;
  if (!keep) w.pooled.add(n.outputs[0]);
  emit(w, n, n.outputs[0], [n.inputs[0]], keep ? `${kind}(keepdims: true)` : `${kind}()`, keep ? x : flat(x.channels));
}

function globalPool(w: Walk, n: Node): void {
  const x = need(w, n, n.inputs[0]);
  const flatAfter = consumers(w, n.outputs[0]).every((c) => c.op === 'Flatten' || c.op === 'Reshape');
  if (flatAfter) w.pooled.add(n.outputs[0]);
  emit(w, n, n.outputs[0], [n.inputs[0]], flatAfter ? 'globalavgpool2d()' : 'globalavgpool2d(keepdims: true)', x);
}

/** MatMul with a constant 2-D weight on the last axis (channels last), with the bias Add after it folded in. */
function matMul(w: Walk, n: Node): void {
  const x = need(w, n, n.inputs[0]);
  const dims = w.g.dims.get(n.inputs[1]);
  if (!dims || dims.length !== 2) refuse(n, 'only products with a constant 2-D weight are imported');
  if (x.cf && x.rank > 2) refuse(n, 'a product over the channels of a channels-first tensor is not imported');
  const next = consumers(w, n.outputs[0]);
  const bias = next.length === 1 && next[0].op === 'Add' && next[0].inputs.some((t) => w.g.initializers.has(t));
  if (bias) w.folded.add(next[0]);
  // On an image, a product on the channels is a 1×1 convolution: the same numbers, and it reads as what it is.
  const call = x.rank === 4 ? `conv2d(${dims[1]}, 1${bias ? '' : ', bias: false'})` : `dense(${dims[1]}${bias ? '' : ', bias: false'})`;
  emit(w, n, n.outputs[0], [n.inputs[0]], call, { ...x, channels: dims[1] });
}

/** A two-tensor merge written as `kind(other)`, the tensor the previous line made flowing in. */
function merge(w: Walk, n: Node, kind: string): void {
  const [x, y] = [n.inputs[0], n.inputs[1]].map((t) => need(w, n, t));
  if (x.rank === y.rank && x.rank > 2 && x.cf !== y.cf) refuse(n, 'its inputs hold the channels on different axes');
  const [a, b] = n.inputs.map((t) => resolve(w, t));
  const last = w.statements[w.statements.length - 1]?.out;
  const [first, second] = b === last ? [b, a] : [a, b];
  w.statements.push({ out: n.outputs[0], inputs: [first, second], call: (ref) => `${kind}(${ref(second)})`, node: n.name });
  // A gate (1, 1, C) broadcasts over the image: the result has the larger rank.
  w.info.set(n.outputs[0], x.rank >= y.rank ? x : y);
}

function add(w: Walk, n: Node): void {
  if (w.folded.has(n)) return aliasOf(w, n.outputs[0], n.inputs.find((t) => !w.g.initializers.has(t)) as string);
  if (n.inputs.some((t) => isConstant(w, t))) refuse(n, 'adding a constant is imported only as the bias of a MatMul');
  merge(w, n, 'add');
}

/** A constant factor per channel (ConvNeXt's layer scale), possibly reshaped to broadcast channels first. */
function channelFactor(w: Walk, t: string): readonly number[] | undefined {
  if (w.g.initializers.has(t)) return w.g.dims.get(t);
  const p = w.producer.get(t);
  return p?.op === 'Reshape' && w.g.initializers.has(p.inputs[0]) ? w.g.dims.get(p.inputs[0]) : undefined;
}

function mul(w: Walk, n: Node): void {
  const k = n.inputs.findIndex((t) => channelFactor(w, t) !== undefined || isConstant(w, t));
  if (k < 0) return merge(w, n, 'multiply');
  const x = need(w, n, n.inputs[1 - k]);
  const dims = channelFactor(w, n.inputs[k]);
  if (!dims || dims.length !== 1 || dims[0] !== x.channels) refuse(n, 'multiplying by a constant is imported only as one learned factor per channel (scale)');
  emit(w, n, n.outputs[0], [n.inputs[1 - k]], 'scale()', x);
}

function concat(w: Walk, n: Node): void {
  // PyTorch's DenseNet concatenates a list of one tensor: that tensor itself.
  if (n.inputs.length === 1) return aliasOf(w, n.outputs[0], n.inputs[0]);
  const infos = n.inputs.map((t) => need(w, n, t));
  // Channels are axis 1 in NCHW, the last axis (concat's default) in Stride.
  if (axisKind(infos[0], num(n, 'axis', 1)) !== 'channels' || infos.some((i) => i.cf !== infos[0].cf) || n.inputs.some((t) => isConstant(w, t)))
    refuse(n, 'only a concatenation of tensors on the channel axis is imported');
  const channels = infos.every((i) => i.channels !== null) ? infos.reduce((s, i) => s + (i.channels as number), 0) : null;
  const inputs = n.inputs.map((t) => resolve(w, t));
  emit(w, n, n.outputs[0], n.inputs, (ref) => `concat(${inputs.map(ref).join(', ')})`, { ...infos[0], channels });
}

/** Zero padding of the two spatial axes: `zeropad2d`, numbers as (top, bottom, left, right). */
function pad(w: Walk, n: Node): void {
  const x = need(w, n, n.inputs[0]);
  const pads = n.attrs.has('pads') ? ints(n, 'pads', []) : intsOf(w, n.inputs[1] ?? '');
  const value = n.inputs[2] ? intsOf(w, n.inputs[2]) : [num(n, 'value', 0)];
  const mode = n.attrs.get('mode') ?? 'constant';
  if (!pads || pads.length !== 8 || x.rank !== 4 || mode !== 'constant' || (value && value.some((v) => v !== 0)))
    refuse(n, 'only zero padding of the two spatial axes of an image is imported');
  const at = (a: number) => [pads[a], pads[a + 4]];
  const [hAxis, wAxis] = x.cf ? [2, 3] : [1, 2];
  if ([0, x.cf ? 1 : 3].some((a) => at(a).some((p) => p !== 0))) refuse(n, 'padding the batch or the channels is not imported');
  const [t, b, l, r] = [...at(hAxis), ...at(wAxis)];
  if ([t, b, l, r].some((p) => p < 0)) refuse(n, 'negative pads (cropping) are not imported');
  if (t + b + l + r === 0) return aliasOf(w, n.outputs[0], n.inputs[0]);
  const arg = [t, b, l, r].every((p) => p === t) ? `${t}` : t === b && l === r ? `(${t}, ${l})` : `(${t}, ${b}, ${l}, ${r})`;
  emit(w, n, n.outputs[0], [n.inputs[0]], `zeropad2d(${arg})`, x);
}

/** Slice of channels → `slice(start, stop)`; of both spatial axes, with the input's size declared → `cropping2d`. */
function slice(w: Walk, n: Node): void {
  const x = need(w, n, n.inputs[0]);
  const [starts, ends] = [intsOf(w, n.inputs[1]), intsOf(w, n.inputs[2])];
  const axes = n.inputs[3] ? intsOf(w, n.inputs[3]) : starts?.map((_, i) => i);
  const steps = n.inputs[4] ? intsOf(w, n.inputs[4]) : null;
  if (!starts || !ends || !axes || starts.some((s) => !Number.isFinite(s)) || (steps && steps.some((s) => s !== 1)))
    refuse(n, 'only a slice with known ranges and step 1 is imported');
  const kinds = axes.map((a) => axisKind(x, a));
  if (kinds.length === 1 && kinds[0] === 'channels') {
    const stop = ends[0] >= BIG || ends[0] >= 2 ** 31 - 1 ? '' : `, ${ends[0]}`;
    const channels = x.channels !== null && stop !== '' ? Math.min(ends[0], x.channels) - starts[0] : null;
    return emit(w, n, n.outputs[0], [n.inputs[0]], `slice(${starts[0]}${stop})`, { ...x, channels });
  }
  crop(w, n, x, kinds, starts, ends);
}

function crop(w: Walk, n: Node, x: Info, kinds: readonly ('channels' | number | null)[], starts: number[], ends: number[]): void {
  const shape = w.g.shapes.get(n.inputs[0]);
  if (x.rank !== 4 || kinds.length !== 2 || kinds[0] !== 0 || kinds[1] !== 1 || !shape || shape.length !== 4)
    refuse(n, 'only slices of the channels, or of both spatial axes of an image whose size the file declares, are imported');
  const [h, wd] = x.cf ? [shape[2], shape[3]] : [shape[1], shape[2]];
  if (h === null || wd === null) return refuse(n, 'the size of its input is not declared');
  const [t, b, l, r] = [starts[0], h - Math.min(ends[0], h), starts[1], wd - Math.min(ends[1], wd)];
  const arg = [t, b, l, r].every((p) => p === t) ? `${t}` : t === b && l === r ? `(${t}, ${l})` : `(${t}, ${b}, ${l}, ${r})`;
  emit(w, n, n.outputs[0], [n.inputs[0]], `cropping2d(${arg})`, x);
}

/** Split on the channels: one `slice` per part, each reading the same input. */
function split(w: Walk, n: Node): void {
  const x = need(w, n, n.inputs[0]);
  if (axisKind(x, num(n, 'axis', 0)) !== 'channels') refuse(n, 'only a split of the channels is imported');
  const given = n.attrs.has('split') ? [...ints(n, 'split', [])] : n.inputs[1] ? intsOf(w, n.inputs[1]) : null;
  const equal = x.channels !== null && x.channels % n.outputs.length === 0 ? Array<number>(n.outputs.length).fill(x.channels / n.outputs.length) : null;
  const sizes = given ?? equal;
  if (!sizes || sizes.length !== n.outputs.length) return refuse(n, 'the sizes of its parts are not known');
  let start = 0;
  sizes.forEach((size, i) => {
    emit(w, n, n.outputs[i], [n.inputs[0]], `slice(${start}, ${start + size})`, { ...x, channels: size });
    start += size;
  });
}

/** Layer normalisation over the last axis of a channels-last tensor; a missing bias or constant scale learns nothing. */
function layerNorm(w: Walk, n: Node): void {
  const x = need(w, n, n.inputs[0]);
  const axis = num(n, 'axis', -1);
  if ((x.cf && x.rank > 2) || (axis !== -1 && axis !== x.rank - 1)) refuse(n, 'only normalisation over the channels of a channels-last tensor is imported');
  let args = `epsilon: ${float(num(n, 'epsilon', 1e-5))}`;
  if (!n.inputs[2]) args += ', center: false';
  if (!w.g.initializers.has(n.inputs[1])) args += ', scale: false';
  emit(w, n, n.outputs[0], [n.inputs[0]], `layernorm(${args})`, x);
}

/**
 * How a Resize samples, as Stride names it: `upsample2d` reads the source at destination / factor (tfjs UpSampling2D),
 * `resizing` at half-pixel centres (Keras Resizing); other modes have no Stride layer.
 */
function sampling(n: Node): { readonly layer: 'upsample2d' | 'resizing'; readonly interpolation: 'nearest' | 'bilinear' } | null {
  const mode = n.attrs.get('mode') ?? 'nearest';
  // Upsample (opset 9) and Resize before opset 11 sample asymmetrically; Resize's later default is half_pixel.
  const coords = n.attrs.get('coordinate_transformation_mode') ?? (n.op === 'Upsample' ? 'asymmetric' : 'half_pixel');
  const floor = (n.attrs.get('nearest_mode') ?? 'round_prefer_floor') === 'floor';
  if (mode === 'nearest' && coords === 'asymmetric' && (floor || n.op === 'Upsample')) return { layer: 'upsample2d', interpolation: 'nearest' };
  if (mode === 'linear' && coords === 'asymmetric') return { layer: 'upsample2d', interpolation: 'bilinear' };
  if (mode === 'nearest' && coords === 'tf_half_pixel_for_nn' && floor) return { layer: 'resizing', interpolation: 'nearest' };
  if (mode === 'linear' && (coords === 'half_pixel' || coords === 'pytorch_half_pixel')) return { layer: 'resizing', interpolation: 'bilinear' };
  return null;
}

/** The (height, width) before and after a resize of a channels-first image: from scales or sizes and the declared input shape. */
function resizeSizes(w: Walk, n: Node): { readonly from: number[] | null; readonly scales: number[] | null; readonly to: number[] | null } {
  const declared = w.g.shapes.get(n.inputs[0]);
  const from = declared && declared.length === 4 && declared[2] !== null && declared[3] !== null ? [declared[2], declared[3]] : null;
  const scales = intsOf(w, n.op === 'Upsample' ? n.inputs[1] : (n.inputs[2] ?? ''));
  const sizes = n.op === 'Resize' && n.inputs[3] ? intsOf(w, n.inputs[3]) : null;
  if (scales && scales.length === 4) return { from, scales: scales.slice(2), to: from && from.map((d, i) => Math.floor(d * scales[i + 2])) };
  if (sizes && sizes.length === 4 && sizes.slice(2).every(Number.isInteger))
    return { from, scales: from && sizes.slice(2).map((d, i) => d / from[i]), to: sizes.slice(2) };
  return { from, scales: null, to: null };
}

/** Resize / Upsample of the two spatial axes of a channels-first image: `upsample2d` by whole factors, or `resizing`. */
function resize(w: Walk, n: Node): void {
  const x = need(w, n, n.inputs[0]);
  const how = sampling(n);
  if (!how || !x.cf || x.rank !== 4) return refuse(n, 'only resizing a channels-first image, nearest or linear as upsample2d or resizing compute, is imported');
  const { scales, to } = resizeSizes(w, n);
  const pair = (v: readonly number[]) => (v[0] === v[1] ? `${v[0]}` : `(${v[0]}, ${v[1]})`);
  const interpolation = how.interpolation === (how.layer === 'upsample2d' ? 'nearest' : 'bilinear') ? '' : `, interpolation: ${how.interpolation}`;
  if (how.layer === 'upsample2d') {
    if (!scales || !scales.every((s) => Number.isInteger(s) && s >= 1))
      return refuse(n, 'upsampling by factors that are not known whole numbers is not imported');
    return emit(w, n, n.outputs[0], [n.inputs[0]], `upsample2d(${pair(scales)}${interpolation})`, x);
  }
  if (!to) return refuse(n, 'the size it resizes to is not known');
  emit(w, n, n.outputs[0], [n.inputs[0]], `resizing(${to[0]}, ${to[1]}${interpolation})`, x);
}

/** Softmax over the channels (the last axis in Stride, whatever axis holds them in the file). */
function softmax(w: Walk, n: Node): void {
  const x = need(w, n, n.inputs[0]);
  // Before opset 13 the default axis is 1 (everything after the batch, flattened), from 13 the last.
  if (axisKind(x, num(n, 'axis', x.rank <= 2 ? 1 : -1)) !== 'channels') refuse(n, 'only a softmax over the channels is imported');
  emit(w, n, n.outputs[0], [n.inputs[0]], 'softmax()', x);
}

/** The handlers by operator; nodes not here are read through the operator table. */
export const CONTEXTUAL: Readonly<Record<string, (w: Walk, n: Node) => void>> = {
  Transpose: transpose,
  Flatten: flatten,
  Reshape: reshape,
  ReduceMean: reduce,
  ReduceMax: reduce,
  GlobalAveragePool: globalPool,
  MatMul: matMul,
  Add: add,
  Mul: mul,
  Concat: concat,
  Pad: pad,
  Slice: slice,
  Split: split,
  LayerNormalization: layerNorm,
  Resize: resize,
  Upsample: resize,
  Softmax: softmax,
};
