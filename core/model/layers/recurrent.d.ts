import type { LayerDef } from '../registry';
export declare const recurrentLayers: LayerDef[];
