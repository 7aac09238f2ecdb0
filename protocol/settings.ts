// The `stride.*` settings: one typed shape, defaults and a validator shared by the client and the server.

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
  const get = (key: string): unknown => lookup(raw, key);
  return {
    inlayHintsShapes: bool(get(SETTING_KEYS.inlayHintsShapes), DEFAULT_SETTINGS.inlayHintsShapes),
    codeLens: bool(get(SETTING_KEYS.codeLens), DEFAULT_SETTINGS.codeLens),
    memoryBatchSize: int(get(SETTING_KEYS.memoryBatchSize), DEFAULT_SETTINGS.memoryBatchSize, 1, 1 << 20),
    diagnosticsDelayMs: int(get(SETTING_KEYS.diagnosticsDelayMs), DEFAULT_SETTINGS.diagnosticsDelayMs, 0, 10_000),
  };
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

function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}

function int(v: unknown, fallback: number, min: number, max: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;
}
