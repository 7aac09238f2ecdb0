import type { LayerDef } from '../registry';
export declare const attentionLayers: LayerDef[];
