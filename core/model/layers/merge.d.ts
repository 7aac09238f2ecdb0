import type { LayerDef } from '../registry';
export declare const mergeLayers: LayerDef[];
