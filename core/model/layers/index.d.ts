import { LayerRegistry } from '../registry';
export declare const defaultRegistry: LayerRegistry;
