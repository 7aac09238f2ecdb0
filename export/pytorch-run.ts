// The PyTorch export run: the module's code, and with trained weights (`--weights`) its state_dict as a safetensors
// file beside it (`M.py` + `M.safetensors`), ready for `load_state_dict(strict=True)`.

import type { ModelAnalysis } from '../core/analyze';
import { exportPyTorch, type ExportResult } from '../core/export/pytorch';
import { stateDict } from '../core/export/pytorch-weights';
import { encodeSafetensors } from '../core/export/safetensors';
import type { ExportFile, ExportJob, ExportOutput } from './formats';
import { ExportRefused } from './refusal';

/** A refusal that names each layer, its kind, its line and why. */
function refusal(job: ExportJob, refusals: ExportResult['refusals']): ExportRefused {
  const text = job.analysis.text;
  const lines = refusals.map(({ node, reason }) => {
    // Library blocks' spans lie beyond the file: their outermost call site is in it.
    const at = node.span.start < text.length ? node.span.start : (node.callSites[0]?.span.start ?? 0);
    const line = text.slice(0, at).split('\n').length;
    return `${node.name} (${node.kind}, line ${line}): ${reason}`;
  });
  return new ExportRefused(`no PyTorch translation for: ${lines.join('; ')}`);
}

/** The safetensors file of the job's weights, keyed as the exported module names its parameters. */
async function weightsFile(job: ExportJob, model: ModelAnalysis): Promise<{ file: ExportFile; note: string }> {
  const weights = await job.weights();
  // Loaded here only: the tfjs model builder is already in memory once weights were built.
  const { tfName } = await import('../train/model-builder');
  const tensors = stateDict(model, weights.weights, (node) => tfName(node.name));
  const source = weights.from ?? 'initial weights';
  const data = encodeSafetensors(tensors, { format: 'pt', model: model.graph.name, weights: source });
  const note = `weights from ${source}: ${tensors.length} tensors in the .safetensors file beside the code; load them with model.load_state_dict(…, strict=True).`;
  return { file: { path: '', sibling: '.safetensors', data }, note };
}

export async function runPyTorch(job: ExportJob): Promise<ExportOutput> {
  const result = exportPyTorch(job.model, { logits: job.logits });
  if (result.refusals.length > 0) throw refusal(job, result.refusals);
  const files: ExportFile[] = [{ path: '', data: result.code }];
  const notes = [...result.notes];
  if (job.trained) {
    const weights = await weightsFile(job, job.model);
    files.push(weights.file);
    notes.push(weights.note);
  }
  return { files, notes };
}
