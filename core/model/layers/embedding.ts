// Embeddings: token ids → learned vectors, and learned position vectors added to a sequence.

import { formatInt } from '../values';
import type { InferContext, Inferred, LayerDef, Problem } from '../registry';
import { asNum } from '../shape-math';
import { channelsOf } from './common';

function inferEmbedding(ctx: InferContext): Inferred {
  const input = ctx.inputs[0];
  const [vocab, dim] = [asNum(ctx.args.vocab), asNum(ctx.args.dim)];
  const total = vocab * dim;
  return { shape: [...input, dim], params: { trainable: total, nonTrainable: 0, formula: `${vocab}·${dim} = ${formatInt(total)}` } };
}

/** Keras-NLP PositionEmbedding: one learned vector per position up to `length`, added to the input. */
function inferPositional(ctx: InferContext): Inferred | { problem: Problem } {
  const input = ctx.inputs[0];
  const length = asNum(ctx.args.length);
  const steps = input[0];
  if (steps !== null && steps > length)
    return { problem: { code: 'out-of-range', arg: 'length', message: `The sequence has ${steps} positions but the embedding only ${length}.` } };
  const dim = channelsOf(input) ?? 0;
  const total = length * dim;
  return { shape: input, params: { trainable: total, nonTrainable: 0, formula: `${length}·${dim} = ${formatInt(total)}` } };
}

export const embeddingLayers: LayerDef[] = [
  {
    kind: 'embedding',
    category: 'core',
    summary: 'Maps integer token ids (0 … vocab − 1) to learned vectors: (length) → (length, dim).',
    paramsDoc: 'vocab·dim.',
    args: [
      { name: 'vocab', type: { type: 'int', min: 1 }, doc: 'Number of distinct ids (Keras input_dim).' },
      { name: 'dim', type: { type: 'int', min: 1 }, doc: 'Vector size (Keras output_dim).' },
    ],
    arity: 1,
    inputRank: { min: 1 },
    infer: inferEmbedding,
  },
  {
    kind: 'positional_embedding',
    aliases: ['position_embedding'],
    category: 'attention',
    summary: 'Adds a learned vector per position to a (length, dim) sequence, as BERT does.',
    paramsDoc: 'length·dim.',
    args: [{ name: 'length', type: { type: 'int', min: 1 }, doc: 'Longest sequence supported (positions learned).' }],
    arity: 1,
    inputRank: 2,
    infer: inferPositional,
  },
];
