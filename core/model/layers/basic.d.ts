import type { LayerDef } from '../registry';
export declare const basicLayers: LayerDef[];
