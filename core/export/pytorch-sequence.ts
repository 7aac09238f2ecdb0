// PyTorch emitters for sequence models: embeddings, learned positions, recurrent layers (Keras's gates and merges)
// and multi-head self-attention with Keras's per-head projections.

import { py, registerEmitters, registerHelper, toFirst, toLast, type Emitter } from './pytorch-emit';

registerHelper(
  '_PositionalEmbedding',
  `class _PositionalEmbedding(nn.Module):
    """A learned vector per position (up to \`length\`) added to an (N, L, C) sequence, as BERT's position embeddings."""

    def __init__(self, length, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(length, dim))
        nn.init.xavier_uniform_(self.weight)

    def forward(self, x):
        return x + self.weight[: x.shape[1]]`,
);

registerHelper(
  '_keras_rnn_output',
  `def _keras_rnn_output(y, units, last, merge):
    """Keras's output of a recurrent layer from PyTorch's (N, L, directions·units): each direction's last step (the
    backward one ends at step 0) or every step, the two directions merged as Keras's merge_mode says."""
    if last:
        y = torch.cat([y[:, -1, :units], y[:, 0, units:]], dim=-1)
    forward, backward = y[..., :units], y[..., units:]
    if merge == "sum":
        return forward + backward
    if merge == "mul":
        return forward * backward
    if merge == "ave":
        return (forward + backward) / 2
    return y`,
);

registerHelper(
  '_SelfAttention',
  `class _SelfAttention(nn.Module):
    """Keras MultiHeadAttention used as self-attention: per-head query and key projections of width key_dim, values of
    width value_dim, softmax(QKᵀ/√key_dim)·V, the heads concatenated and projected back to the input width."""

    def __init__(self, dim, heads, key_dim, value_dim, bias, dropout):
        super().__init__()
        self.heads, self.key_dim, self.value_dim = heads, key_dim, value_dim
        self.query = nn.Linear(dim, heads * key_dim, bias=bias)
        self.key = nn.Linear(dim, heads * key_dim, bias=bias)
        self.value = nn.Linear(dim, heads * value_dim, bias=bias)
        self.output = nn.Linear(heads * value_dim, dim, bias=bias)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        n, length = x.shape[0], x.shape[1]

        def per_head(t, size):
            return t.reshape(n, length, self.heads, size).transpose(1, 2)

        q = per_head(self.query(x), self.key_dim) / self.key_dim**0.5
        k = per_head(self.key(x), self.key_dim)
        v = per_head(self.value(x), self.value_dim)
        weights = self.dropout(torch.softmax(q @ k.transpose(-1, -2), dim=-1))
        return self.output((weights @ v).transpose(1, 2).reshape(n, length, self.heads * self.value_dim))`,
);

const MODULES = { simple_rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' } as const;

/**
 * nn.RNN, nn.LSTM or nn.GRU (batch first). Keras and PyTorch agree on the maths of tanh cells (LSTM gates i, f, c, o are
 * PyTorch's i, f, g, o; Keras's reset_after GRU is PyTorch's GRU); the weights writer reorders GRU gates and biases.
 */
function recurrent(kind: keyof typeof MODULES): Emitter {
  return ({ args, self }, { x, cin }) => {
    const act = args.activation as string;
    if (kind === 'gru' && args.reset_after === false) return { refused: "reset_after: false; PyTorch's GRU is the reset_after form only" };
    if (act !== 'tanh' && !(kind === 'simple_rnn' && act === 'relu')) {
      return { refused: `activation ${act}; PyTorch's ${MODULES[kind]} computes its state with tanh${kind === 'simple_rnn' ? ' or relu' : ''}` };
    }
    const units = args.units as number;
    const both = args.bidirectional === true;
    const extra = `${act === 'relu' ? ', nonlinearity="relu"' : ''}${both ? ', bidirectional=True' : ''}`;
    const init = `${self} = nn.${MODULES[kind]}(${cin}, ${units}, batch_first=True, bias=${py(args.bias)}${extra})`;
    const last = args.return_sequences !== true;
    // Plain indexing where it says it all: every step of one direction or of concatenated ones, one direction's last.
    if (!last && (!both || args.merge_mode === 'concat')) return { init, expr: `${self}(${x})[0]` };
    if (!both) return { init, expr: `${self}(${x})[0][:, -1]` };
    return { init, expr: `_keras_rnn_output(${self}(${x})[0], ${units}, ${py(last)}, ${py(args.merge_mode)})` };
  };
}

const SEQUENCE: Record<string, Emitter> = {
  // Ids arrive as floats (the input layer's type); the output gains a channel axis, channels-first for images.
  embedding: ({ args, self, info }, { x, rank }) => ({
    init: `${self} = nn.Embedding(${args.vocab}, ${args.dim})`,
    expr: toFirst(`${self}(${toLast(x, rank)}.long())`, info.shape?.length ?? 0),
  }),
  positional_embedding: ({ args, self }, { x, cin }) => ({ init: `${self} = _PositionalEmbedding(${args.length}, ${cin})`, expr: `${self}(${x})` }),
  simple_rnn: recurrent('simple_rnn'),
  lstm: recurrent('lstm'),
  gru: recurrent('gru'),
  multihead_attention: ({ args, self }, { x, cin }) => {
    const valueDim = args.value_dim === null || args.value_dim === undefined ? args.key_dim : args.value_dim;
    const init = `${self} = _SelfAttention(${cin}, ${args.heads}, ${args.key_dim}, ${valueDim}, bias=${py(args.bias)}, dropout=${py(args.dropout ?? 0)})`;
    return { init, expr: `${self}(${x})` };
  },
  repeat_vector: ({ args }, { x }) => ({ expr: `${x}.unsqueeze(1).repeat(1, ${args.n}, 1)` }),
};

registerEmitters(SEQUENCE);
