// Picks the fastest tfjs backend available in Node: tfjs-node, else wasm with Stride's kernels, else cpu.
import * as tf from '@tensorflow/tfjs';
import { registerCpuTrainingKernels } from './cpu-kernels';
import { registerWasmTrainingKernels } from './wasm-kernels';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/**
 * The wasm backend runs single-threaded: its threaded build needs a patched loader in Node and
 * helped only conv-heavy nets (~1.4×) while slowing tiny ones and costing ~350 ms of start-up.
 */
export const WASM_THREADS = 1;

export interface SelectOptions {
  /** Forces one backend; otherwise `STRIDE_BACKEND`, otherwise the fastest that loads. */
  backend?: BackendName | 'auto';
  /** Receives warnings (slow fallback, failed forced backend); defaults to console.warn. */
  warn?: (message: string) => void;
  /** Environment to read `STRIDE_BACKEND` from; defaults to process.env. */
  env?: Record<string, string | undefined>;
}

export interface SelectedBackend {
  name: BackendName;
  /** One line for the start of every run, e.g. "wasm (SIMD, 1 thread, 8 Stride kernels)". */
  description: string;
}

const CPU_WARNING =
  'Training on the pure-JavaScript cpu backend: expect it to be 100x (small nets) to 500x (conv nets) slower than wasm. ' +
  'Install @tensorflow/tfjs-backend-wasm (or @tensorflow/tfjs-node) for real work.';

function requested(options: SelectOptions): BackendName | 'auto' {
  const raw = options.backend ?? (options.env ?? process.env).STRIDE_BACKEND ?? 'auto';
  const value = raw.trim().toLowerCase();
  if (value === '' || value === 'auto') return 'auto';
  const alias = value === 'node' || value === 'tfjs-node' ? 'tensorflow' : value;
  if ((BACKEND_NAMES as readonly string[]).includes(alias)) return alias as BackendName;
  throw new Error(`Unknown backend "${raw}": expected one of auto, ${BACKEND_NAMES.join(', ')}`);
}

async function tryTensorflow(): Promise<SelectedBackend | null> {
  try {
    // tfjs-node is optional: it downloads libtensorflow at install time and is often absent.
    require('@tensorflow/tfjs-node');
  } catch {
    return null;
  }
  // A tfjs-node that registered on another copy of tfjs, or a bundle's cached failed require, registers nothing here.
  if (!tf.findBackendFactory('tensorflow')) return null;
  if (!(await tf.setBackend('tensorflow'))) return null;
  return { name: 'tensorflow', description: 'tensorflow (tfjs-node, native libtensorflow)' };
}

async function tryWasm(): Promise<SelectedBackend | null> {
  try {
    require('@tensorflow/tfjs-backend-wasm');
  } catch {
    return null;
  }
  // Said outright, not left to the flag's Node default: the threaded binary is then never asked for, and the package
  // leaves it out.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', WASM_THREADS > 1);
  if (!(await tf.setBackend('wasm'))) return null;
  const kernels = registerWasmTrainingKernels();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return { name: 'wasm', description: `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${WASM_THREADS} thread, ${kernels.length} Stride kernels)` };
}

async function useCpu(warn: (message: string) => void): Promise<SelectedBackend> {
  await tf.setBackend('cpu');
  registerCpuTrainingKernels();
  // Our warning replaces tfjs's own banner, which advertises only tfjs-node.
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  warn(CPU_WARNING);
  return { name: 'cpu', description: 'cpu (pure JavaScript, slow)' };
}

const TRIERS: Record<Exclude<BackendName, 'cpu'>, () => Promise<SelectedBackend | null>> = {
  tensorflow: tryTensorflow,
  wasm: tryWasm,
};

/** Selects and initialises a backend; a forced backend that fails to load is an error, not a fallback. */
export async function selectBackend(options: SelectOptions = {}): Promise<SelectedBackend> {
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const want = requested(options);
  if (want === 'cpu') return useCpu(warn);
  if (want !== 'auto') {
    const chosen = await TRIERS[want]();
    if (!chosen) throw new Error(`Backend "${want}" was requested but could not be loaded`);
    return chosen;
  }
  for (const name of ['tensorflow', 'wasm'] as const) {
    const chosen = await TRIERS[name]();
    if (chosen) return chosen;
  }
  return useCpu(warn);
}
