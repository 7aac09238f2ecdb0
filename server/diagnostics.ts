// Diagnostics: core diagnostics as LSP diagnostics (codes, related locations, `unnecessary` tags), published after a quiet period.

import { DiagnosticSeverity, DiagnosticTag, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { Diagnostic, Severity } from '../core/diagnostics';
import { MAX_ANALYZED_LENGTH, type Snapshot } from './documents';

export const SOURCE = 'stride';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(d: Diagnostic, snap: Snapshot): LspDiagnostic {
  const out: LspDiagnostic = {
    range: snap.lines.range(d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: SOURCE,
    message: d.message,
  };
  if (d.related && d.related.length > 0) {
    out.relatedInformation = d.related.map((r) => ({ location: { uri: snap.uri, range: snap.lines.range(r.span) }, message: r.message }));
  }
  if (d.unnecessary) out.tags = [DiagnosticTag.Unnecessary];
  return out;
}

export function documentDiagnostics(snap: Snapshot): LspDiagnostic[] {
  if (snap.tooLarge) {
    return [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Information,
        code: 'file-too-large',
        source: SOURCE,
        message: `This file is longer than ${MAX_ANALYZED_LENGTH.toLocaleString('en-US')} characters; Stride does not analyse it.`,
      },
    ];
  }
  return snap.analysis.diagnostics.map((d) => toLspDiagnostic(d, snap));
}

export interface PublishTarget {
  publish(uri: string, version: number | undefined, diagnostics: LspDiagnostic[]): void;
}

/**
 * Debounces diagnostics per document: each change restarts the document's timer, so a burst of keystrokes
 * is analysed once, for the version current when the burst ends — never for a superseded one.
 */
export class DiagnosticsScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly target: PublishTarget,
    private readonly current: (uri: string) => Snapshot | undefined,
    private readonly delayMs: () => number,
  ) {}

  schedule(uri: string): void {
    this.cancel(uri);
    const timer = setTimeout(() => {
      this.timers.delete(uri);
      this.publishNow(uri);
    }, this.delayMs());
    this.timers.set(uri, timer);
  }

  publishNow(uri: string): void {
    const snap = this.current(uri);
    if (snap) this.target.publish(uri, snap.version, documentDiagnostics(snap));
  }

  cancel(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer) clearTimeout(timer);
    this.timers.delete(uri);
  }

  dispose(): void {
    for (const uri of [...this.timers.keys()]) this.cancel(uri);
  }
}
