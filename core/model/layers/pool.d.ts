import type { LayerDef } from '../registry';
export declare const poolLayers: LayerDef[];
