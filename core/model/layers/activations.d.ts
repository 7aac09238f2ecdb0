import type { LayerDef } from '../registry';
export declare const activationLayers: LayerDef[];
