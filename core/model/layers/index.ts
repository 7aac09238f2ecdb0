// The default registry: every built-in layer kind. Adding a kind means adding one table entry.

import { LayerRegistry } from '../registry';
import { activationLayers } from './activations';
import { attentionLayers } from './attention';
import { basicLayers } from './basic';
import { convLayers } from './conv';
import { convTransposeLayers } from './conv-transpose';
import { embeddingLayers } from './embedding';
import { mergeLayers } from './merge';
import { normLayers } from './norm';
import { poolLayers } from './pool';
import { recurrentLayers } from './recurrent';
import { regularizationLayers } from './regularization';
import { shapeOpLayers } from './shape-ops';
import { spatialLayers } from './spatial';
import { splitLayers } from './split';

export const defaultRegistry = new LayerRegistry().register(
  ...basicLayers,
  ...convLayers,
  ...convTransposeLayers,
  ...poolLayers,
  ...normLayers,
  ...regularizationLayers,
  ...activationLayers,
  ...mergeLayers,
  ...spatialLayers,
  ...shapeOpLayers,
  ...splitLayers,
  ...embeddingLayers,
  ...recurrentLayers,
  ...attentionLayers,
);
