// The export formats, one table: what each writes, where by default, and how (the CLI and the editor both use it).

import type { Analysis, ModelAnalysis } from '../core/analyze';
import { pytorchSupport } from '../core/export/pytorch-support';
import { runPyTorch } from './pytorch-run';
import type { ExportWeights } from '../train/node/export-weights';
import type { DataSpec } from '../protocol/training-model';
import { jsonFormat } from './graph-json';
import { kerasFormat } from './keras';
import { tfjsFormat } from './tfjs';
import { onnxFormat } from './onnx/format';
import { torchDdpFormat } from './torch-ddp';
import type { KindSupport } from './refusal';

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
  /** The model file's path, for formats that read what it names (relative `folder(…)` data paths). */
  readonly file?: string;
  /** Replaces the train section's `data:` for formats that pack the data set. */
  readonly dataOverride?: DataSpec;
  /** An image folder is listed for the project to read (streamed), not decoded into it (`--stream-data`). */
  readonly streamData?: boolean;
  /** The run will use only the first `limit` training samples (`--limit`): statistics the project holds come from them. */
  readonly limit?: number;
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

export { ExportRefused, type KindSupport } from './refusal';

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

/** Every format, in the order help texts and the quick pick list them; a new format is one entry here. */
export const FORMATS: readonly ExportFormat[] = [pytorch, onnxFormat, kerasFormat, tfjsFormat, jsonFormat, torchDdpFormat];

export function formatNamed(name: string): ExportFormat | undefined {
  return FORMATS.find((f) => f.name === name);
}
