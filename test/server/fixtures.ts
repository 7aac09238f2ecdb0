// Model files the server tests open, with the facts the assertions rely on spelled out next to them.

/**
 * Net: input 32×32×3 → stem conv 16 (448 params) → conv 32 ((3·3·16 + 1)·32 = 4,640) → basic(32)
 * (conv (3·3·32 + 1)·32 = 9,248, relu, add) → maxpool 16×16×32 → flatten 8,192 → dense 10 ((8192 + 1)·10 = 81,930).
 * Total 96,266 parameters.
 */
export const NET = `## A residual block.
block basic(filters) {
  skip = in
  conv2d(filters, 3, padding: same) -> relu()
  add(skip)
}

## Small test network.
model Net {
  input(32, 32, 3)
  stem = conv2d(16, 3, padding: same)
  conv2d(32, 3, padding: same)
  basic(32)
  features = maxpool2d(2)
  flatten()
  dense(10, activation: softmax)
}

train Net {
  data: shapes
  optimizer: sgd(lr: 0.01)
  epochs: 2
}
`;

export const NET_TOTAL_PARAMS = 448 + 4640 + 9248 + 81930;

/** Batch norm: trainable γ, β and non-trainable moving statistics (2·16 each). */
export const BN = `model B {
  input(8, 8, 3)
  conv2d(16, 3)
  batchnorm()
}
`;

/** Errors with fixes: a misspelled layer, a misspelled padding value and a dense layer on an image. */
export const BROKEN = `model M {
  input(28, 28, 1)
  conv2d(8, 3, padding: sme)
  maxpool2D(2)
  dense(10)
}
`;

export function bigModel(layers: number): string {
  const lines = ['model Big {', '  input(32, 32, 3)'];
  for (let i = 0; i < layers; i++) lines.push(i % 3 === 0 ? '  conv2d(16, 3, padding: same)' : i % 3 === 1 ? '  batchnorm()' : '  relu()');
  lines.push('}', '');
  return lines.join('\n');
}
