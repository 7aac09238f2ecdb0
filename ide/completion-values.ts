// Completion of values: built-in and Stride value functions, the `if` statement snippets, and the body of a `fn`.

import type { Analysis } from '../core/analyze';
import { BUILTINS, formatFnParams } from '../core/model/functions';
import { libraryFunctions } from '../core/model/library';
import type * as ast from '../core/syntax/ast';
import type { CompletionEntry } from './completion';

/** `min(…)`, `round(…)`, `make_divisible(…)` and the file's own functions: what a value position can call. */
export function valueFunctionItems(analysis: Analysis): CompletionEntry[] {
  const builtins = Object.entries(BUILTINS).map(([name, b]) => ({
    label: name,
    kind: 'function' as const,
    detail: `${name}(${b.params.join(', ')}) — built-in`,
    documentation: b.doc,
    insertText: `${name}(${b.params
      .filter((p) => p !== '…')
      .map((p, i) => `\${${i + 1}:${p}}`)
      .join(', ')})`,
    snippet: true as const,
    sortText: `3_${name}`,
  }));
  const fns = new Map([...libraryFunctions(), ...analysis.fns]);
  const own = [...fns.values()].map((fn) => fnItem(fn));
  return [...own, ...builtins];
}

function fnItem(fn: ast.FnDecl): CompletionEntry {
  const required = fn.params.filter((p) => !p.default);
  return {
    label: fn.name.name,
    kind: 'function',
    detail: `${fn.name.name}(${formatFnParams(fn)})`,
    documentation: fn.doc,
    insertText: `${fn.name.name}(${required.map((p, i) => `\${${i + 1}:${p.name.name}}`).join(', ')})`,
    snippet: true,
    sortText: `2_${fn.name.name}`,
  };
}

/** The `if` statement snippets offered where a statement of a block or model body starts. */
export function ifSnippets(): CompletionEntry[] {
  return [
    {
      label: 'if',
      kind: 'keyword',
      insertText: 'if ${1:stride == 1} {\n  $0\n}',
      snippet: true,
      documentation: 'Layers that are used only when the condition is true (decided when the block is expanded).',
      sortText: '4_if',
    },
    {
      label: 'if … else',
      filterText: 'if',
      kind: 'keyword',
      insertText: 'if ${1:stride == 1} {\n  $2\n} else {\n  $0\n}',
      snippet: true,
      documentation: 'One group of layers or the other, chosen by the condition when the block is expanded.',
      sortText: '4_ifelse',
    },
  ];
}

/** The `fn` snippet offered at the top level. */
export function fnSnippet(): [string, string, string] {
  return ['fn', 'fn ${1:name}(${2:x}) {\n  ${0:x}\n}', 'A value function: computes a number (such as a channel count) from its arguments.'];
}

/** Inside a `fn` body: its parameters and local names, then the functions it can call. */
export function fnBody(analysis: Analysis, fn: ast.FnDecl): CompletionEntry[] {
  const names = [...fn.params.map((p) => p.name), ...fn.locals.map((l) => l.name)].filter((n) => !n.missing);
  const locals = [...new Set(names.map((n) => n.name))].map((n) => ({
    label: n,
    kind: 'variable' as const,
    detail: `value in ${fn.name.name}`,
    sortText: `1_${n}`,
  }));
  return [...locals, ...valueFunctionItems(analysis)];
}
