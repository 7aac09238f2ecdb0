// The default registry: every built-in layer kind. Adding a kind means adding one table entry.

import { LayerRegistry } from '../registry';
import { basicLayers } from './basic';
import { convLayers } from './conv';
import { mergeLayers } from './merge';
import { poolLayers } from './pool';
import { spatialLayers } from './spatial';

export const defaultRegistry = new LayerRegistry().register(...basicLayers, ...convLayers, ...poolLayers, ...mergeLayers, ...spatialLayers);
