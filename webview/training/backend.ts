// Chooses the tfjs backend in the page (WebGL first, cpu as the visible fallback) and watches for a lost WebGL context.

import * as tf from '@tensorflow/tfjs';

export interface BackendInfo {
  readonly name: 'webgl' | 'cpu';
  /** One line shown to the user: which backend runs, and why when it is the slow one. */
  readonly note: string;
  readonly slow: boolean;
}

/**
 * WebGL, software renderers included: SwiftShader still trains about twice as fast as the cpu backend, and tfjs would
 * otherwise refuse it (failIfMajorPerformanceCaveat) and silently fall back.
 */
export async function chooseBackend(): Promise<BackendInfo> {
  tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
  try {
    if (await tf.setBackend('webgl')) {
      await tf.ready();
      const renderer = rendererName();
      return { name: 'webgl', note: `Backend: WebGL${renderer ? ` (${renderer})` : ''}.`, slow: false };
    }
  } catch {
    // Fall through to cpu: the reason is the same for the user (no usable WebGL here).
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { name: 'cpu', note: 'Backend: cpu (pure JavaScript). WebGL is not available in this window, so training is much slower.', slow: true };
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
  return chooseBackend();
}
