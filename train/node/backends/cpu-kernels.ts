// Corrections for the tfjs cpu backend, the last-resort training backend: gradients it gets wrong.
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';

interface CpuBackend {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}
type Args = { inputs: Record<string, tf.TensorInfo>; backend: CpuBackend; attrs: Record<string, unknown> };

/** Source index along one axis, exactly as the cpu forward kernel picks it. */
function sourceIndex(o: number, inSize: number, outSize: number, alignCorners: boolean, halfPixel: boolean): number {
  const inEff = alignCorners && outSize > 1 ? inSize - 1 : inSize;
  const outEff = alignCorners && outSize > 1 ? outSize - 1 : outSize;
  const frac = (inEff / outEff) * (halfPixel ? o + 0.5 : o);
  const index = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
  return halfPixel ? Math.max(0, index) : index;
}

/**
 * The adjoint of nearest-neighbour resizing: every dy pixel is added to the one image pixel it
 * was copied from. The stock cpu kernel offsets dy by the *image's* batch stride, so every image
 * after the first read the wrong gradients (upsample2d trained wrongly with batch > 1).
 */
function resizeNearestNeighborGrad(args: Args): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { images, dy } = inputs;
  const [batch, inH, inW, C] = images.shape;
  const [, outH, outW] = dy.shape;
  const align = Boolean(attrs.alignCorners);
  const half = Boolean(attrs.halfPixelCenters);
  const rows = Array.from({ length: outH }, (_, o) => sourceIndex(o, inH, outH, align, half));
  const cols = Array.from({ length: outW }, (_, o) => sourceIndex(o, inW, outW, align, half));
  const dyValues = backend.data.get(dy.dataId).values;
  const dx = new Float32Array(batch * inH * inW * C);
  for (let n = 0, src = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const row = (n * inH + rows[oy]) * inW;
      for (let ox = 0; ox < outW; ox++, src += C) {
        const dst = (row + cols[ox]) * C;
        for (let ch = 0; ch < C; ch++) dx[dst + ch] += dyValues[src + ch];
      }
    }
  }
  return backend.makeTensorInfo(images.shape, 'float32', dx);
}

const CPU_FIXES: KernelConfig[] = [
  { kernelName: 'ResizeNearestNeighborGrad', backendName: 'cpu', kernelFunc: resizeNearestNeighborGrad as unknown as KernelFunc },
];

let registered = false;

/** Replaces the cpu kernels known to be wrong; idempotent. Returns their names. */
export function registerCpuTrainingKernels(): string[] {
  if (!registered) {
    for (const config of CPU_FIXES) {
      if (tf.getKernel(config.kernelName, 'cpu')) tf.unregisterKernel(config.kernelName, 'cpu');
      tf.registerKernel(config);
    }
    registered = true;
  }
  return CPU_FIXES.map((k) => k.kernelName);
}
