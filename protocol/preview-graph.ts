// The preview's graph: one analysed model as plain JSON data, small enough to post to a webview.

/** A 0-based line and UTF-16 character, as in LSP and VS Code's `Position`. */
export interface PreviewPosition {
  readonly line: number;
  readonly character: number;
}

export interface PreviewRange {
  readonly start: PreviewPosition;
  readonly end: PreviewPosition;
}

export interface PreviewDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
}

/** One layer of the lowered graph. */
export interface PreviewNode {
  /** Unique within the graph (the lowered node name, e.g. `basic_1/conv2d_2`). */
  readonly id: string;
  readonly kind: string;
  /** The key arguments in short form, e.g. `64, 3×3, /2, same`; empty when there are none worth showing. */
  readonly args: string;
  /** Output shape without the batch axis, e.g. `56×56×64`; `?` when unknown. */
  readonly shape: string;
  readonly params: number;
  readonly trainable: number;
  readonly macs: number;
  /** How the parameters are counted, for the tooltip. */
  readonly formula: string;
  /** The innermost block instance this layer belongs to. */
  readonly group?: string;
  /** The layer call in the source. */
  readonly range: PreviewRange;
  readonly diagnostics: readonly PreviewDiagnostic[];
}

/** A block instance: the layers one call of a block expanded into. */
export interface PreviewGroup {
  /** Instance name, unique in the model (`basic_2`, nested: `residual_1/inverted_1`). */
  readonly id: string;
  readonly block: string;
  /** The call as written, e.g. `basic(64) × 2`. */
  readonly label: string;
  /** The enclosing instance, for blocks called inside blocks. */
  readonly parent?: string;
  readonly range: PreviewRange;
  /** Totals over every layer inside, nested instances included. */
  readonly layers: number;
  readonly params: number;
  readonly macs: number;
  /** Output shape of the instance (its last layer). */
  readonly shape: string;
  readonly diagnostics: readonly PreviewDiagnostic[];
}

export interface PreviewEdge {
  readonly source: string;
  readonly target: string;
  /** The tensor shape flowing along the edge. */
  readonly label: string;
}

export interface PreviewMemory {
  readonly batch: number;
  readonly optimizer: string;
  /** Bytes: weights + gradients + optimizer state + saved activations. */
  readonly total: number;
  readonly activations: number;
}

export interface PreviewTotals {
  readonly params: number;
  readonly trainable: number;
  readonly nonTrainable: number;
  readonly macs: number;
  /** Absent when the source of the graph knows no batch size (the language server's result). */
  readonly memory?: PreviewMemory;
}

export interface PreviewGraph {
  readonly model: string;
  /** Layers in source order (the lowering order, which is a topological order). */
  readonly nodes: readonly PreviewNode[];
  readonly edges: readonly PreviewEdge[];
  /** Outer instances before the instances nested in them. */
  readonly groups: readonly PreviewGroup[];
  readonly totals: PreviewTotals;
  /** Errors in the whole document, so the header can say the drawing may be incomplete. */
  readonly errorCount: number;
  /** Set when the server sent only the first layers of a very large model: how many layers the model has. */
  readonly truncatedFrom?: number;
}
