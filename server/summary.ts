// `stride/summary`: ide's model summary (rows, totals, training memory) for one document version.

import { modelSummary } from '../ide/summary-rows';
import type { SummaryParams, SummaryResult } from '../protocol/lsp-ext';
import type { Snapshot } from './documents';
import { offsetOf } from './model-graph';

export function summary(snap: Snapshot, params: SummaryParams, memoryBatchSize: number): SummaryResult | null {
  const facts = modelSummary(snap.analysis, { name: params.model, offset: offsetOf(snap, params.position) }, { rows: params.rows, memoryBatchSize });
  return facts ? { uri: snap.uri, version: snap.version, ...facts } : null;
}
