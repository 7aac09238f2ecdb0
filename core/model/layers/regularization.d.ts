import type { LayerDef } from '../registry';
export declare const regularizationLayers: LayerDef[];
