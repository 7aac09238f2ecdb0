// PyTorch code generation: an nn.Module (NCHW) equivalent to a Stride model, including TensorFlow `same` padding,
// with a class per block (pytorch-tree.ts, pytorch-classes.ts) and the model class last.
// The emitters live in topic files that register themselves; a new topic is one import line below.

import type { ModelAnalysis } from '../analyze';
import type { GraphNode } from '../model/graph';
import type { Shape } from '../model/values';
import { blockClasses, docstring } from './pytorch-classes';
import { channelsFirst, helpersFor, py } from './pytorch-emit';
import { pyName } from './pytorch-names';
import { render, type Construction, type RenderEnv } from './pytorch-render';
import { moduleTree, type BlockScope } from './pytorch-tree';
import './pytorch-conv';
import './pytorch-layers';
import './pytorch-split';
import './pytorch-sequence';
import './pytorch-extra';

export { pyName };

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
  const { root } = moduleTree(model);
  const modelClass = pyName(model.graph.name);
  const env: RenderEnv & { built: Map<BlockScope, Construction> } = {
    model,
    built: new Map(),
    live: reachOutputs(model),
    logits: options.logits === true,
    refusals: new Map(),
    notes: new Set(),
  };
  const classes = blockClasses(root, env, new Set([modelClass, '_Scale', '_DropPath']));
  const body = render(root, env);
  const lines = [
    ...classes.flatMap((c) => ['', c.text, '']),
    '',
    `class ${modelClass}(nn.Module):`,
    docstring(model.graph.doc ?? `The ${model.graph.name} model.`),
    '',
    '    def __init__(self):',
    '        super().__init__()',
    ...(body.init.length ? body.init.map((l) => `        ${l}`) : ['        pass']),
    '',
    `    def forward(${['self', ...body.args].join(', ')}):`,
    ...body.forward.map((l, i) => (l.startsWith('#') ? `        ${l}` : `        ${l}  # ${shapeComment(body.shapes[i])}`)),
    `        return ${body.ret}`,
    '',
    '',
    `INPUT_SHAPES = ${py(model.graph.inputs.map((i) => toTorchShape(model.layers[i].shape ?? [])))}`,
    '',
  ];
  const code = lines.join('\n');
  // Instances are rendered more than once (to find their class), so a layer is refused once, by id.
  const refusals = [...env.refusals].sort(([a], [b]) => a - b).map(([id, reason]) => ({ node: model.layers[id].node, reason }));
  const unsupported = refusals.map((r) => `${r.node.name} (${r.node.kind})`);
  return { code: PRELUDE + helpersFor(code) + code, unsupported, refusals, notes: [...env.notes] };
}

/**
 * The dotted path of a layer's module in the exported model's `named_modules()`, which prefixes its `state_dict`
 * keys: `basic_1.0.conv2d_1`. A separable convolution owns two modules, this path with `_depthwise` and
 * `_pointwise` appended; layers without parameters get the path their module would have.
 */
export function modulePath(model: ModelAnalysis, nodeId: number): string {
  return moduleTree(model).paths.get(nodeId) ?? pyName(model.layers[nodeId].node.name);
}

/** The layers on a path to an output: the others are left out, as training leaves them out (they have no weights). */
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
