// How the PyTorch export carries each layer kind, in words: exact, exact with a note (a helper module written into
// the file, arguments it refuses), or refused. The docs table and the format's `support(kind)` read it.

import { defaultRegistry } from '../model/layers';
import { ACT, emitterOf } from './pytorch-emit';
import './pytorch';

export interface PyTorchSupport {
  readonly status: 'exact' | 'note' | 'refused';
  readonly note?: string;
}

const HELPER = (name: string, what: string) => `a small module (${name}) written into the file: ${what}`;

const NOTES: Record<string, string> = {
  split: 'lowered to one slice per part',
  scale: HELPER('_Scale', 'PyTorch has no layer scale module'),
  drop_path: HELPER('_DropPath', "torchvision's StochasticDepth in row mode"),
  prelu: HELPER('_PReLU', "Keras's slope per element (nn.PReLU has one per channel at most)"),
  positional_embedding: HELPER('_PositionalEmbedding', 'a learned vector per position'),
  multihead_attention: HELPER('_SelfAttention', "Keras's per-head query, key and value widths as nn.Linear projections"),
  gaussian_noise: HELPER('_GaussianNoise', 'PyTorch has none; identity at inference'),
  gaussian_dropout: HELPER('_GaussianDropout', 'PyTorch has none; identity at inference'),
  simple_rnn: 'activation tanh or relu only (nn.RNN)',
  lstm: "activation tanh only (nn.LSTM); Keras's single bias becomes bias_ih, bias_hh is zero",
  gru: "reset_after: true and activation tanh only (nn.GRU is Keras's reset_after form); gates z, r, h reordered to r, z, n",
  layernorm: 'the last axis only; with only one of center and scale, the other parameter stays frozen at 0 or 1',
  batchnorm: 'the channel axis only; with only one of center and scale, the other parameter stays frozen at 0 or 1',
  groupnorm: 'with only one of center and scale, the other parameter stays frozen at 0 or 1',
  resizing: 'nearest uses mode="nearest-exact" (half-pixel centres, as Keras)',
};

/** What the PyTorch export does with `kind` (a canonical registry kind). */
export function pytorchSupport(kind: string): PyTorchSupport {
  const fn = defaultRegistry.get(kind)?.activationFn;
  const translated = kind === 'input' || kind === 'split' || emitterOf(kind) !== undefined || (fn !== undefined && Object.hasOwn(ACT, fn));
  if (!translated) return { status: 'refused', note: 'no PyTorch translation' };
  return Object.hasOwn(NOTES, kind) ? { status: 'note', note: NOTES[kind] } : { status: 'exact' };
}
