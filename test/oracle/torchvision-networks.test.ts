// The classic reference networks against torchvision, layer by layer and output for output with torchvision's own weights.

import { checkAgainstTorchvision, type Network } from './torchvision-harness';

/** Example file and model → torchvision constructor; each must agree in totals, per layer and in its outputs. */
const NETWORKS: readonly (Network & { readonly file: string; readonly torchvision: string })[] = [
  { file: 'alexnet.stride', model: 'AlexNet', torchvision: 'alexnet' },
  { file: 'densenet121.stride', model: 'DenseNet121', torchvision: 'densenet121' },
];

for (const net of NETWORKS) checkAgainstTorchvision(`${net.file} ${net.model} = torchvision ${net.torchvision}`, net);
