import type { LayerDef } from '../registry';
export declare const spatialLayers: LayerDef[];
