// The export formats, one table: what each writes, where by default, and how (the CLI and the editor both use it).

import type { Analysis, ModelAnalysis } from '../core/analyze';
import { pytorchSupport } from '../core/export/pytorch-support';
import { runPyTorch } from './pytorch-run';
import { summarize } from '../ide/summary';
import type { ExportWeights } from '../train/node/export-weights';

/** What one export run knows: the analysed file, the chosen model (free of errors), and the user's options. */
export interface ExportJob {
  readonly analysis: Analysis;
  readonly model: ModelAnalysis;
  /** Drop a final softmax/sigmoid so the model returns logits (for losses that apply it themselves). */
  readonly logits: boolean;
  /** True when the user named trained weights (`--weights DIR`); formats that only write weights on request check it. */
  readonly trained: boolean;
  /** The weights to write: the trained ones when given, else the seeded initial ones. Built on first call. */
  weights(): Promise<ExportWeights>;
}

/** One file an export writes, relative to the output path (`''` is the output path itself). */
export interface ExportFile {
  readonly path: string;
  /** Written beside the output path instead, its extension replaced by this one (`M.py` → `M.safetensors`). */
  readonly sibling?: string;
  readonly data: string | Uint8Array;
}

export interface ExportOutput {
  readonly files: readonly ExportFile[];
  /** Lines for the user: what was approximated, which custom layers a reader needs, where weights came from. */
  readonly notes: readonly string[];
}

/** A model the format cannot express: the message names each layer, its kind and line. */
export class ExportRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportRefused';
  }
}

/** How a format carries one layer kind: exactly, with a note (a custom layer, an approximation), or not at all. */
export interface KindSupport {
  readonly status: 'exact' | 'note' | 'refused';
  /** Why, for `note` and `refused`: shown in docs/export-formats.md and in refusals. */
  readonly note?: string;
}

export interface ExportFormat {
  readonly name: string;
  /** One line for help texts and the editor's quick pick. */
  readonly summary: string;
  /** The default output beside the model file: a file name suffix (`.py`), or `/` for a folder. */
  readonly suffix: string;
  run(job: ExportJob): Promise<ExportOutput>;
  /** How the format carries a layer kind (the registry's canonical kind); the docs table is generated from it. */
  support(kind: string): KindSupport;
}

const pytorch: ExportFormat = {
  name: 'pytorch',
  summary: 'PyTorch nn.Module (Python source)',
  suffix: '.py',
  run: (job) => runPyTorch(job),
  support: pytorchSupport,
};

const json: ExportFormat = {
  name: 'json',
  summary: 'the analysed graph as JSON (shapes, parameters, MACs)',
  suffix: '.json',
  async run(job) {
    const text = JSON.stringify(summarize(job.analysis, { model: job.model.graph.name }).models[0], null, 2) + '\n';
    return { files: [{ path: '', data: text }], notes: [] };
  },
  support: () => ({ status: 'exact' }),
};

/** Every format, in the order help texts and the quick pick list them; a new format is one entry here. */
export const FORMATS: readonly ExportFormat[] = [pytorch, json];

export function formatNamed(name: string): ExportFormat | undefined {
  return FORMATS.find((f) => f.name === name);
}
