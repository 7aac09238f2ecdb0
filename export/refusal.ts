// What a format says about layers it cannot write: the refusal error and the per-kind support, shared by every format.

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
