// The shared settings parser: defaults, nested and dotted keys, and bad values falling back.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS, parseSettings } from '../../protocol/settings';

describe('parseSettings', () => {
  it('gives the defaults for missing or non-object input', () => {
    assert.deepEqual(parseSettings(undefined), DEFAULT_SETTINGS);
    assert.deepEqual(parseSettings('stride'), DEFAULT_SETTINGS);
    assert.deepEqual(DEFAULT_SETTINGS, { inlayHintsShapes: true, codeLens: true, memoryBatchSize: 32, diagnosticsDelayMs: 150 });
  });

  it('reads nested objects (as VS Code returns them) and dotted keys', () => {
    assert.deepEqual(parseSettings({ inlayHints: { shapes: false }, codeLens: { enable: false }, memoryBatchSize: 8, diagnostics: { delayMs: 0 } }), {
      inlayHintsShapes: false,
      codeLens: false,
      memoryBatchSize: 8,
      diagnosticsDelayMs: 0,
    });
    assert.equal(parseSettings({ 'inlayHints.shapes': false }).inlayHintsShapes, false);
  });

  it('falls back per setting on ill-typed or out-of-range values', () => {
    const s = parseSettings({ inlayHints: { shapes: 'no' }, memoryBatchSize: 0, diagnostics: { delayMs: 1.5 } });
    assert.deepEqual(s, DEFAULT_SETTINGS);
    assert.equal(parseSettings({ memoryBatchSize: 2 ** 30 }).memoryBatchSize, 32);
  });
});
