// The library's modern-CNN blocks against torchvision's own block classes: counts, each layer, and outputs with the same weights.

import { checkAgainstTorchvision, type Network } from './torchvision-harness';

/** A one-block model on a small feature map, so each check runs in a fraction of a second. */
const model = (input: string, call: string): string => `model Block {\n  input(${input})\n  ${call}\n}\n`;

/** Each Stride call → the torchvision module it must reproduce (a Python expression). */
const BLOCKS: readonly (Network & { readonly text: string; readonly module: string })[] = [
  {
    model: 'Block',
    text: model('14, 14, 64', 'squeeze_excite(64, 16)'),
    module: 'torchvision.ops.SqueezeExcitation(64, 16)',
  },
  {
    model: 'Block',
    text: model('14, 14, 40', 'mbconv(40, 40, 240, kernel: 5, squeeze: 10, epsilon: 1e-5, momentum: 0.9)'),
    module: 'torchvision.models.efficientnet.MBConv(torchvision.models.efficientnet.MBConvConfig(6, 5, 1, 40, 40, 1), 0.0, nn.BatchNorm2d)',
  },
  {
    model: 'Block',
    text: model('28, 28, 16', 'mbconv(16, 24, 16, stride: 2, squeeze: 4, epsilon: 1e-5, momentum: 0.9)'),
    module: 'torchvision.models.efficientnet.MBConv(torchvision.models.efficientnet.MBConvConfig(1, 3, 2, 16, 24, 1), 0.0, nn.BatchNorm2d)',
  },
  {
    model: 'Block',
    text: model('14, 14, 40', 'mbconv(40, 48, 120, kernel: 5, squeeze: 32, act: hard_swish, se_act: relu, gate: hard_sigmoid)'),
    module:
      'torchvision.models.mobilenetv3.InvertedResidual(torchvision.models.mobilenetv3.InvertedResidualConfig(40, 5, 120, 48, True, "HS", 1, 1, 1.0), partial(nn.BatchNorm2d, eps=0.001, momentum=0.01))',
  },
  {
    model: 'Block',
    text: model('14, 14, 116', 'shuffle_unit(116, epsilon: 1e-5, momentum: 0.9)'),
    module: 'torchvision.models.shufflenetv2.InvertedResidual(116, 116, 1)',
  },
  {
    model: 'Block',
    text: model('28, 28, 24', 'shuffle_unit(116, 2, epsilon: 1e-5, momentum: 0.9)'),
    module: 'torchvision.models.shufflenetv2.InvertedResidual(24, 116, 2)',
  },
  {
    model: 'Block',
    text: model('14, 14, 96', 'convnext_block(96)'),
    module: 'torchvision.models.convnext.CNBlock(96, 1e-6, 0.0)',
  },
];

for (const block of BLOCKS) checkAgainstTorchvision(`${block.text.split('\n')[2].trim()} = ${block.module.split('(')[0]}`, block);
