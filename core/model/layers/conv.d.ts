import type { ArgSpec, LayerDef } from '../registry';
export declare const filtersArg: ArgSpec;
export declare const convLayers: LayerDef[];
