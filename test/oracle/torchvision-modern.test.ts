// The modern reference networks (squeeze-and-excitation, channel split and shuffle, layer scale) against torchvision, layer by layer and output for output.

import { checkAgainstTorchvision, type Network } from './torchvision-harness';

/** Example file and model → torchvision constructor; each must agree in totals, per layer and in its outputs. */
const NETWORKS: readonly (Network & { readonly file: string; readonly torchvision: string })[] = [
  { file: 'efficientnet-b0.stride', model: 'EfficientNetB0', torchvision: 'efficientnet_b0' },
  { file: 'mobilenetv3-small.stride', model: 'MobileNetV3Small', torchvision: 'mobilenet_v3_small' },
  { file: 'shufflenetv2.stride', model: 'ShuffleNetV2', torchvision: 'shufflenet_v2_x1_0' },
  { file: 'convnext-tiny.stride', model: 'ConvNeXtTiny', torchvision: 'convnext_tiny' },
  { file: 'regnetx-400mf.stride', model: 'RegNetX400MF', torchvision: 'regnet_x_400mf' },
];

for (const net of NETWORKS) checkAgainstTorchvision(`${net.file} ${net.model} = torchvision ${net.torchvision}`, net);
