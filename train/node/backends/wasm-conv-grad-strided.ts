// Conv2DBackpropInput for strides > 1 as s_y·s_x stride-1 convolutions on the direct kernel (sub-pixel phases).
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { directApplies, directConv2d } from './wasm-conv';
import { alloc, free, heap, runStock, transposeInto, type Info } from './wasm-heap';
import { ptr, simdKernels } from './wasm-simd';

type ConvInfo = tf.backend_util.Conv2DInfo;

/** One phase along one axis: input rows r, r + s, r + 2s, … and the filter taps k0, k0 + s, … that reach them. */
interface AxisPhase {
  readonly r: number;
  readonly k0: number;
  /** Taps (0 when the stride skips every tap of this phase: its rows get no gradient). */
  readonly taps: number;
  /** Rows of the phase. */
  readonly count: number;
  /** The stride-1 convolution's padding of dy, before and after. */
  readonly lo: number;
  readonly hi: number;
}

/**
 * Input row i = s·q + r receives dy[o]·w[k] where o·s + k − pad = i, so k ≡ r + pad (mod s): k = k0 + s·j and
 * o = q − d − j with d = (k0 − r − pad)/s. Over the phase's rows that is a stride-1 correlation of dy with the
 * taps reversed, dy padded by d + taps − 1 before.
 */
function axisPhase(r: number, s: number, K: number, pad: number, inLen: number, dyLen: number): AxisPhase {
  const k0 = (((r + pad) % s) + s) % s;
  const taps = k0 < K ? Math.ceil((K - k0) / s) : 0;
  const count = r < inLen ? Math.ceil((inLen - r) / s) : 0;
  const lo = (k0 - r - pad) / s + taps - 1;
  return { r, k0, taps, count, lo, hi: count - 1 + taps - dyLen - lo };
}

function axisPhases(s: number, K: number, pad: number, inLen: number, dyLen: number): AxisPhase[] {
  const phases: AxisPhase[] = [];
  for (let r = 0; r < s; r++) phases.push(axisPhase(r, s, K, pad, inLen, dyLen));
  return phases;
}

/** Every phase with taps reads dy inside a non-negative padding (the stride-1 kernels take no cropping). */
function usable(phases: AxisPhase[]): boolean {
  return phases.every((p) => p.taps === 0 || p.count === 0 || (p.lo >= 0 && p.hi >= 0));
}

/** The phases when this path applies: strides > 1, no dilation, input channels in whole SIMD vectors. */
export function stridedPhases(c: ConvInfo): [AxisPhase[], AxisPhase[]] | null {
  if (c.strideHeight === 1 && c.strideWidth === 1) return null;
  if (c.dilationHeight !== 1 || c.dilationWidth !== 1 || c.inChannels % 4 !== 0) return null;
  const ys = axisPhases(c.strideHeight, c.filterHeight, c.padInfo.top, c.inHeight, c.outHeight);
  const xs = axisPhases(c.strideWidth, c.filterWidth, c.padInfo.left, c.inWidth, c.outWidth);
  return usable(ys) && usable(xs) ? [ys, xs] : null;
}

/** The phase's filter [ty, tx, Co, Ci]: taps k0 + s·j in reverse order, in and out channels swapped. */
function phaseFilter(backend: BackendWasm, filter: Info, c: ConvInfo, py: AxisPhase, px: AxisPhase): Info {
  const { filterWidth: KW, inChannels: Ci, outChannels: Co } = c;
  const out = alloc(backend, [py.taps, px.taps, Co, Ci]);
  const src = heap(backend, filter);
  const dst = heap(backend, out);
  for (let jy = 0; jy < py.taps; jy++) {
    const ky = py.k0 + c.strideHeight * (py.taps - 1 - jy);
    for (let jx = 0; jx < px.taps; jx++) {
      const kx = px.k0 + c.strideWidth * (px.taps - 1 - jx);
      transposeInto(src, (ky * KW + kx) * Ci * Co, Ci, Co, dst, (jy * px.taps + jx) * Co * Ci);
    }
  }
  return out;
}

/** dx at the phase's positions: the stride-1 convolution of dy with the phase's filter. */
function phaseGradient(backend: BackendWasm, dy: Info, filter: Info, c: ConvInfo, py: AxisPhase, px: AxisPhase): Info {
  const f = phaseFilter(backend, filter, c, py, px);
  const pad: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [py.lo, py.hi],
    [px.lo, px.hi],
    [0, 0],
  ];
  const info = tf.backend_util.computeConv2DInfo(dy.shape as [number, number, number, number], f.shape as [number, number, number, number], [1, 1], 1, pad);
  const attrs = { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] };
  const out = directApplies(info) ? directConv2d(backend, dy, f, info) : runStock('Conv2D', backend, { x: dy, filter: f }, attrs);
  free(backend, f);
  return out;
}

/**
 * dx for a strided convolution, or null where this path does not apply. Each of the s_y·s_x phases is a stride-1
 * convolution with the filter's taps of that phase, so the work equals the forward pass's (im2col and col2im
 * did it at ~2.4× the forward time); a SIMD copy interleaves the phases into dx.
 */
export function stridedBackpropInput(backend: BackendWasm, dy: Info, filter: Info, c: ConvInfo): Info | null {
  const phases = stridedPhases(c);
  if (!phases) return null;
  const [ys, xs] = phases;
  const gaps = ys.some((p) => p.taps === 0) || xs.some((p) => p.taps === 0);
  const dx = alloc(backend, c.inShape, gaps);
  for (const py of ys) {
    for (const px of xs) {
      if (py.taps === 0 || px.taps === 0 || py.count === 0 || px.count === 0) continue;
      const part = phaseGradient(backend, dy, filter, c, py, px);
      const { inHeight: H, inWidth: W, inChannels: C } = c;
      simdKernels(backend).scatterPhase(
        ptr(backend, part),
        ptr(backend, dx),
        c.batchSize,
        py.count,
        px.count,
        C,
        H,
        W,
        c.strideHeight,
        c.strideWidth,
        py.r,
        px.r,
      );
      free(backend, part);
    }
  }
  return dx;
}
