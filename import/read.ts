// Reads an ONNX file into a ModelProto, with a size limit and one clear error for anything that is not ONNX.

import { onnx } from 'onnx-proto';

/** Larger files are refused before decoding: the whole file is held in memory. */
export const MAX_ONNX_BYTES = 1 << 30;
/** The operator sets whose operators the importer reads as it expects. */
export const MIN_OPSET = 9;
export const MAX_OPSET = 20;

/** A file that cannot be imported: malformed, not ONNX, or using what the importer does not support. */
export class ImportError extends Error {}

/** Decodes the bytes of an ONNX file; throws ImportError when they are not a well-formed ONNX model. */
export function readOnnx(bytes: Uint8Array, file = 'the file'): onnx.ModelProto {
  if (bytes.length > MAX_ONNX_BYTES) throw new ImportError(`${file} is ${bytes.length} bytes, over the ${MAX_ONNX_BYTES}-byte limit`);
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new ImportError(`${file} is not a valid ONNX model (${(e as Error).message})`);
  }
  // Random bytes sometimes decode as a protobuf message with no graph: that is not ONNX either.
  if (!model.graph || !model.graph.node?.length || !model.graph.input?.length) {
    throw new ImportError(`${file} is not a valid ONNX model (no graph with nodes and inputs)`);
  }
  const opset = defaultOpset(model);
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new ImportError(`${file} uses ONNX opset ${opset}; opsets ${MIN_OPSET}–${MAX_OPSET} are supported`);
  }
  return model;
}

function defaultOpset(model: onnx.ModelProto): number {
  const entry = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? Number(entry.version) : 0;
}
