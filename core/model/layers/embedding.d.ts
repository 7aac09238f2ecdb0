import type { LayerDef } from '../registry';
export declare const embeddingLayers: LayerDef[];
