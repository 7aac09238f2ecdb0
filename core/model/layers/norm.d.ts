import type { LayerDef } from '../registry';
export declare const normLayers: LayerDef[];
