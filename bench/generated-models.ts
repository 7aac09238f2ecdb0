// The generated models of the analysis benchmarks: a plain chain and a mix of blocks and chains, of any size.

/** A plain chain: conv / batchnorm / relu, one layer per line. */
export function plainChain(layers: number): string {
  const lines = ['model Plain {', '  input(32, 32, 16)'];
  const cycle = ['  conv2d(16, 3, padding: same, bias: false)', '  batchnorm()', '  relu()'];
  for (let i = 0; i < layers - 2; i++) lines.push(cycle[i % 3]);
  lines.push('  globalavgpool2d()', '}');
  return lines.join('\n') + '\n';
}

const BLOCKS = `block basic(filters) {
  skip = in
  conv2d(filters, 3, padding: same, bias: false) -> batchnorm() -> relu()
  conv2d(filters, 3, padding: same, bias: false) -> batchnorm()
  add(skip)
  relu()
}
block branch(filters) {
  a = in -> conv2d(filters, 1) -> relu()
  b = in -> conv2d(filters, 3, padding: same) -> relu()
  c = in -> maxpool2d(3, stride: 1, padding: same) -> conv2d(filters, 1)
  concat(a, b, c)
  conv2d(filters, 1)
}
`;

/** Blocks and chains mixed: residual blocks (7 layers), inception-like branches (8), `->` chains and repetition. */
export function mixed(layers: number): string {
  const lines = [BLOCKS + 'model Mixed {', '  input(32, 32, 16)'];
  let count = 1;
  for (let i = 0; count < layers - 1; i++) {
    if (i % 4 === 0) (lines.push('  basic(16) × 2'), (count += 14));
    else if (i % 4 === 1) (lines.push('  branch(16)'), (count += 8));
    else if (i % 4 === 2) (lines.push('  t' + i + ' = conv2d(16, 3, padding: same) -> batchnorm() -> relu()'), (count += 3));
    else (lines.push('  add(t' + (i - 1) + ' -> conv2d(16, 1))'), (count += 2));
  }
  lines.push('  globalavgpool2d()', '}');
  return lines.join('\n') + '\n';
}
