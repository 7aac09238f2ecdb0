// A Keras model (layers in order) to the `.stride` text and the weights of its layers, in the contract's order.

import { ImportError } from '../read';
import { render, type Line, type ModelOutput } from '../render';
import { concatAxis, inputCall, MERGES, outputRank, TABLE } from './layers';
import type { Imported, KLayer, KModel, LayerWeights, WeightSource } from './types';

/** Lists each layer class the importer cannot read with its count and layer names, in one error. */
function refuseUnsupported(model: KModel, what: string): void {
  const bad = new Map<string, string[]>();
  for (const l of model.layers) {
    if (l.cls === 'InputLayer' || Object.hasOwn(TABLE, l.cls) || Object.hasOwn(MERGES, l.cls)) continue;
    bad.set(l.cls, [...(bad.get(l.cls) ?? []), l.name]);
  }
  if (bad.size === 0) return;
  const lines = [...bad].map(([cls, names]) => `  ${cls} ×${names.length}: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`);
  throw new ImportError(`${what}: unsupported Keras layers:\n${lines.join('\n')}`);
}

/** A merge: `add(skip)` when the previous line is one of two unordered inputs, else every input named. */
function mergeLine(l: KLayer, previous: string | undefined, rank: number): Line {
  const { kind, ordered } = MERGES[l.cls];
  if (l.cls === 'Concatenate') concatAxis(l, rank);
  if (l.inputs.length < 2) throw new ImportError(`${l.cls} layer '${l.name}': a merge needs at least two inputs`);
  if (!ordered && l.inputs.length === 2 && previous !== undefined && l.inputs.includes(previous)) {
    const other = l.inputs[0] === previous ? l.inputs[1] : l.inputs[0];
    return { out: l.name, inputs: [previous, other], call: (ref) => `${kind}(${ref(other)})`, node: l.name };
  }
  return { out: l.name, inputs: l.inputs, call: (ref) => `${kind}(${l.inputs.map(ref).join(', ')})`, node: l.name, explicit: true };
}

/** Ranks (batch included) of the layers' outputs, by name. */
type Ranks = Map<string, number>;

function lineOf(l: KLayer, previous: string | undefined, ranks: Ranks): { line: Line; weights: readonly string[] } {
  if (l.cls === 'InputLayer') {
    const call = inputCall(l);
    ranks.set(l.name, call.split(',').length + 1);
    return { line: { out: l.name, inputs: [], call: () => call }, weights: [] };
  }
  const rank = ranks.get(l.inputs[0]) ?? 0;
  ranks.set(l.name, outputRank(l, rank));
  if (Object.hasOwn(MERGES, l.cls)) return { line: mergeLine(l, previous, rank), weights: [] };
  if (l.inputs.length !== 1) throw new ImportError(`${l.cls} layer '${l.name}' takes ${l.inputs.length} inputs; it takes one in Stride`);
  const m = TABLE[l.cls](l, rank);
  return { line: { out: l.name, inputs: l.inputs, call: () => m.call, node: l.name }, weights: m.weights };
}

/** Layers that lead to an output, in the config's order (dead branches would not build). */
function live(model: KModel, what: string): KLayer[] {
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const keep = new Set<string>();
  const stack = [...model.outputs];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (keep.has(name)) continue;
    keep.add(name);
    stack.push(...(byName.get(name)?.inputs ?? []));
  }
  const unused = model.inputs.find((i) => !keep.has(i));
  if (unused !== undefined) throw new ImportError(`${what}: the input layer '${unused}' leads to no output`);
  // Inputs take nothing: written first, in the model's order, they are the Stride model's inputs in that order.
  const inputs = model.inputs.map((i) => byName.get(i) as KLayer);
  const taking = inputs.find((l) => l.cls !== 'InputLayer');
  if (taking) throw new ImportError(`${what}: the model input '${taking.name}' is a ${taking.cls} layer, not an InputLayer`);
  return [...inputs, ...model.layers.filter((l) => keep.has(l.name) && !model.inputs.includes(l.name))];
}

/**
 * Converts a model into Stride text named `name`; with `source`, also the weights of every layer that has some,
 * in the order the layers are written. `what` names the file in errors.
 */
export function convertModel(model: KModel, name: string, what: string, source: WeightSource | null): Imported {
  refuseUnsupported(model, what);
  const layers = live(model, what);
  if (layers[0]?.cls !== 'InputLayer') throw new ImportError(`${what}: the model does not start with its input`);
  const lines: Line[] = [];
  const weights: LayerWeights[] = [];
  const ranks: Ranks = new Map();
  for (const l of layers) {
    const { line, weights: names } = lineOf(l, lines[lines.length - 1]?.out, ranks);
    lines.push(line);
    if (names.length === 0 || source === null) continue;
    const tensors = source(l, names);
    if (tensors === null) throw new ImportError(`${what}: no weights for ${l.cls} layer '${l.name}'`);
    weights.push({ line: l.name, tensors });
  }
  const [first] = model.outputs;
  if (model.outputs.length === 1 && lines[lines.length - 1].out !== first) throw new ImportError(`${what}: the output layer '${first}' is not the last layer`);
  if (model.outputs.some((o) => layers.find((l) => l.name === o)?.cls === 'InputLayer'))
    throw new ImportError(`${what}: an output is the model's input; Stride writes outputs that layers compute`);
  // Several outputs are declared with `output(…)` in the config's order, each named after its layer.
  const outputs: ModelOutput[] = model.outputs.map((o) => ({ tensor: o, name: o }));
  const text = render(lines, name, model.name, false, outputs).replace(/^# Imported from the ONNX graph '.*'\./, `# Imported from ${what}.`);
  return { text, weights: source === null ? null : weights };
}
