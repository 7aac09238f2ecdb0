// What every importer produces: the `.stride` text and, when the file carries them, the weights of its layers.

/** The weights of one layer that has any, in the layout Stride's tfjs layer keeps them. */
export interface LayerWeights {
  /** Where the weights came from (an ONNX node or a Keras layer name), for error messages. */
  readonly line: string;
  /**
   * In the order the tfjs layer's `getWeights()` returns them, in tfjs/Keras layout: conv kernels (kh, kw, C_in/groups,
   * C_out), depthwise kernels (kh, kw, C, multiplier), dense kernels (in, out), batch normalisation gamma, beta, moving
   * mean, moving variance.
   */
  readonly tensors: readonly { readonly shape: readonly number[]; readonly data: Float32Array }[];
}

export interface Imported {
  readonly text: string;
  /**
   * One entry for every layer that has weights, in the order the layers appear in the text (blocks expanded in
   * order); null when the importer read no weights (a file that holds none, or an import asked for the text only).
   */
  readonly weights: readonly LayerWeights[] | null;
}
