// A model whose blocks exercise the PyTorch export's classes: shared by the structure and the numeric tests.

/** Variants of one block through `if`, repetitions nested in a block, a repetition with a tensor argument. */
export const BLOCKS = `block unit(filters, stride = 1) {
    skip = in
    conv1 = conv2d(filters, 3, stride: stride, padding: same, bias: false)
    norm = batchnorm()
    relu()
    if stride == 1 {
      add(skip)
    }
  }
  block mix(other, f) {
    conv2d(f, 1) -> add(other)
  }
  block stage(filters) {
    unit(filters, stride: 2)
    unit(filters) × 2
  }
  model M {
    input(16, 16, 8)
    unit(8) × 2
    stage(16)
    s = stage(32)
    mix(s, 32) × 3
  }`;
