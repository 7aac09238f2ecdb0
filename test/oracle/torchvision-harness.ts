// Checks an example network against its torchvision model: totals, each parametrised layer, and outputs with the same weights.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze, type ModelAnalysis } from '../../core/analyze';
import { exportPyTorch, modulePath, pyName, toTorchShape } from '../../core/export/pytorch';

const PYTHON = process.env.STRIDE_PYTHON ?? '/usr/bin/python3';
/** The script stays next to its sources; compiled tests run from out/test/oracle. */
const SCRIPT = path.resolve(__dirname, '../../../test/oracle/torchvision_oracle.py');
export const EXAMPLES = path.resolve(__dirname, '../../../examples');

/**
 * A Stride model (an example file, or inline text for a block) and the torchvision network it reproduces: a
 * constructor with keyword arguments, or a Python expression that builds a torchvision building block.
 */
export interface Network {
  readonly file?: string;
  readonly text?: string;
  readonly model: string;
  readonly torchvision?: string;
  readonly kwargs?: Readonly<Record<string, unknown>>;
  readonly module?: string;
}

/** A layer that owns parameters, with Keras-convention counts; MACs only for convolutions and linear layers. */
export interface Unit {
  readonly name: string;
  readonly trainable: number;
  readonly nonTrainable: number;
  readonly macs: number | null;
}

export interface OracleResult {
  readonly totals: { readonly trainable: number; readonly nonTrainable: number };
  /** torchvision's parameter owners in the order their tensors are first used (`name` is the module path). */
  readonly units: readonly (Unit & { readonly module: string; readonly type: string })[];
  /** The first tensor that could not be loaded in order into the export, or null when all were. */
  readonly load: string | null;
  /** Largest |difference| of the final outputs, and of the last parametrised layer's outputs (the logits). */
  readonly maxDiff: number | null;
  readonly logitsDiff: number | null;
  /** Standard deviation of torchvision's logits: far above the tolerance, or the comparison proves nothing. */
  readonly logitsSpread: number | null;
}

/** The layer kinds whose MACs torchvision's forward hooks count: convolutions and linear layers. */
const HOOKED = new Set(['conv2d', 'depthwise_conv2d', 'dense']);

export function loadModel(net: Network): ModelAnalysis {
  const analysis = analyze(net.text ?? fs.readFileSync(path.join(EXAMPLES, net.file ?? ''), 'utf8'));
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${net.model}: ${errors.map((d) => `${d.code}: ${d.message}`).join('\n')}`);
  const model = analysis.models.find((m) => m.graph.name === net.model);
  if (!model) throw new Error(`no model ${net.model}`);
  return model;
}

/** Stride's layers with parameters, in graph order (the order the export runs them). */
export function strideUnits(model: ModelAnalysis): Unit[] {
  return model.layers
    .filter((l) => l.params.trainable + l.params.nonTrainable > 0)
    .map((l) => ({
      name: l.node.name,
      trainable: l.params.trainable,
      nonTrainable: l.params.nonTrainable,
      macs: HOOKED.has(l.node.kind) ? l.macs : null,
    }));
}

/**
 * Dense layers that read a flattened H×W×C map (through layers that keep the shape, such as dropout), keyed by
 * their export module path: their weight columns are in channels-last order, torchvision's in channels-first.
 */
export function flattenedInputs(model: ModelAnalysis): Record<string, number[]> {
  const hints: Record<string, number[]> = {};
  for (const layer of model.layers.filter((l) => l.node.kind === 'dense')) {
    let source = model.layers[layer.node.inputs[0]];
    while (source.node.kind !== 'flatten' && source.node.inputs.length === 1) {
      const before = model.layers[source.node.inputs[0]];
      if (String(before.shape) !== String(source.shape)) break;
      source = before;
    }
    const map = source.node.kind === 'flatten' ? model.layers[source.node.inputs[0]].shape : null;
    if (map?.length === 3 && (map[0] as number) * (map[1] as number) > 1) hints[modulePath(model, layer.node.id)] = map as number[];
  }
  return hints;
}

/** Runs the export and torchvision side by side in one Python process (float64, eval mode, the same random input). */
export function runOracle(net: Network, model: ModelAnalysis): OracleResult {
  const exported = exportPyTorch(model);
  if (exported.unsupported.length > 0) throw new Error(`no PyTorch translation for ${exported.unsupported.join(', ')}`);
  const last = model.layers[model.graph.outputs[0]];
  const request = {
    ...(net.module ? { module: net.module } : { torchvision: net.torchvision, kwargs: net.kwargs ?? {} }),
    code: exported.code,
    className: pyName(model.graph.name),
    input: toTorchShape(model.layers[model.graph.inputs[0]].shape ?? []),
    flattened: flattenedInputs(model),
    softmax: last.node.args.activation === 'softmax' || last.node.kind === 'softmax',
  };
  const r = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) {
    throw new Error(
      `The torchvision oracle could not run (${PYTHON} ${SCRIPT}). It needs Python 3 with torch and torchvision ` +
        `(Debian: apt-get install python3-torch python3-torchvision). ${r.error?.message ?? ''}\n${r.stderr}`,
    );
  }
  return JSON.parse(r.stdout) as OracleResult;
}

/** The first layer whose counts or MACs differ, described with both names; null when every layer agrees. */
export function firstUnitMismatch(stride: readonly Unit[], torch: OracleResult['units']): string | null {
  for (let i = 0; i < Math.max(stride.length, torch.length); i++) {
    const [s, t] = [stride[i], torch[i]];
    const same = s && t && s.trainable === t.trainable && s.nonTrainable === t.nonTrainable && (t.macs === null || s.macs === t.macs);
    if (!same) return `layer ${i}: Stride ${s ? describeUnit(s) : 'none'} vs torchvision ${t ? `${t.module} (${t.type}) ${describeUnit(t)}` : 'none'}`;
  }
  return null;
}

const describeUnit = (u: Unit) => `${u.name} ${u.trainable}+${u.nonTrainable} params, ${u.macs ?? '-'} MACs`;

/** Outputs agree within this bound (both sides run in float64, so any real difference is far larger). */
const TOLERANCE = 1e-4;

/** The three checks of one network or block, as a suite: totals, every parametrised layer, outputs. */
export function checkAgainstTorchvision(title: string, net: Network): void {
  describe(title, () => {
    let model: ModelAnalysis | undefined;
    let result: OracleResult | undefined;
    const stride = (): ModelAnalysis => (model ??= loadModel(net));
    const oracle = (): OracleResult => (result ??= runOracle(net, stride()));

    test('trainable parameters = torchvision parameters; non-trainable = batch-norm running statistics', () => {
      const { trainable, nonTrainable } = stride().totals;
      assert.deepEqual({ trainable, nonTrainable }, oracle().totals);
    });

    test('every layer with parameters matches its torchvision module in forward order, count and MACs', () => {
      const units = strideUnits(stride());
      assert.equal(firstUnitMismatch(units, oracle().units), null);
      assert.equal(units.length, oracle().units.length);
    });

    test("with torchvision's weights loaded in order, the exported model computes torchvision's outputs", () => {
      const r = oracle();
      assert.equal(r.load, null);
      assert.ok(r.logitsSpread !== null && r.logitsSpread > 100 * TOLERANCE, `logits spread only ${r.logitsSpread}`);
      assert.ok(r.logitsDiff !== null && r.logitsDiff <= TOLERANCE, `logits differ by ${r.logitsDiff}`);
      assert.ok(r.maxDiff !== null && r.maxDiff <= TOLERANCE, `outputs differ by ${r.maxDiff}`);
    });
  });
}
