// Deterministic, readable dumps of syntax trees and diagnostics for golden files.

import type { Diagnostic } from '../../core/diagnostics';
import type * as ast from '../../core/syntax/ast';
import type { Span } from '../../core/syntax/span';
import { LineIndex } from '../../ide/line-index';

/** `3:5-3:9`: 1-based lines and columns, as editors show them. */
export function formatSpan(index: LineIndex, s: Span): string {
  const a = index.position(s.start);
  const b = index.position(s.end);
  return `${a.line + 1}:${a.character + 1}-${b.line + 1}:${b.character + 1}`;
}

/** One line per node, indented by depth; expressions are printed inline in a fully bracketed form. */
export function dumpTree(file: ast.SourceFile, text: string): string {
  const index = new LineIndex(text);
  const at = (s: Span) => formatSpan(index, s);
  const lines: string[] = [`file ${at(file.span)}`];
  for (const item of file.items) {
    const doc = item.doc !== undefined ? ` doc=${JSON.stringify(item.doc)}` : '';
    if (item.kind === 'train') {
      lines.push(`  train ${ident(item.model)} ${at(item.span)} body=${at(item.bodySpan)}${doc}`);
      for (const e of item.entries) lines.push(`    entry ${ident(e.key)}: ${expr(e.value)} ${at(e.span)}`);
      continue;
    }
    lines.push(`  ${item.kind} ${ident(item.name)} ${at(item.span)} body=${at(item.bodySpan)}${doc}`);
    if (item.kind === 'block' || item.kind === 'fn') {
      for (const p of item.params) lines.push(`    param ${ident(p.name)}${p.default ? ` = ${expr(p.default)}` : ''} ${at(p.span)}`);
    }
    if (item.kind === 'fn') {
      for (const l of item.locals) lines.push(`    local ${ident(l.name)} = ${expr(l.value)} ${at(l.span)}`);
      lines.push(`    result ${expr(item.result)} ${at(item.result.span)}`);
      continue;
    }
    for (const stmt of item.body) dumpStatement(stmt, lines, at, '    ');
  }
  return lines.join('\n') + '\n';
}

function dumpStatement(stmt: ast.BodyStatement, lines: string[], at: (s: Span) => string, indent: string): void {
  if (stmt.kind === 'if') {
    lines.push(`${indent}if ${at(stmt.span)}`);
    for (const b of stmt.branches) {
      lines.push(`${indent}  ${b.cond ? `branch ${expr(b.cond)}` : 'else'} ${at(b.span)} keyword=${at(b.keyword)} body=${at(b.bodySpan)}`);
      for (const s of b.body) dumpStatement(s, lines, at, `${indent}    `);
    }
    return;
  }
  const names = stmt.targets ?? (stmt.target ? [stmt.target] : []);
  const target = names.length > 0 ? ` ${names.map(ident).join(', ')} =` : '';
  const doc = stmt.doc !== undefined ? ` doc=${JSON.stringify(stmt.doc)}` : '';
  lines.push(`${indent}statement${target} ${at(stmt.span)}${doc}`);
  for (const elem of stmt.chain) lines.push(`${indent}  ${chainElem(elem)} ${at(elem.span)}`);
}

function ident(id: ast.Ident): string {
  return id.missing ? '<missing>' : id.name;
}

function chainElem(elem: ast.ChainElem): string {
  if (elem.kind === 'ident') return `ref ${ident(elem)}`;
  return `layer ${expr(elem.call)}${elem.repeat ? ` × ${expr(elem.repeat)}` : ''}`;
}

function expr(e: ast.Expr): string {
  switch (e.kind) {
    case 'number':
      return e.text;
    case 'string':
      return JSON.stringify(e.value);
    case 'ident':
      return ident(e);
    case 'missing':
      return '<missing>';
    case 'tuple':
      return `(${e.items.map(expr).join(', ')}${e.items.length === 1 ? ',' : ''})`;
    case 'list':
      return `[${e.items.map(expr).join(', ')}]`;
    case 'binary':
      return `(${expr(e.left)} ${e.op} ${expr(e.right)})`;
    case 'unary':
      return e.op === 'not' ? `(not ${expr(e.operand)})` : `(-${expr(e.operand)})`;
    case 'cond':
      return `(${expr(e.then)} if ${expr(e.cond)} else ${expr(e.otherwise)})`;
    case 'call':
      return `${ident(e.callee)}(${e.args.map((a) => (a.name ? `${ident(a.name)}: ` : '') + expr(a.value)).join(', ')})`;
    case 'chain':
      return `{${e.elems.map(chainElem).join(' -> ')}}`;
  }
}

/** Diagnostics as `code span`, with related locations indented below; messages are left out on purpose. */
export function dumpDiagnostics(diagnostics: readonly Diagnostic[], text: string): string {
  const index = new LineIndex(text);
  const lines: string[] = [];
  for (const d of diagnostics) {
    lines.push(`${d.severity} ${d.code} ${formatSpan(index, d.span)}`);
    for (const r of d.related ?? []) lines.push(`  related ${formatSpan(index, r.span)}`);
  }
  return lines.length === 0 ? '(none)\n' : lines.join('\n') + '\n';
}
