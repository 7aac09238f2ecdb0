import type { LayerDef } from '../registry';
export declare const shapeOpLayers: LayerDef[];
