// The `stride.*` settings: one typed shape, defaults and a validator shared by the client and the server.

import { bool, guard, int, type Obj } from './validate';

export interface StrideSettings {
  /** Show the output shape after each layer line as an inlay hint. */
  readonly inlayHintsShapes: boolean;
  /** Show `params · MACs · ▶ Train · ⧉ Preview` above each model. */
  readonly codeLens: boolean;
  /** Batch size assumed by the training-memory estimate in hovers. */
  readonly memoryBatchSize: number;
  /** Quiet time after the last edit before diagnostics are recomputed and published, in milliseconds. */
  readonly diagnosticsDelayMs: number;
}

export const DEFAULT_SETTINGS: StrideSettings = {
  inlayHintsShapes: true,
  codeLens: true,
  memoryBatchSize: 32,
  diagnosticsDelayMs: 150,
};

/** The configuration section both sides read: `stride`. */
export const SETTINGS_SECTION = 'stride';

/** Setting keys as they appear in package.json, relative to the `stride` section. */
export const SETTING_KEYS = {
  inlayHintsShapes: 'inlayHints.shapes',
  codeLens: 'codeLens.enable',
  memoryBatchSize: 'memoryBatchSize',
  diagnosticsDelayMs: 'diagnostics.delayMs',
} as const satisfies Record<keyof StrideSettings, string>;

/**
 * Reads settings from the raw `stride` section (nested objects, as VS Code returns them, or dotted keys).
 * Total: anything missing or ill-typed falls back to its default, so a bad settings file never breaks the server.
 */
export function parseSettings(raw: unknown): StrideSettings {
  return {
    inlayHintsShapes: setting(raw, SETTING_KEYS.inlayHintsShapes, bool, DEFAULT_SETTINGS.inlayHintsShapes),
    codeLens: setting(raw, SETTING_KEYS.codeLens, bool, DEFAULT_SETTINGS.codeLens),
    memoryBatchSize: setting(raw, SETTING_KEYS.memoryBatchSize, (o, k) => int(o, k, 1, 1 << 20), DEFAULT_SETTINGS.memoryBatchSize),
    diagnosticsDelayMs: setting(raw, SETTING_KEYS.diagnosticsDelayMs, (o, k) => int(o, k, 0, 10_000), DEFAULT_SETTINGS.diagnosticsDelayMs),
  };
}

/** One setting checked with the validator kit; a missing or ill-typed value falls back to the default. */
function setting<T>(raw: unknown, key: string, check: (o: Obj, k: string) => T, fallback: T): T {
  const checked = guard(() => check({ [key]: lookup(raw, key) }, key))(undefined);
  return checked.ok ? checked.value : fallback;
}

function lookup(raw: unknown, dotted: string): unknown {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const record = raw as Record<string, unknown>;
  if (dotted in record) return record[dotted];
  let cur: unknown = raw;
  for (const part of dotted.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
