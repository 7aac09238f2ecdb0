// Which diagnostics concern one model: those in it, in its train section, and in the blocks and value functions it
// uses. A mistake in another model of the file does not stop this one from training, exporting or being summarised.

import type { Analysis } from '../core/analyze';
import type { Diagnostic } from '../core/diagnostics';
import type * as ast from '../core/syntax/ast';

/**
 * The diagnostics that concern the model named `model`, in file order. A diagnostic outside every declaration (stray
 * text between them) concerns every model: nothing says which one it would have belonged to.
 */
export function modelDiagnostics(analysis: Analysis, model: string): Diagnostic[] {
  const items = analysis.parse.file.items;
  const own = items.filter((i) => (i.kind === 'model' && i.name.name === model) || (i.kind === 'train' && i.model.name === model));
  const used = usedDeclarations(analysis, own);
  return analysis.diagnostics.filter((d) => {
    const item = items.find((i) => i.span.start <= d.span.start && d.span.start < i.span.end);
    if (!item) return true;
    if (item.kind === 'model' || item.kind === 'train') return own.includes(item);
    return used.has(item);
  });
}

/** The errors among `modelDiagnostics`. */
export function modelErrors(analysis: Analysis, model: string): Diagnostic[] {
  return modelDiagnostics(analysis, model).filter((d) => d.severity === 'error');
}

/**
 * The blocks and functions reachable from the roots by name. Every name written in a declaration counts (a layer, a
 * block call, a function call, a parameter), which may take in a declaration the model does not call, never miss one.
 */
function usedDeclarations(analysis: Analysis, roots: readonly ast.Item[]): Set<ast.Item> {
  const byName = new Map<string, ast.Item[]>();
  for (const item of analysis.parse.file.items) {
    if (item.kind !== 'block' && item.kind !== 'fn') continue;
    byName.set(item.name.name, [...(byName.get(item.name.name) ?? []), item]);
  }
  const used = new Set<ast.Item>();
  const work = [...roots];
  while (work.length > 0) {
    const item = work.pop() as ast.Item;
    for (const name of namesIn(item)) {
      for (const decl of byName.get(name) ?? []) {
        if (used.has(decl)) continue;
        used.add(decl);
        work.push(decl);
      }
    }
  }
  return used;
}

/** Every `name` string in a syntax tree: identifiers, calls and keys alike. */
function namesIn(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const child of node) namesIn(child, out);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'name' && typeof value === 'string') out.add(value);
      else if (key !== 'span') namesIn(value, out);
    }
  }
  return out;
}
