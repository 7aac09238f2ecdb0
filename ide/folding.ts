// Folding ranges: item bodies, multi-line calls and runs of comment lines.

import type { Analysis } from '../core/analyze';
import { argsSpan } from '../core/syntax/ast';
import type { Span } from '../core/syntax/span';
import { flatStatements, ifStatements } from '../core/syntax/walk';
import type { LineIndex } from './line-index';

/** Lines `startLine`..`endLine` (0-based) fold; folding is by line in every editor. */
export interface Fold {
  readonly startLine: number;
  readonly endLine: number;
  readonly kind?: 'region' | 'comment';
}

/** Folds of one analysed text; `lines` is that text's index (the server already holds one per version). */
export function foldingRanges(analysis: Analysis, lines: LineIndex): Fold[] {
  const out: Fold[] = [];
  const add = (span: Span, kind?: Fold['kind']) => {
    const start = lines.position(span.start).line;
    let end = lines.position(span.end).line;
    // Keep a closing bracket that sits on its own line visible.
    if (/^[ \t]*[})\]]/.test(lineText(lines, end))) end--;
    if (end > start) out.push({ startLine: start, endLine: end, kind });
  };
  for (const item of analysis.parse.file.items) {
    add(item.bodySpan, 'region');
    if (item.kind === 'train' || item.kind === 'fn') continue;
    for (const stmt of ifStatements(item.body)) for (const branch of stmt.branches) add(branch.bodySpan, 'region');
    for (const stmt of flatStatements(item.body)) for (const elem of stmt.chain) if (elem.kind === 'layer') add(argsSpan(elem.call));
  }
  commentRuns(analysis, lines, out);
  return out;
}

function lineText(lines: LineIndex, line: number): string {
  return lines.text.slice(lines.lineStart(line), lines.lineEnd(line));
}

function commentRuns(analysis: Analysis, lines: LineIndex, out: Fold[]): void {
  let runStart = -1;
  let runEnd = -1;
  const flush = () => {
    if (runStart >= 0 && runEnd > runStart) out.push({ startLine: runStart, endLine: runEnd, kind: 'comment' });
  };
  for (const c of analysis.parse.comments) {
    const line = lines.position(c.span.start).line;
    const ownLine = /^[ \t]*$/.test(analysis.text.slice(lines.lineStart(line), c.span.start));
    if (!ownLine) continue;
    if (line === runEnd + 1 && runStart >= 0) runEnd = line;
    else {
      flush();
      runStart = runEnd = line;
    }
  }
  flush();
}
