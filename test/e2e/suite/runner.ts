// A minimal test runner for code that executes inside the VS Code extension host (no test framework is available there).

/** Lines starting with this marker carry JSON the node:test wrapper parses from the page console. */
export const MARKER = 'STRIDE-E2E ';

export interface Case {
  readonly name: string;
  readonly run: () => Promise<void>;
}

export type Report =
  | { readonly kind: 'plan'; readonly names: string[] }
  | { readonly kind: 'result'; readonly name: string; readonly ok: boolean; readonly error?: string; readonly skipped?: string; readonly ms: number };

/** Thrown by a case whose prerequisite is missing: it is reported as skipped, with the message as the reason. */
export class SkipCase extends Error {}

function emit(report: Report): void {
  console.log(MARKER + JSON.stringify(report));
}

/** Runs every case in order, reports each, and rejects when any failed (which makes the host exit non-zero). */
export async function runCases(cases: readonly Case[]): Promise<void> {
  emit({ kind: 'plan', names: cases.map((c) => c.name) });
  let failed = 0;
  for (const c of cases) {
    const start = Date.now();
    try {
      await c.run();
      emit({ kind: 'result', name: c.name, ok: true, ms: Date.now() - start });
    } catch (error) {
      if (error instanceof SkipCase) {
        emit({ kind: 'result', name: c.name, ok: true, skipped: error.message, ms: Date.now() - start });
        continue;
      }
      failed++;
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      emit({ kind: 'result', name: c.name, ok: false, error: text, ms: Date.now() - start });
    }
  }
  if (failed > 0) throw new Error(`${failed} of ${cases.length} extension-host tests failed`);
}

/** Parses the marker lines out of console output. */
export function parseReports(lines: readonly string[]): Report[] {
  const reports: Report[] = [];
  for (const line of lines) {
    const at = line.indexOf(MARKER);
    if (at < 0) continue;
    const json = line.slice(at + MARKER.length).trim();
    try {
      reports.push(JSON.parse(json) as Report);
    } catch {
      // A console prefix or suffix garbled this line; the missing result is reported by the wrapper.
    }
  }
  return reports;
}
