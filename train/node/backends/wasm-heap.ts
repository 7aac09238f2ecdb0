// Low-level helpers for kernels that work directly on the tfjs wasm backend's heap.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type Info = tf.TensorInfo;
export type KernelArgs = {
  inputs: Record<string, Info>;
  backend: BackendWasm;
  attrs: Record<string, unknown>;
};
type StockFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }) => Info | Info[];

/** Stock wasm kernel functions captured before any replacement, so replacements can delegate to them. */
const stock = new Map<string, StockFunc>();

/** Remembers the stock kernel for `name` (once) so it survives our own registration. */
export function captureStock(name: string): void {
  if (stock.has(name)) return;
  const config = tf.getKernel(name, 'wasm');
  if (config) stock.set(name, config.kernelFunc as unknown as StockFunc);
}

/** Runs a stock wasm kernel; the engine is bypassed, so the caller owns the result. */
export function runStock(name: string, backend: BackendWasm, inputs: Record<string, Info>, attrs: object): Info {
  const func = stock.get(name);
  if (!func) throw new Error(`stock wasm kernel ${name} was not captured`);
  return func({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs }) as Info;
}

/**
 * A Float32Array view of a tensor on the wasm heap. Views go stale whenever the heap grows
 * (any allocation may grow it), so take them only after the last allocation of a step.
 */
export function heap(backend: BackendWasm, info: Info): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** Allocates a float32 tensor on the heap; contents are undefined unless `zero`. */
export function alloc(backend: BackendWasm, shape: number[], zero = false): Info {
  const out = backend.makeOutput(shape, 'float32');
  if (zero) heap(backend, out).fill(0);
  return out;
}

/** Same data, another shape: kernels take shapes from the TensorInfo, so no copy is needed. */
export function view(info: Info, shape: number[]): Info {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

export function free(backend: BackendWasm, ...infos: Info[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Writes the transpose of a row-major `rows`×`cols` block; tiled so both sides stay in cache. */
export function transposeInto(src: Float32Array, srcOff: number, rows: number, cols: number, dst: Float32Array, dstOff: number): void {
  const tile = 32;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = Math.min(rows, r0 + tile);
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const c1 = Math.min(cols, c0 + tile);
      for (let r = r0; r < r1; r++) {
        const s = srcOff + r * cols;
        for (let c = c0; c < c1; c++) dst[dstOff + c * rows + r] = src[s + c];
      }
    }
  }
}

/** A new tensor holding `info` with its last two dimensions swapped (batched). */
export function transposeLast2(backend: BackendWasm, info: Info): Info {
  const shape = info.shape;
  const rows = shape[shape.length - 2];
  const cols = shape[shape.length - 1];
  const batch = tf.util.sizeFromShape(shape.slice(0, -2));
  const out = alloc(backend, [...shape.slice(0, -2), cols, rows]);
  const src = heap(backend, info);
  const dst = heap(backend, out);
  const size = rows * cols;
  for (let b = 0; b < batch; b++) transposeInto(src, b * size, rows, cols, dst, b * size);
  return out;
}

/**
 * Plain row-major matrix product a[m,k] × b[k,n] on the backend's fast (XNNPACK) path.
 * The backend caches b's packed form by buffer id until b is disposed: never refill a buffer
 * that has been used as `b` — allocate a fresh one.
 */
export function matmul(backend: BackendWasm, a: Info, b: Info, m: number, k: number, n: number): Info {
  const out = runStock(
    'BatchMatMul',
    backend,
    { a: view(a, [1, m, k]), b: view(b, [1, k, n]) },
    {
      transposeA: false,
      transposeB: false,
    },
  );
  return view(out, [m, n]);
}

/** Rejects layouts the kernels do not implement, with the reason. */
export function assertChannelsLast(dataFormat: unknown, kernel: string): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`${kernel} on wasm supports only channels-last (NHWC) data; got ${String(dataFormat)}`);
  }
}
