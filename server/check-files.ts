// `stride/checkFiles`: analyses files the editor may not have open and publishes their diagnostics.

import type { CheckFilesParams, CheckFilesResult, FileCheck } from '../protocol/lsp-ext';
import { analyzeText, type DocumentStore } from './documents';
import { documentDiagnostics, type PublishTarget } from './diagnostics';

/** At most this many files per request, so one call stays bounded. */
export const MAX_CHECKED_FILES = 2000;

export function checkFiles(params: CheckFilesParams, store: DocumentStore, target: PublishTarget): CheckFilesResult {
  const files = Array.isArray(params?.files) ? params.files.slice(0, MAX_CHECKED_FILES) : [];
  const out: FileCheck[] = [];
  for (const file of files) {
    if (typeof file?.uri !== 'string' || typeof file.text !== 'string') continue;
    // An open document's live text wins over the text on disk.
    const snap = store.snapshot(file.uri) ?? analyzeText(file.uri, 0, file.text);
    const diagnostics = documentDiagnostics(snap);
    if (!store.has(file.uri)) target.publish(file.uri, undefined, diagnostics);
    out.push({
      uri: file.uri,
      errors: diagnostics.filter((d) => d.severity === 1).length,
      warnings: diagnostics.filter((d) => d.severity === 2).length,
      models: snap.analysis.models.length,
    });
  }
  return { files: out };
}
