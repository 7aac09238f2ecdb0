// A small well-formed ONNX model whose two nodes use an operator no importer reads, for refusal tests.

import { onnx } from 'onnx-proto';

/** Two `op` nodes (`odd_1`, `odd_2`) on an NCHW 1×3×8×8 input, encoded with the protobuf schema. */
export function unsupportedOnnx(op = 'StrideNoSuchOp'): Uint8Array {
  const info = (name: string) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 3 }, { dimValue: 8 }, { dimValue: 8 }] } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g',
      node: [
        { opType: op, name: 'odd_1', input: ['x'], output: ['y'] },
        { opType: op, name: 'odd_2', input: ['y'], output: ['z'] },
      ],
      input: [info('x')],
      output: [info('z')],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
