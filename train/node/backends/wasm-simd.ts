// Loads Stride's wasm-SIMD kernels (train/simd/kernels.ts) onto the tfjs wasm backend's own memory.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { SIMD_KERNELS_WASM_BASE64 } from './simd-binary.generated';
import type { Info } from './wasm-heap';

/** The sizes both direct convolution kernels take after their pointers (see `conv2d` in train/simd/kernels.ts). */
export type ConvGeometry = [
  batch: number, H: number, W: number, Ci: number, Ho: number, Wo: number, Co: number, KH: number, KW: number,
  sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, Hp: number, Wp: number,
]; // prettier-ignore

/** What both direct convolution kernels take after the geometry: the bias (a pointer, 0 without), and the activation code. */
export type ConvEpilogue = [bias: number, hasBias: boolean, activation: number];

/** The exports of train/simd/kernels.ts; every pointer is a byte offset on the backend's heap. */
export interface SimdKernels {
  maxPoolGrad(
    x: number,
    dy: number,
    dx: number,
    batch: number,
    H: number,
    W: number,
    C: number,
    Ho: number,
    Wo: number,
    KH: number,
    KW: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    pt: number,
    pl: number,
  ): void;
  convFilterGrad(
    x: number,
    dy: number,
    dw: number,
    pad: number,
    batch: number,
    H: number,
    W: number,
    Ci: number,
    Ho: number,
    Wo: number,
    Co: number,
    KH: number,
    KW: number,
    sh: number,
    sw: number,
    dh: number,
    dwl: number,
    pt: number,
    pl: number,
    Hp: number,
    Wp: number,
    rowsPerBlock: number,
  ): void;
  conv2d(x: number, w: number, out: number, pad: number, ...args: [...ConvGeometry, ...ConvEpilogue]): void;
  conv2dPacked(x: number, w: number, out: number, pad: number, pack: number, ...args: [...ConvGeometry, ...ConvEpilogue]): void;
  depthwiseConv2d(
    x: number,
    w: number,
    out: number,
    pad: number,
    batch: number,
    H: number,
    W: number,
    C: number,
    Ho: number,
    Wo: number,
    KH: number,
    KW: number,
    sh: number,
    sw: number,
    dh: number,
    dwl: number,
    pt: number,
    pl: number,
    Hp: number,
    Wp: number,
  ): void;
  depthwiseFilterGrad(
    x: number,
    dy: number,
    dw: number,
    acc: number,
    batch: number,
    H: number,
    W: number,
    C: number,
    Ho: number,
    Wo: number,
    KH: number,
    KW: number,
    sh: number,
    sw: number,
    dh: number,
    dwl: number,
    pt: number,
    pl: number,
  ): void;
  depthwiseInputGrad(
    dy: number,
    w: number,
    dx: number,
    batch: number,
    H: number,
    W: number,
    C: number,
    Ho: number,
    Wo: number,
    KH: number,
    KW: number,
    sh: number,
    sw: number,
    dh: number,
    dwl: number,
    pt: number,
    pl: number,
  ): void;
  winogradFilter(w: number, u: number, Ci: number, Co: number): void;
  winogradConv3x3(
    x: number, u: number, y: number, bias: number, grid: number, v: number, m: number,
    batch: number, H: number, W: number, Ci: number, Ho: number, Wo: number, Co: number, pt: number, pl: number,
    hasBias: boolean, activation: number, tile: number,
  ): void; // prettier-ignore
  winogradFilter4(w: number, u: number, Ci: number, Co: number): void;
  winogradFilterGrad3x3(
    x: number, dy: number, dw: number, grid: number, dyGrid: number, v: number, z: number, du: number,
    batch: number, H: number, W: number, Ci: number, Ho: number, Wo: number, Co: number, pt: number, pl: number, tile: number, chunk: number,
  ): void; // prettier-ignore
  clipGrad(x: number, dy: number, out: number, n: number, lo: number, hi: number): void;
  biasActivation(y: number, bias: number, rows: number, C: number, hasBias: boolean, activation: number): void;
  reluGrad(x: number, dy: number, out: number, n: number): void;
  scatterPhase(
    src: number,
    dst: number,
    batch: number,
    Qy: number,
    Qx: number,
    C: number,
    H: number,
    W: number,
    sy: number,
    sx: number,
    ry: number,
    rx: number,
  ): void;
  batchNormTrain(x: number, gamma: number, beta: number, y: number, mean: number, variance: number, acc: number, rows: number, C: number, eps: number): void;
  batchNormTrainGrad(
    x: number,
    dy: number,
    gamma: number,
    mean: number,
    variance: number,
    dmean: number,
    dvariance: number,
    dx: number,
    dgamma: number,
    dbeta: number,
    acc: number,
    rows: number,
    C: number,
    eps: number,
  ): void;
  channelSums(x: number, out: number, rows: number, C: number, scale: number): void;
  channelBinary(op: number, x: number, k: number, out: number, rows: number, C: number, swap: boolean): void;
  adam(
    w: number,
    m: number,
    v: number,
    g: number,
    wOut: number,
    mOut: number,
    vOut: number,
    n: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    oneMinusAccBeta1: number,
    oneMinusAccBeta2: number,
    epsilon: number,
    minusLr: number,
  ): void;
}

type WasmModule = { asm?: { memory?: WebAssembly.Memory } };

let compiled: WebAssembly.Module | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/**
 * The kernels bound to `backend`'s memory (instantiated once per memory). The module has no memory, data or
 * globals of its own, so it can only touch the tensors it is handed.
 */
export function simdKernels(backend: BackendWasm): SimdKernels {
  const memory = (backend.wasm as unknown as WasmModule).asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('the tfjs wasm backend does not expose its memory');
  let kernels = instances.get(memory);
  if (!kernels) {
    compiled ??= new WebAssembly.Module(Buffer.from(SIMD_KERNELS_WASM_BASE64, 'base64'));
    kernels = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as SimdKernels;
    instances.set(memory, kernels);
  }
  return kernels;
}

/** Byte offset of a tensor's data on the backend's heap. */
export function ptr(backend: BackendWasm, info: Info): number {
  return backend.getMemoryOffset(info.dataId);
}
