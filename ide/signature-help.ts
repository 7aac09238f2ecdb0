// Signature help for layer, block and value-function calls: the argument list with the one being typed highlighted.

import type { Analysis } from '../core/analyze';
import { defaultRegistry } from '../core/model/layers';
import { libraryFunctions, sourceSlice } from '../core/model/library';
import { argLabel, typeText } from './signatures';
import { tokenContext, type TokenContext } from './token-context';

export interface ParameterInfo {
  readonly label: string;
  readonly documentation?: string;
}

/** One signature with the argument being typed. */
export interface SignatureInfo {
  readonly label: string;
  readonly documentation?: string;
  readonly parameters: readonly ParameterInfo[];
  readonly activeParameter: number;
}

export function signatureHelp(analysis: Analysis, offset: number): SignatureInfo | null {
  const ctx = tokenContext(analysis.parse, analysis.text, offset);
  if (ctx.inert || !ctx.open || ctx.open.kind !== '(' || !ctx.open.callee) return null;
  const callee = ctx.open.callee;
  const def = defaultRegistry.get(callee);
  if (def) {
    const params = def.args.map((a) => ({ label: argLabel(a), documentation: `${typeText(a.type)}: ${a.doc}` }));
    return build(
      `${callee}(`,
      params,
      def.summary,
      activeIndex(
        ctx,
        def.args.map((a) => a.name),
        def.args.map((a) => !!a.rest),
        def.args.map((a) => !!a.namedOnly),
      ),
    );
  }
  // Blocks and value functions declare their parameters alike.
  const block = analysis.blocks.get(callee) ?? analysis.library.get(callee) ?? analysis.fns.get(callee) ?? libraryFunctions().get(callee);
  if (!block) return null;
  const text = analysis.text;
  const params = block.params.map((p) => ({ label: p.default ? `${p.name.name} = ${sourceSlice(text, p.default.span)}` : p.name.name }));
  const names = block.params.map((p) => p.name.name);
  return build(
    `${callee}(`,
    params,
    block.doc,
    activeIndex(
      ctx,
      names,
      names.map(() => false),
      names.map(() => false),
    ),
  );
}

function build(open: string, params: ParameterInfo[], doc: string | undefined, active: number): SignatureInfo {
  return { label: `${open}${params.map((p) => p.label).join(', ')})`, documentation: doc, parameters: params, activeParameter: active };
}

/** The named argument being typed, else the positional slot given by the comma count (rest slots absorb the tail). */
function activeIndex(ctx: TokenContext, names: readonly string[], rest: readonly boolean[], namedOnly: readonly boolean[]): number {
  const named = currentName(ctx);
  if (named !== undefined) {
    const i = names.indexOf(named);
    if (i >= 0) return i;
  }
  const positional = names.map((_, i) => i).filter((i) => !namedOnly[i]);
  let slot = ctx.open!.commas;
  for (const i of positional) {
    if (rest[i] || slot === 0) return i;
    slot--;
  }
  return Math.max(0, names.length - 1);
}

/** `padding: sa|` → padding: walks back to the argument's start at this bracket depth. */
function currentName(ctx: TokenContext): string | undefined {
  let depth = 0;
  for (let i = ctx.prev; i > ctx.open!.index; i--) {
    const k = ctx.tokens[i].kind;
    if (k === ')' || k === ']') depth++;
    else if (k === '(' || k === '[') depth--;
    else if (depth === 0 && k === ',') return undefined;
    else if (depth === 0 && k === ':' && ctx.tokens[i - 1]?.kind === 'ident') return ctx.tokens[i - 1].text;
  }
  return undefined;
}
