// Activation layers beyond the plain functions in basic.ts: PReLU (learned slopes), thresholded and hard variants.

import { formatInt } from '../values';
import type { InferContext, Inferred, LayerDef, Problem } from '../registry';
import { asNums } from '../shape-math';

type Result = Inferred | { problem: Problem };
const same = (ctx: InferContext): Inferred => ({ shape: ctx.inputs[0] });

/** One slope per input value (Keras), except along `shared_axes`, which share theirs (batch is axis 0). */
function inferPrelu(ctx: InferContext): Result {
  const input = ctx.inputs[0];
  const shared = asNums(ctx.args.shared_axes);
  const bad = shared.find((a) => a < 1 || a > input.length);
  if (bad !== undefined)
    return { problem: { code: 'out-of-range', arg: 'shared_axes', message: `shared axis ${bad} is out of range 1…${input.length} (batch is axis 0).` } };
  const dims = input.map((d, i) => (shared.includes(i + 1) ? 1 : d));
  const total = dims.reduce<number>((p, d) => p * (d ?? 0), 1);
  return { shape: input, params: { trainable: total, nonTrainable: 0, formula: `${dims.join('·')} slopes = ${formatInt(total)}` } };
}

function plain(kind: string, fn: string, summary: string, args: LayerDef['args'] = [], aliases?: string[]): LayerDef {
  return { kind, aliases, category: 'activation', summary, args, arity: 1, infer: same, activationFn: fn };
}

export const activationLayers: LayerDef[] = [
  {
    kind: 'prelu',
    category: 'activation',
    summary: 'Leaky ReLU whose negative slope is learned: x if x > 0 else a·x.',
    paramsDoc: 'One slope per input value; axes in shared_axes share one (shared_axes: (1, 2) gives one per channel, as PyTorch PReLU(C)).',
    args: [{ name: 'shared_axes', type: { type: 'dims' }, default: [], doc: 'Axes (batch = 0) that share a slope, e.g. (1, 2) for images.', namedOnly: true }],
    arity: 1,
    inputRank: { min: 1 },
    infer: inferPrelu,
  },
  plain('thresholded_relu', 'thresholded_relu', 'x if x > θ else 0.', [{ name: 'theta', type: { type: 'float', min: 0 }, default: 1, doc: 'Threshold θ.' }]),
  plain('hard_swish', 'hard_swish', 'x·relu6(x + 3)/6: a cheap swish (MobileNetV3).', [], ['hardswish']),
  plain('hard_tanh', 'hard_tanh', 'Clips to [−1, 1].', [], ['hardtanh']),
  plain('softsign', 'softsign', 'x / (1 + |x|).'),
  plain('mish', 'mish', 'x·tanh(softplus(x)).'),
];
