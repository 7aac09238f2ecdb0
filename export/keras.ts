// The keras format: Keras 3 Python source (functional API, channels-last) plus the weights as .npz, set by layer name.

import type { WeightArray } from '../core/export/weights';
import type { TrainingModel, TrainingNode } from '../protocol/training-model';
import { tfName } from '../train/model-builder';
import type { ExportFormat, ExportJob } from './formats';
import { ExportRefused } from './refusal';
import { KERAS_CUSTOM } from './keras-custom';
import { kerasEmitterOf, kerasSupport, py, type KerasEmitted } from './keras-layers';
import { describeNode, loweredFor } from './lowered';
import { npz, type NpyArray } from './npz';

export const kerasFormat: ExportFormat = {
  name: 'keras',
  summary: 'Keras 3 Python (functional API, channels-last) + weights as .npz',
  suffix: '_keras/',
  async run(job) {
    const { model, notes } = loweredFor(job);
    const code = kerasCode(job, model);
    const weights = await job.weights();
    const arrays = kerasWeights(model, weights.weights);
    notes.push(...code.custom.map((c) => `${c} is a layer defined in model.py (Keras has none)`));
    notes.push(weights.from ? `weights from ${weights.from}` : 'weights.npz holds the seeded initial weights (give --weights DIR for trained ones)');
    const source = code.text + loaderCode(arrays);
    return {
      files: [
        { path: 'model.py', data: source },
        { path: 'weights.npz', data: npz(arrays.flatMap((l) => l.arrays)) },
      ],
      notes,
    };
  },
  support: kerasSupport,
};

/** Keras 3 forbids `/` in layer names: block instances (`basic_2/conv2d_5`) become `basic_2__conv2d_5`. */
export function kerasName(name: string): string {
  return tfName(name).replace(/\//g, '__');
}

/** A Python identifier for a tensor, unique in the file. */
function pyVar(name: string, used: Set<string>): string {
  let v = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (/^[0-9]/.test(v) || ['in', 'if', 'is', 'as', 'or', 'and', 'not', 'def', 'for', 'x', 'keras', 'layers', 'ops', 'np'].includes(v)) v = `t_${v}`;
  let unique = v;
  for (let i = 2; used.has(unique); i++) unique = `${v}_${i}`;
  used.add(unique);
  return unique;
}

/** Only layers on a path to an output are written, as the tfjs model builder (and so its weights) has them. */
export function liveNodes(model: TrainingModel): Set<number> {
  const live = new Set<number>(model.inputs);
  const stack = [...model.outputs];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (live.has(id) && !model.inputs.includes(id)) continue;
    live.add(id);
    stack.push(...model.nodes[id].inputs);
  }
  return live;
}

function kerasCode(job: ExportJob, model: TrainingModel): { text: string; custom: string[] } {
  const used = new Set<string>();
  const vars = new Map<number, string>();
  const body: string[] = [];
  const custom = new Set<string>();
  const refused: string[] = [];
  const live = liveNodes(model);
  for (const node of model.nodes) {
    if (!live.has(node.id)) continue;
    const v = pyVar(node.name, used);
    vars.set(node.id, v);
    if (node.kind === 'input') {
      body.push(`    ${v} = keras.Input(shape=${py(node.shape)}, name=${py(kerasName(node.name))})`);
      continue;
    }
    const emitted = emit(node, model);
    if ('refused' in emitted) {
      refused.push(`${describeNode(job.model, job.analysis.text, node.id)}: ${emitted.refused}`);
      continue;
    }
    emitted.custom?.forEach((c) => custom.add(c));
    body.push(
      ...applyChain(
        v,
        emitted,
        node.inputs.map((id) => vars.get(id) ?? '?'),
      ),
    );
  }
  if (refused.length > 0) throw new ExportRefused(`no Keras translation for:\n  ${refused.join('\n  ')}`);
  const list = (ids: readonly number[]) => `[${ids.map((id) => vars.get(id)).join(', ')}]`;
  body.push(`    return keras.Model(inputs=${list(model.inputs)}, outputs=${list(model.outputs)}, name=${py(kerasName(model.name))})`);
  return { text: fileHead(job, model, [...custom]) + `def build_model():\n${body.join('\n')}\n`, custom: [...custom] };
}

function emit(node: TrainingNode, model: TrainingModel): KerasEmitted | { refused: string } {
  const emitter = kerasEmitterOf(node.kind);
  if (!emitter) return { refused: 'Keras has no equivalent (see docs/export-formats.md)' };
  const inShapes = node.inputs.map((id) => model.nodes[id].shape ?? []);
  return emitter({ args: node.args, name: kerasName(node.name), inShapes, outShape: node.shape ?? [] });
}

/** `v = Layer(...)(inputs)`, one line per layer of the chain; merges take a list, attention (x, x). */
function applyChain(v: string, emitted: KerasEmitted, inputs: readonly string[]): string[] {
  let arg = inputs.length === 1 ? inputs[0] : `[${inputs.join(', ')}]`;
  return emitted.layers.map((layer, i) => {
    const last = i === emitted.layers.length - 1;
    const line = `    ${v} = ${layer}(${last && emitted.selfAttention ? `${arg}, ${arg}` : arg})`;
    arg = v;
    return line;
  });
}

function fileHead(job: ExportJob, model: TrainingModel, custom: readonly string[]): string {
  const doc = [
    `"""${model.name}: a Keras 3 functional model, written by \`stride export --format keras\`.`,
    '',
    'Channels-last, as Stride and Keras compute. Weights are in weights.npz beside this file, one array per',
    '"layer/weight"; load_weights(model) sets them by layer name. Run this file to build the model, load the',
    `weights and print a summary.${job.logits ? ' The final softmax/sigmoid is left out (--logits).' : ''}`,
    '"""',
  ];
  const classes = custom.map((c) => `\n\n${KERAS_CUSTOM[c]}\n`).join('');
  return `${doc.join('\n')}\n\nimport os\n\nimport keras\nimport numpy as np\nfrom keras import layers, ops, regularizers\n${classes}\n\n`;
}

/** One Keras layer's arrays in its `get_weights()` order. */
interface LayerArrays {
  readonly layer: string;
  readonly arrays: NpyArray[];
}

/**
 * The weights per Keras layer, in the order tfjs built them (per layer, Keras's order too). Stride builds 1-D
 * depthwise/separable/transposed convolutions as 2-D ones over (length, 1), so their kernels drop that axis; Keras's
 * attention keeps heads as an axis of its kernels.
 */
function kerasWeights(model: TrainingModel, weights: readonly WeightArray[]): LayerArrays[] {
  const nodes = [...model.nodes].filter((n) => n.kind !== 'input').sort((a, b) => tfName(b.name).length - tfName(a.name).length);
  const byLayer = new Map<string, LayerArrays>();
  for (const w of weights) {
    const node = nodes.find((n) => w.name.startsWith(`${tfName(n.name)}/`));
    if (!node) throw new Error(`weight '${w.name}' belongs to no layer`);
    const layer = kerasName(node.name);
    const rest = w.name.slice(tfName(node.name).length + 1).replace(/^(forward|backward)_[^/]*\//, '$1/');
    const entry = byLayer.get(layer) ?? { layer, arrays: [] };
    entry.arrays.push({ name: `${layer}/${rest}`, shape: kerasShape(node, rest, w.shape), data: w.data });
    byLayer.set(layer, entry);
  }
  // tfjs lists all trainable weights before the non-trainable ones; Keras's per-layer order is the layer's own.
  return [...byLayer.values()];
}

function kerasShape(node: TrainingNode, weight: string, shape: readonly number[]): number[] {
  const lifted = ['depthwise_conv1d', 'separable_conv1d', 'conv1d_transpose'].includes(node.kind) && shape.length === 4;
  if (lifted) return [shape[0], shape[2], shape[3]];
  if (node.kind !== 'multihead_attention') return [...shape];
  const h = node.args.heads as number;
  if (weight.startsWith('attention_output/')) return weight.endsWith('kernel') ? [h, shape[0] / h, shape[1]] : [...shape];
  return weight.endsWith('kernel') ? [shape[0], h, shape[1] / h] : [h, shape[0] / h];
}

function loaderCode(layers: readonly LayerArrays[]): string {
  const entries = layers.map((l) => `    ${py(l.layer)}: [${l.arrays.map((a) => py(a.name)).join(', ')}],`);
  return `

# The arrays of each layer in weights.npz, in the order the layer's set_weights() takes them.
WEIGHTS = {
${entries.join('\n')}
}


def load_weights(model, path=os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights.npz")):
    data = np.load(path)
    for layer in model.layers:
        names = WEIGHTS.get(layer.name)
        if names:
            layer.set_weights([data[name] for name in names])
    return model


if __name__ == "__main__":
    load_weights(build_model()).summary()
`;
}
