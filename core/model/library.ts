// The block library: blocks written in Stride itself that every file can call without defining them.

import type * as ast from '../syntax/ast';
import { parse } from '../syntax/parser';

/**
 * Library spans start here, far beyond any document, so a span tells by itself whether it points into
 * the user's text; lowering maps library spans to the call site before anyone sees them.
 */
export const LIBRARY_BASE = 1e12;

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
