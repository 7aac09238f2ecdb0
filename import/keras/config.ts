// Reads a Keras model config (Sequential or Functional; Keras 2, Keras 3 and tfjs-layers forms) into layers in order.

import { ImportError } from '../read';
import type { Json, KLayer, KModel } from './types';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function object(v: unknown, what: string): Json {
  if (!isObject(v)) throw new ImportError(`${what} is not a JSON object`);
  return v;
}

/** The `{class_name, config}` of the model: tfjs puts it at the top of `modelTopology`, Keras 2 under `model_config`. */
function unwrap(raw: unknown, what: string): Json {
  const top = object(raw, what);
  return isObject(top.model_config) ? top.model_config : top;
}

/** Imports every layer of a Keras model config (one or several inputs and outputs); throws ImportError for what it cannot read. */
export function readModelConfig(raw: unknown, what: string): KModel {
  const model = unwrap(raw, what);
  const cls = String(model.class_name ?? '');
  const config = Array.isArray(model.config) ? { layers: model.config } : object(model.config, `${what}: the model's config`);
  const name = typeof config.name === 'string' ? config.name : '';
  if (!Array.isArray(config.layers)) throw new ImportError(`${what}: the model config lists no layers`);
  if (cls === 'Sequential') return sequential(name, config.layers, what);
  if (cls === 'Functional' || cls === 'Model') return functional(name, config, what);
  throw new ImportError(`${what}: a model of class '${cls}' is not imported (Sequential and Functional models are)`);
}

function layerName(entry: Json, index: number): string {
  const config = isObject(entry.config) ? entry.config : {};
  const name = typeof entry.name === 'string' ? entry.name : config.name;
  return typeof name === 'string' && name !== '' ? name : `layer_${index}`;
}

function sequential(name: string, entries: readonly unknown[], what: string): KModel {
  const layers: KLayer[] = [];
  entries.forEach((raw, i) => {
    const entry = object(raw, `${what}: layer ${i}`);
    const config = isObject(entry.config) ? entry.config : {};
    const cls = String(entry.class_name ?? '');
    // Keras 2 and tfjs put the input shape on the first layer instead of an InputLayer.
    if (i === 0 && cls !== 'InputLayer') {
      const shape = config.batch_input_shape ?? config.batch_shape;
      if (!Array.isArray(shape)) throw new ImportError(`${what}: the first layer '${layerName(entry, i)}' gives no input shape`);
      layers.push({ cls: 'InputLayer', name: 'input', config: { batch_input_shape: shape }, inputs: [] });
    }
    const previous = layers[layers.length - 1];
    layers.push({ cls, name: layerName(entry, i), config, inputs: previous ? [previous.name] : [] });
  });
  return { name, layers, inputs: [layers[0].name], outputs: [layers[layers.length - 1].name] };
}

/** The layer names a Keras 3 call's arguments refer to: every `__keras_tensor__`'s history, in order. */
function kerasTensors(v: unknown, out: string[]): string[] {
  if (Array.isArray(v)) for (const x of v) kerasTensors(x, out);
  else if (isObject(v)) {
    const history = isObject(v.config) ? v.config.keras_history : undefined;
    if (v.class_name === '__keras_tensor__' && Array.isArray(history)) out.push(String(history[0]));
    else for (const x of Object.values(v)) kerasTensors(x, out);
  }
  return out;
}

/** Inputs of a layer called once: Keras 2 and tfjs `[[[name, node, tensor, kwargs], …]]`, Keras 3 `[{args, kwargs}]`. */
function inboundOf(entry: Json, name: string, what: string): string[] {
  const nodes = entry.inbound_nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) return [];
  if (nodes.length > 1) throw new ImportError(`${what}: layer '${name}' is called ${nodes.length} times; shared layers are not imported`);
  const node = nodes[0];
  if (isObject(node)) return kerasTensors(node.args ?? [], []);
  if (!Array.isArray(node)) throw new ImportError(`${what}: layer '${name}' has unreadable inbound nodes`);
  return node.map((t) => (Array.isArray(t) ? String(t[0]) : String((t as Json)?.[0] ?? '')));
}

/** `[[name, 0, 0]]` or Keras 3's single `[name, 0, 0]`: the layer names. */
function endpoints(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  if (v.length > 0 && typeof v[0] === 'string') return [v[0]];
  return v.map((e) => (Array.isArray(e) ? String(e[0]) : String(e)));
}

function functional(name: string, config: Json, what: string): KModel {
  const entries = config.layers as unknown[];
  const layers = entries.map((raw, i): KLayer => {
    const entry = object(raw, `${what}: layer ${i}`);
    const lname = layerName(entry, i);
    return { cls: String(entry.class_name ?? ''), name: lname, config: isObject(entry.config) ? entry.config : {}, inputs: inboundOf(entry, lname, what) };
  });
  const inputs = endpoints(config.input_layers);
  const outputs = endpoints(config.output_layers);
  if (inputs.length === 0) throw new ImportError(`${what}: the model config lists no input layers`);
  if (outputs.length === 0) throw new ImportError(`${what}: the model config lists no output layers`);
  const twice = outputs.find((o, i) => outputs.indexOf(o) < i);
  if (twice !== undefined) throw new ImportError(`${what}: the layer '${twice}' is listed twice among the outputs; Stride declares each output once`);
  const known = new Set<string>();
  for (const l of layers) {
    const missing = l.inputs.find((t) => !known.has(t));
    if (missing !== undefined) throw new ImportError(`${what}: layer '${l.name}' takes '${missing}', which is not an earlier layer`);
    known.add(l.name);
  }
  const missing = [...inputs, ...outputs].find((l) => !known.has(l));
  if (missing !== undefined) throw new ImportError(`${what}: the input or output layer '${missing}' is not in the model`);
  return { name, layers, inputs, outputs };
}
