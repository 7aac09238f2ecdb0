// Stride sources for reference networks larger than the examples (ResNet-50, DenseNet-121), for benchmarks and tests.

/** ResNet-50 as in torchvision: bottleneck blocks, projection shortcuts at each stage's first block. */
export const RESNET50 = `# ResNet-50 (He et al., 2015).
block bottleneck(filters) {
  skip = in
  conv2d(filters, 1, bias: false) -> batchnorm() -> relu()
  conv2d(filters, 3, padding: same, bias: false) -> batchnorm() -> relu()
  conv2d(filters * 4, 1, bias: false) -> batchnorm()
  add(skip)
  relu()
}

block projected(filters, stride) {
  skip = in
  conv2d(filters, 1, bias: false) -> batchnorm() -> relu()
  conv2d(filters, 3, stride: stride, padding: same, bias: false) -> batchnorm() -> relu()
  conv2d(filters * 4, 1, bias: false) -> batchnorm()
  add(skip -> conv2d(filters * 4, 1, stride: stride, bias: false) -> batchnorm())
  relu()
}

model ResNet50 {
  input(224, 224, 3)
  conv2d(64, 7, stride: 2, padding: same, bias: false) -> batchnorm() -> relu()
  maxpool2d(3, stride: 2, padding: same)
  projected(64, 1)
  bottleneck(64) × 2
  projected(128, 2)
  bottleneck(128) × 3
  projected(256, 2)
  bottleneck(256) × 5
  projected(512, 2)
  bottleneck(512) × 2
  globalavgpool2d()
  dense(1000, activation: softmax)
}
`;

/** DenseNet-121 as in torchvision: growth rate 32, bottleneck width 4·growth, compression 0.5. */
export const DENSENET121 = `# DenseNet-121 (Huang et al., 2017).
block dense_layer(growth) {
  skip = in
  batchnorm() -> relu() -> conv2d(growth * 4, 1, bias: false)
  batchnorm() -> relu() -> conv2d(growth, 3, padding: same, bias: false)
  concat(skip)
}

block transition(filters) {
  batchnorm() -> relu() -> conv2d(filters, 1, bias: false)
  avgpool2d(2, stride: 2)
}

model DenseNet121 {
  input(224, 224, 3)
  conv2d(64, 7, stride: 2, padding: same, bias: false) -> batchnorm() -> relu()
  maxpool2d(3, stride: 2, padding: same)
  dense_layer(32) × 6
  transition(128)
  dense_layer(32) × 12
  transition(256)
  dense_layer(32) × 24
  transition(512)
  dense_layer(32) × 16
  batchnorm() -> relu()
  globalavgpool2d()
  dense(1000, activation: softmax)
}
`;
