// PyTorch code generation: an nn.Module (NCHW) equivalent to a Stride model, including TensorFlow `same` padding.
// The emitters live in topic files that register themselves; a new topic is one import line below.

import type { ModelAnalysis } from '../analyze';
import type { Shape } from '../model/values';
import type { GraphNode } from '../model/graph';
import { ACT, channelsFirst, emitterOf, helpersFor, py, type Ctx, type Emitted, type In, type Refusal } from './pytorch-emit';
import { asLogits } from './pytorch-logits';
import './pytorch-conv';
import './pytorch-layers';
import './pytorch-split';
import './pytorch-sequence';
import './pytorch-extra';

export interface ExportResult {
  readonly code: string;
  /** Layer kinds (with names) that have no PyTorch translation; the export is unusable when non-empty. */
  readonly unsupported: readonly string[];
  /** The same layers with their nodes (for line numbers) and why each has no translation. */
  readonly refusals: readonly { readonly node: GraphNode; readonly reason: string }[];
  /** What the user should know about the code: e.g. which final activation `logits` left out. */
  readonly notes: readonly string[];
}

export interface PyTorchOptions {
  /** Leave out a final softmax or sigmoid so the module returns logits (for losses that apply it themselves). */
  readonly logits?: boolean;
}

/**
 * The attribute path of a layer's module inside the exported model, which is also the prefix of its parameters'
 * state_dict keys (`<path>.weight`). Everything that names parameters (the weights writer) asks here.
 */
export function modulePath(_model: ModelAnalysis, node: GraphNode): string {
  return pyName(node.name);
}

const RESERVED = new Set([
  'F',
  'nn',
  'torch',
  'self',
  'and',
  'as',
  'assert',
  'class',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'for',
  'from',
  'global',
  'if',
  'import',
  'is',
  'lambda',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
  'None',
  'True',
  'False',
]);

/** A Python identifier for a node name: `basic_1/conv2d_2` → `basic_1__conv2d_2`; keywords get a trailing `_`. */
export function pyName(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, '__').replace(/^(\d)/, '_$1');
  return RESERVED.has(id) ? `${id}_` : id;
}
/** The PyTorch module and forward expression of one layer, or undefined when it has no translation. */
function emit(ctx: Ctx): Emitted | Refusal | undefined {
  const rank = ctx.inShapes[0]?.length ?? 0;
  const input: In = { x: ctx.inputs[0], rank, cin: (ctx.inShapes[0]?.[rank - 1] ?? 0) as number };
  const emitter = emitterOf(ctx.info.node.kind);
  if (emitter) return emitter(ctx, input);
  // Activation layers (relu(), softmax(), …) translate through the activation table.
  const def = ctx.info.node.def;
  if (def?.activationFn && ACT[def.activationFn]) return { expr: ACT[def.activationFn](input.x, ctx.args, rank) };
  return undefined;
}

const PRELUDE = `import torch
import torch.nn as nn
import torch.nn.functional as F


class _Scale(nn.Module):
    """Layer scale: one learned factor per channel, shaped to broadcast over the channel axis."""

    def __init__(self, channels, init, dims):
        super().__init__()
        self.weight = nn.Parameter(torch.full((channels,) + (1,) * (dims - 1), float(init)))

    def forward(self, x):
        return x * self.weight


class _DropPath(nn.Module):
    """Stochastic depth (torchvision's StochasticDepth, "row" mode): drops whole samples in training."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def forward(self, x):
        if not self.training or self.rate == 0.0:
            return x
        keep = 1.0 - self.rate
        mask = x.new_empty((x.shape[0],) + (1,) * (x.dim() - 1)).bernoulli_(keep)
        return x * mask / keep
`;

/** Generates a PyTorch module for one analysed model. Inputs are NCHW for images, as PyTorch expects. */
export function exportPyTorch(model: ModelAnalysis, options: PyTorchOptions = {}): ExportResult {
  const names = model.layers.map((l) => pyName(l.node.name));
  const body = moduleBody(model, names, options.logits === true);
  const inputs = model.graph.inputs.map((i) => names[i]);
  const outputs = model.graph.outputs.map((i) => names[i]);
  const lines = [
    PRELUDE + helpersFor([...body.init, ...body.forward].join('\n')),
    '',
    `class ${pyName(model.graph.name)}(nn.Module):`,
    `    """${(model.graph.doc ?? `The ${model.graph.name} model.`).replace(/"""/g, "'''")}"""`,
    '',
    '    def __init__(self):',
    '        super().__init__()',
    ...(body.init.length ? body.init.map((l) => `        ${l}`) : ['        pass']),
    '',
    `    def forward(self, ${inputs.join(', ')}):`,
    ...body.forward.map((l) => `        ${l}`),
    `        return ${outputs.length === 1 ? outputs[0] : `(${outputs.join(', ')})`}`,
    '',
    '',
    `INPUT_SHAPES = ${py(model.graph.inputs.map((i) => toTorchShape(model.layers[i].shape ?? [])))}`,
    '',
  ];
  const unsupported = body.refusals.map((r) => `${r.node.name} (${r.node.kind})`);
  return { code: lines.join('\n'), unsupported, refusals: body.refusals, notes: body.notes };
}

type Body = { init: string[]; forward: string[]; refusals: { node: GraphNode; reason: string }[]; notes: string[] };

/** The `__init__` and `forward` lines of every layer, and the layers that have no translation. */
function moduleBody(model: ModelAnalysis, names: readonly string[], logits: boolean): Body {
  const body: Body = { init: [], forward: [], refusals: [], notes: [] };
  const { init, forward } = body;
  const live = reachOutputs(model);
  for (const info of model.layers) {
    const name = names[info.node.id];
    // Layers on no path to an output are left out, as training leaves them out (they have no weights there).
    if (info.node.kind === 'input' || !live.has(info.node.id)) continue;
    const ctx: Ctx = {
      info,
      inputs: info.node.inputs.map((i) => names[i]),
      inShapes: info.node.inputs.map((i) => model.layers[i].shape ?? []),
      self: `self.${name}`,
      args: info.node.args,
    };
    const known = info.shape && ctx.inShapes.every((s) => s.every((d) => d !== null));
    const final = logits && model.graph.outputs.includes(info.node.id) ? asLogits(ctx) : undefined;
    const out = !known ? undefined : final?.identity ? { expr: ctx.inputs[0] } : emit(final?.ctx ?? ctx);
    if (!out || 'refused' in out) {
      body.refusals.push({ node: info.node, reason: out?.refused ?? (known ? 'no PyTorch translation' : 'unknown shape') });
      continue;
    }
    if (out.init) init.push(...out.init.split('\n'));
    if (final) {
      forward.push(`# ${final.note}`);
      body.notes.push(final.note);
    }
    forward.push(`${name} = ${out.expr}  # ${shapeComment(info.shape)}`);
  }
  return body;
}

/** The layers on a path to an output. */
function reachOutputs(model: ModelAnalysis): Set<number> {
  const live = new Set<number>();
  const stack = [...model.graph.outputs];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (live.has(id)) continue;
    live.add(id);
    stack.push(...model.layers[id].node.inputs);
  }
  return live;
}

/** Channels-last (H, W, C) → PyTorch (C, H, W), and (D, H, W, C) → (C, D, H, W); other ranks unchanged. */
export function toTorchShape(shape: Shape): (number | null)[] {
  return channelsFirst(shape.length) ? [shape[shape.length - 1], ...shape.slice(0, -1)] : [...shape];
}

function shapeComment(shape: Shape | null): string {
  return shape ? `(N, ${toTorchShape(shape).join(', ')})` : '?';
}
