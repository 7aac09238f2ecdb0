// Multi-head self-attention over a (length, dim) sequence, with Keras MultiHeadAttention's parameter convention.

import { formatInt } from '../values';
import type { InferContext, Inferred, LayerDef } from '../registry';
import { asNum } from '../shape-math';
import { channelsOf } from './common';

/**
 * Keras: query and key project dim → heads·key_dim, value dim → heads·value_dim, each with a bias per
 * output; the output projects heads·value_dim back to dim. With heads·key_dim = dim this equals
 * PyTorch's nn.MultiheadAttention(dim, heads): 4·(dim² + dim).
 */
function inferAttention(ctx: InferContext): Inferred {
  const input = ctx.inputs[0];
  const [steps, d] = [input[0] ?? 0, channelsOf(input) ?? 0];
  const h = asNum(ctx.args.heads);
  const k = asNum(ctx.args.key_dim);
  const v = ctx.args.value_dim === null ? k : asNum(ctx.args.value_dim);
  const b = ctx.args.bias === true ? 1 : 0;
  const qk = 2 * (d * h * k + b * h * k);
  const value = d * h * v + b * h * v;
  const out = h * v * d + b * d;
  const total = qk + value + out;
  const bias = (n: string) => (b ? ` + ${n}` : '');
  const formula = `2·(${d}·${h}·${k}${bias(`${h}·${k}`)}) + ${d}·${h}·${v}${bias(`${h}·${v}`)} + ${h}·${v}·${d}${bias(`${d}`)} = ${formatInt(total)}`;
  return {
    shape: input,
    params: { trainable: total, nonTrainable: 0, formula },
    // Projections, then scores Q·Kᵀ and their weighted sum of values, for every head.
    macs: steps * d * h * (2 * k + v) + steps * steps * h * (k + v) + steps * h * v * d,
    rf: { kind: 'global' },
  };
}

export const attentionLayers: LayerDef[] = [
  {
    kind: 'multihead_attention',
    aliases: ['multi_head_attention', 'mha', 'self_attention'],
    category: 'attention',
    summary: 'Multi-head self-attention: every position attends to every position of the current (length, dim) tensor.',
    paramsDoc:
      'Keras convention: 2·(dim·heads·key_dim + heads·key_dim) (query, key) + dim·heads·value_dim + heads·value_dim (value) + heads·value_dim·dim + dim (output).',
    args: [
      { name: 'heads', type: { type: 'int', min: 1 }, doc: 'Number of attention heads.' },
      { name: 'key_dim', type: { type: 'int', min: 1 }, doc: 'Size of each head for query and key (often dim / heads).' },
      { name: 'value_dim', type: { type: 'int', min: 1 }, default: null, doc: 'Size of each head for value; defaults to key_dim.', namedOnly: true },
      { name: 'dropout', type: { type: 'float', min: 0, max: 1 }, default: 0, doc: 'Dropout on the attention weights.', namedOnly: true },
      { name: 'bias', type: { type: 'bool' }, default: true, doc: 'Biases in the four projections.', namedOnly: true },
    ],
    arity: 1,
    inputRank: 2,
    infer: inferAttention,
  },
];
