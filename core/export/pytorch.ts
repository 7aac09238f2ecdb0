// PyTorch code generation: an nn.Module (NCHW) equivalent to a Stride model, including TensorFlow `same` padding,
// with a class per block (pytorch-tree.ts, pytorch-classes.ts) and the model class last.
// The emitters live in topic files that register themselves; a new topic is one import line below.

import type { ModelAnalysis } from '../analyze';
import type { Shape } from '../model/values';
import { blockClasses, docstring } from './pytorch-classes';
import { py } from './pytorch-emit';
import { pyName } from './pytorch-names';
import { render, type Construction } from './pytorch-render';
import { moduleTree, type BlockScope } from './pytorch-tree';
import './pytorch-conv';
import './pytorch-layers';
import './pytorch-split';

export { pyName };

export interface ExportResult {
  readonly code: string;
  /** Layer kinds (with names) that have no PyTorch translation; the export is unusable when non-empty. */
  readonly unsupported: readonly string[];
}

const PRELUDE = `import torch
import torch.nn as nn
import torch.nn.functional as F


def _avg_pool_same(x, kernel, stride, pad):
    """Average pooling with TensorFlow's 'same' padding: padded zeros are not counted."""
    ones = torch.ones_like(x[:, :1])
    return F.avg_pool2d(F.pad(x, pad), kernel, stride) / F.avg_pool2d(F.pad(ones, pad), kernel, stride)


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
export function exportPyTorch(model: ModelAnalysis): ExportResult {
  const { root } = moduleTree(model);
  const modelClass = pyName(model.graph.name);
  const env = { model, built: new Map<BlockScope, Construction>(), unsupported: [] as number[] };
  const classes = blockClasses(root, env, new Set([modelClass, '_Scale', '_DropPath']));
  const body = render(root, env);
  const lines = [
    PRELUDE,
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
    ...body.forward.map((l, i) => `        ${l}  # ${shapeComment(body.shapes[i])}`),
    `        return ${body.ret}`,
    '',
    '',
    `INPUT_SHAPES = ${py(model.graph.inputs.map((i) => toTorchShape(model.layers[i].shape ?? [])))}`,
    '',
  ];
  const unsupported = [...new Set(env.unsupported)].sort((a, b) => a - b).map((id) => `${model.layers[id].node.name} (${model.layers[id].node.kind})`);
  return { code: lines.join('\n'), unsupported };
}

/**
 * The dotted path of a layer's module in the exported model's `named_modules()`, which prefixes its `state_dict`
 * keys: `basic_1.0.conv2d_1`. A separable convolution owns two modules, this path with `_depthwise` and
 * `_pointwise` appended; layers without parameters get the path their module would have.
 */
export function modulePath(model: ModelAnalysis, nodeId: number): string {
  return moduleTree(model).paths.get(nodeId) ?? pyName(model.layers[nodeId].node.name);
}

/** Channels-last (H, W, C) → PyTorch (C, H, W); other ranks unchanged. */
export function toTorchShape(shape: Shape): (number | null)[] {
  return shape.length === 3 ? [shape[2], shape[0], shape[1]] : [...shape];
}

function shapeComment(shape: Shape | null): string {
  return shape ? `(N, ${toTorchShape(shape).join(', ')})` : '?';
}
