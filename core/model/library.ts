// The block library: blocks written in Stride itself that every file can call without defining them.

import type * as ast from '../syntax/ast';
import { parse } from '../syntax/parser';

/**
 * Library spans start here, beyond any document, so a span tells by itself whether it points into the user's text;
 * lowering maps library spans to the call site before anyone sees them. 2²⁹ is past V8's longest string
 * (2²⁹ − 24 characters), and library offsets stay below 2³⁰, so they are small integers that V8 keeps unboxed even
 * with pointer compression (Electron's). A larger base (it was 10¹²) turned the fields of every span object in the
 * process into boxed doubles: two extra heap objects per span.
 */
export const LIBRARY_BASE = 2 ** 29;

export const LIBRARY_SOURCE = `## Rounds \`v\` to the nearest multiple of \`divisor\`, never below \`min_value\` and never more than 10% below \`v\`
## (MobileNet's and EfficientNet's channel rule).
fn make_divisible(v, divisor = 8, min_value = divisor) {
  n = max(min_value, int(v + divisor / 2) // divisor * divisor)
  n + divisor if n < 0.9 * v else n
}

## A transformer encoder layer (post-norm, as in BERT and the original Transformer):
## multi-head self-attention and a position-wise feed-forward network, each followed by
## dropout, a residual addition and layer normalization. \`dim\` must equal the input's last axis
## and be divisible by \`heads\`.
block transformer_encoder(dim, heads, ffn = dim * 4, dropout = 0.1, epsilon = 1e-6) {
  x = in
  multihead_attention(heads, dim / heads, dropout: dropout)
  dropout(dropout)
  attended = add(x) -> layernorm(epsilon: epsilon)
  dense(ffn, activation: gelu)
  dense(dim)
  dropout(dropout)
  add(attended)
  layernorm(epsilon: epsilon)
}

## Squeeze-and-excitation (Hu et al., 2018): global average pooling squeezes each of the \`channels\` to one number,
## two 1×1 convolutions (\`channels\` → \`squeeze\` with \`act\`, then back with \`gate\`) turn those numbers into
## per-channel weights, and the input is multiplied by them. \`channels\` must equal the input's channels.
block squeeze_excite(channels, squeeze, gate = sigmoid, act = relu) {
  x = in
  globalavgpool2d(keepdims: true)
  conv2d(squeeze, 1, activation: act)
  conv2d(channels, 1, activation: gate)
  multiply(x)
}

## An inverted residual block with optional squeeze-and-excitation (MBConv: EfficientNet, MobileNetV3).
## A 1×1 convolution expands \`cin\` to \`expanded\` channels (left out when they are equal), a \`kernel\`×\`kernel\`
## depthwise convolution with \`stride\` filters each channel, squeeze-and-excitation to \`squeeze\` channels
## (0: none) reweights them, and a linear 1×1 convolution projects to \`cout\`. When the shape is kept (stride 1,
## \`cin\` = \`cout\`) the input is added back, after stochastic depth (\`drop_path\`). \`act\` is the block's
## activation, \`se_act\` and \`gate\` those of the squeeze-and-excitation; \`epsilon\` and \`momentum\` go to every
## batch normalization.
block mbconv(cin, cout, expanded, kernel = 3, stride = 1, squeeze = 0, act = swish, se_act = act, gate = sigmoid, drop_path = 0.0, epsilon = 1e-3, momentum = 0.99) {
  skip = in
  if expanded != cin {
    conv2d(expanded, 1, bias: false) -> batchnorm(epsilon: epsilon, momentum: momentum) -> activation(act)
  }
  depthwise_conv2d(kernel, stride: stride, padding: kernel // 2, bias: false)
  batchnorm(epsilon: epsilon, momentum: momentum) -> activation(act)
  if squeeze > 0 {
    squeeze_excite(expanded, squeeze, gate: gate, act: se_act)
  }
  conv2d(cout, 1, bias: false) -> batchnorm(epsilon: epsilon, momentum: momentum)
  if stride == 1 and cin == cout {
    if drop_path > 0 {
      drop_path(drop_path)
    }
    add(skip)
  }
}

## ShuffleNetV2's unit (Ma et al., 2018), producing \`cout\` channels. With stride 1 the input (\`cout\` channels)
## is split in half: one half passes unchanged, the other goes through a 1×1 convolution, a 3×3 depthwise
## convolution and another 1×1 convolution. With stride 2 both branches read the whole input and halve the
## resolution: a 3×3 depthwise and a 1×1 convolution on one side, the three convolutions on the other. The two
## halves are concatenated and their channels shuffled, so the next unit mixes them.
block shuffle_unit(cout, stride = 1, epsilon = 1e-3, momentum = 0.99) {
  x = in
  if stride == 1 {
    kept, changed = split(2)
    changed -> conv2d(cout // 2, 1, bias: false) -> batchnorm(epsilon: epsilon, momentum: momentum) -> relu()
    depthwise_conv2d(3, padding: 1, bias: false) -> batchnorm(epsilon: epsilon, momentum: momentum)
    branch = conv2d(cout // 2, 1, bias: false) -> batchnorm(epsilon: epsilon, momentum: momentum) -> relu()
    concat(kept, branch)
  } else {
    depthwise_conv2d(3, stride: stride, padding: 1, bias: false) -> batchnorm(epsilon: epsilon, momentum: momentum)
    left = conv2d(cout // 2, 1, bias: false) -> batchnorm(epsilon: epsilon, momentum: momentum) -> relu()
    x -> conv2d(cout // 2, 1, bias: false) -> batchnorm(epsilon: epsilon, momentum: momentum) -> relu()
    depthwise_conv2d(3, stride: stride, padding: 1, bias: false) -> batchnorm(epsilon: epsilon, momentum: momentum)
    right = conv2d(cout // 2, 1, bias: false) -> batchnorm(epsilon: epsilon, momentum: momentum) -> relu()
    concat(left, right)
  }
  channel_shuffle(2)
}

## ConvNeXt's block (Liu et al., 2022) on \`dim\` channels: a 7×7 depthwise convolution, layer normalization over
## the channels, an inverted bottleneck of two dense layers (4·\`dim\` with GELU, then back to \`dim\`), a learnable
## per-channel scale starting at \`layer_scale\`, stochastic depth (\`drop_path\`) and the residual addition.
block convnext_block(dim, layer_scale = 1e-6, drop_path = 0.0) {
  skip = in
  depthwise_conv2d(7, padding: 3)
  layernorm(epsilon: 1e-6)
  dense(4 * dim, activation: gelu)
  dense(dim)
  scale(init: layer_scale)
  if drop_path > 0 {
    drop_path(drop_path)
  }
  add(skip)
}
`;

let cached: readonly ast.Item[] | undefined;

/** The library's items, parsed once. */
function libraryItems(): readonly ast.Item[] {
  if (!cached) {
    const parsed = parse(LIBRARY_SOURCE, LIBRARY_BASE);
    if (parsed.diagnostics.length > 0) throw new Error(`block library does not parse: ${parsed.diagnostics[0].message}`);
    cached = parsed.file.items;
  }
  return cached;
}

let blocks: ReadonlyMap<string, ast.BlockDecl> | undefined;
let functions: ReadonlyMap<string, ast.FnDecl> | undefined;

/** The library's blocks by name. */
export function libraryBlocks(): ReadonlyMap<string, ast.BlockDecl> {
  blocks ??= new Map(libraryItems().flatMap((i) => (i.kind === 'block' ? [[i.name.name, i] as const] : [])));
  return blocks;
}

/** The library's value functions by name (`make_divisible`). */
export function libraryFunctions(): ReadonlyMap<string, ast.FnDecl> {
  functions ??= new Map(libraryItems().flatMap((i) => (i.kind === 'fn' ? [[i.name.name, i] as const] : [])));
  return functions;
}

export function isLibrarySpan(span: { readonly start: number }): boolean {
  return span.start >= LIBRARY_BASE;
}

/** The source text under a span, whether it lies in the document or in the library. */
export function sourceSlice(text: string, at: { readonly start: number; readonly end: number }): string {
  return isLibrarySpan(at) ? LIBRARY_SOURCE.slice(at.start - LIBRARY_BASE, at.end - LIBRARY_BASE) : text.slice(at.start, at.end);
}
