// Chooses the tfjs backend in the page (stride.training.backend: WebGPU, WebGL or cpu, falling back in that order and
// saying why) and watches for a lost WebGL context.

import * as tf from '@tensorflow/tfjs';
import type { BackendChoice } from '../../protocol/training';

export interface BackendInfo {
  readonly name: 'webgpu' | 'webgl' | 'cpu';
  /** One line shown to the user: which backend runs, and why when it is not the one asked for or the slow one. */
  readonly note: string;
  readonly slow: boolean;
}

type Name = BackendInfo['name'];

/** The preference the current backend was chosen for. */
let chosenFor: BackendChoice | undefined;

/** Whether the page should choose again: the host asks for another preference than the current backend's. */
export const needsBackend = (choice: BackendChoice | undefined): choice is BackendChoice => choice !== undefined && choice !== chosenFor;

/** What each preference tries, in order: each one unavailable falls back to the next. */
const ORDER: Readonly<Record<BackendChoice, readonly Name[]>> = {
  auto: ['webgpu', 'webgl', 'cpu'],
  webgpu: ['webgpu', 'webgl', 'cpu'],
  webgl: ['webgl', 'cpu'],
  cpu: ['cpu'],
};

/** The first backend of the preference's order that starts here; the note names it and each fallback's reason. */
export async function chooseBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  chosenFor = choice;
  const reasons: string[] = [];
  for (const name of ORDER[choice]) {
    const failure = await tryBackend(name);
    if (failure === null) return describe(name, reasons);
    reasons.push(failure);
  }
  return describe('cpu', reasons);
}

function describe(name: Name, reasons: readonly string[]): BackendInfo {
  const why = reasons.length > 0 ? ` (${reasons.join('; ')})` : '';
  if (name === 'webgpu') return { name, note: `Backend: webgpu${why}.`, slow: false };
  if (name === 'webgl') {
    const renderer = rendererName();
    return { name, note: `Backend: webgl${renderer ? `, ${renderer}` : ''}${why}.`, slow: false };
  }
  const slow = reasons.length > 0 ? ', so training is much slower' : '';
  return { name, note: `Backend: cpu (pure JavaScript)${why}${slow}.`, slow: true };
}

/** Null when the backend now runs, else why not, in words. */
async function tryBackend(name: Name): Promise<string | null> {
  try {
    if (name === 'webgpu') return await tryWebgpu();
    // WebGL, software renderers included: SwiftShader still trains about twice as fast as the cpu backend, and tfjs
    // would otherwise refuse it (failIfMajorPerformanceCaveat) and silently fall back.
    if (name === 'webgl') tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
    if (!(await tf.setBackend(name))) return name === 'webgl' ? 'WebGL is not available in this webview' : `${name} did not start`;
    await tf.ready();
    return null;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return name === 'webgl' ? `WebGL is not available in this webview: ${detail}` : `${name} failed to start: ${detail}`;
  }
}

/** WebGPU needs an adapter; tfjs's WebGPU backend is loaded only when one is there (it is large). */
async function tryWebgpu(): Promise<string | null> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu) return 'WebGPU is not available in this webview';
  if (!(await gpu.requestAdapter())) return 'WebGPU is not available in this webview: no adapter';
  await import(/* webpackChunkName: "webgpu" */ '@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) return 'WebGPU did not start';
  await tf.ready();
  return null;
}

function glContext(): WebGLRenderingContext | WebGL2RenderingContext | undefined {
  const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } };
  return backend?.gpgpu?.gl;
}

function rendererName(): string | undefined {
  const gl = glContext();
  if (!gl) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  return typeof name === 'string' ? name : undefined;
}

/** Calls `onLost` once when the backend's WebGL context is lost; returns an unsubscribe function. */
export function watchContextLoss(onLost: () => void): () => void {
  const canvas = glContext()?.canvas;
  if (!canvas || !('addEventListener' in canvas)) return () => undefined;
  const listener = () => onLost();
  canvas.addEventListener('webglcontextlost', listener, { once: true });
  return () => canvas.removeEventListener('webglcontextlost', listener);
}

/** Loses the context on purpose (WEBGL_lose_context): how the recovery path is exercised. */
export function loseContextForTest(): boolean {
  const ext = glContext()?.getExtension('WEBGL_lose_context');
  ext?.loseContext();
  return !!ext;
}

/**
 * tfjs does not recover from a lost context: every texture of the old backend is gone. Drop that backend and
 * register a fresh one; callers rebuild their models and load checkpointed weights.
 */
export async function replaceWebglBackend(): Promise<BackendInfo> {
  try {
    tf.removeBackend('webgl');
  } catch {
    // Disposing a backend whose context is gone can throw; it is removed either way.
  }
  tf.registerBackend('webgl', () => new tf.MathBackendWebGL(), 2);
  // WebGL again, as before the loss; the user's preference stays what it was.
  const preference = chosenFor;
  const info = await chooseBackend('webgl');
  chosenFor = preference;
  return info;
}
