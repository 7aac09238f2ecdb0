// The export behind the editor command, bundled apart (dist/export.js) so tfjs and the exporters load only when it runs.

import * as path from 'node:path';
import { analyze } from '../../core/analyze';
import { modelAt, modelChoiceError } from '../../ide/model-at';
import { ExportRefused, FORMATS, formatNamed } from '../../export/formats';
import { produceExport, writeExport } from '../../export/run';

export interface FormatChoice {
  readonly name: string;
  readonly summary: string;
}

export function exportFormats(): FormatChoice[] {
  return FORMATS.map((f) => ({ name: f.name, summary: f.summary }));
}

/** The models of a file, in order, and the one the cursor is in (or the file trains, or the first). */
export function exportModels(text: string, offset?: number): { names: string[]; current?: string } {
  const analysis = analyze(text);
  const choice = modelAt(analysis, { offset });
  return { names: analysis.models.map((m) => m.graph.name), current: choice.kind === 'found' ? choice.model.graph.name : undefined };
}

/** Where a format writes for `model` beside `file`: a file, or a folder for multi-file formats. */
export function exportTarget(file: string, model: string, format: string): string {
  const suffix = formatNamed(format)?.suffix ?? '';
  return path.join(path.dirname(file), `${model}${suffix.endsWith('/') ? suffix.slice(0, -1) : suffix}`);
}

export type ExportResult =
  | { readonly ok: true; readonly written: string[]; readonly notes: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** Analyses the text once, refuses a model with errors or a format's refusal as `{ok: false}`, else writes the files. */
export async function runExport(text: string, file: string, model: string, format: string): Promise<ExportResult> {
  const fmt = formatNamed(format);
  if (!fmt) return { ok: false, error: `unknown export format '${format}'` };
  const analysis = analyze(text);
  const choice = modelAt(analysis, { name: model });
  if (choice.kind !== 'found') return { ok: false, error: modelChoiceError(choice, path.basename(file)) };
  const span = choice.model.graph.span;
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error' && d.span.start >= span.start && d.span.start < span.end);
  if (errors.length > 0) return { ok: false, error: `model '${model}' has ${errors.length} error${errors.length === 1 ? '' : 's'}; fix them before exporting` };
  try {
    const output = await produceExport(fmt, analysis, choice.model, { file });
    return { ok: true, written: writeExport(output, exportTarget(file, model, format)), notes: output.notes };
  } catch (e) {
    if (e instanceof ExportRefused) return { ok: false, error: e.message };
    throw e;
  }
}
