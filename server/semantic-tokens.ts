// Semantic tokens: ide's classified tokens in LSP's relative line/character encoding.

import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import { classify, TOKEN_MODIFIERS, TOKEN_TYPES, type Classified } from '../ide/semantic-tokens';
import type { Snapshot } from './documents';

export { TOKEN_MODIFIERS, TOKEN_TYPES };
export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

export function semanticTokens(snap: Snapshot): SemanticTokens {
  return { data: encode(snap, classify(snap.analysis)) };
}

/** LSP's relative encoding: (Δline, Δstart, length, type, modifier bits) per token; tokens never span lines here. */
function encode(snap: Snapshot, tokens: readonly Classified[]): number[] {
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const t of tokens) {
    const start = snap.lines.position(t.span.start);
    const end = snap.lines.position(t.span.end);
    const length = end.line === start.line ? end.character - start.character : snap.lines.lineEnd(start.line) - t.span.start;
    if (length <= 0) continue;
    const dLine = start.line - prevLine;
    const dChar = dLine === 0 ? start.character - prevChar : start.character;
    const bits = t.modifiers.reduce((b, m) => b | (1 << TOKEN_MODIFIERS.indexOf(m)), 0);
    data.push(dLine, dChar, length, TOKEN_TYPES.indexOf(t.type), bits);
    prevLine = start.line;
    prevChar = start.character;
  }
  return data;
}
