import type { LayerDef } from '../registry';
export declare const convTransposeLayers: LayerDef[];
