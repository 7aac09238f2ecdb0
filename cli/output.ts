// Terminal output helpers: colour only on a TTY (and never with NO_COLOR), compiler-style diagnostics.

import type { Analysis } from '../core/analyze';
import { LineIndex } from '../ide/line-index';

const useColor = (stream: NodeJS.WriteStream) => stream.isTTY === true && !process.env.NO_COLOR;

export function paint(stream: NodeJS.WriteStream, code: number, text: string): string {
  return useColor(stream) ? `\x1b[${code}m${text}\x1b[0m` : text;
}

/**
 * Untrusted text for a terminal (file contents, class names, paths): control characters that could move the cursor,
 * retitle the window or fake output (escape sequences, carriage returns, bells, bidi overrides) become U+FFFD. Tabs
 * stay; newlines stay only when `lines` is set (multi-line error messages).
 */
export function plain(text: string, lines = false): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => (lines && c === '\n' ? c : '\ufffd'));
}

const SEVERITY_COLOR: Record<string, number> = { error: 31, warning: 33, info: 36, hint: 36 };

/** `file:line:col: error[code]: message`, then the source line with a caret, related notes and fixes. */
export function formatDiagnostics(file: string, analysis: Analysis, stream: NodeJS.WriteStream): string {
  const index = new LineIndex(analysis.text);
  const out: string[] = [];
  for (const d of analysis.diagnostics) {
    const p = index.position(d.span.start);
    const e = index.position(d.span.end);
    const sev = paint(stream, SEVERITY_COLOR[d.severity] ?? 0, `${d.severity}[${d.code}]`);
    out.push(`${plain(file)}:${p.line + 1}:${p.character + 1}: ${sev}: ${plain(d.message)}`);
    const src = plain(analysis.text.slice(index.lineStart(p.line), index.lineEnd(p.line)));
    if (src.length <= 240) {
      const width = e.line === p.line ? Math.max(1, e.character - p.character) : Math.max(1, src.length - p.character);
      out.push(`    ${src}`);
      out.push(`    ${' '.repeat(p.character)}${paint(stream, SEVERITY_COLOR[d.severity] ?? 0, '^'.repeat(width))}`);
    }
    for (const r of d.related ?? []) {
      const rp = index.position(r.span.start);
      out.push(`  note: ${plain(file)}:${rp.line + 1}:${rp.character + 1}: ${plain(r.message)}`);
    }
    for (const f of d.fixes ?? []) out.push(`  fix: ${plain(f.title)}`);
  }
  return out.join('\n');
}
