// The tfjs format: a LayersModel folder (model.json + one weight shard) that stock `tf.loadLayersModel` loads.

import * as tf from '@tensorflow/tfjs';
import { buildModel, tfName } from '../train/model-builder';
import type { TrainingModel } from '../protocol/training-model';
import type { ExportFormat, ExportJob } from './formats';
import { ExportRefused } from './refusal';
import { describeNode, loweredFor } from './lowered';
import { STOCK_ACTIVATIONS, stockReplacement, tfjsSupport, type TopologyLayer } from './tfjs-stock';

const SHARD = 'group1-shard1of1.bin';

export const tfjsFormat: ExportFormat = {
  name: 'tfjs',
  summary: 'tfjs LayersModel folder (model.json + weights) for stock tf.loadLayersModel',
  suffix: '_tfjs/',
  async run(job) {
    const { model, notes } = loweredFor(job);
    const weights = await job.weights();
    const built = buildModel(model, { seed: model.settings.seed });
    try {
      setWeights(built, weights.weights);
      const artifacts = await saveArtifacts(built);
      const topology = artifacts.modelTopology as { config: { layers: TopologyLayer[] } };
      const refusals = stockTopology(built, topology.config.layers);
      if (refusals.length > 0) throw new ExportRefused(refusalText(job, model, refusals));
      const manifest = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: 'Stride',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [SHARD], weights: artifacts.weightSpecs }],
      };
      const shard = new Uint8Array(artifacts.weightData as ArrayBuffer);
      notes.push(weights.from ? `weights from ${weights.from}` : 'weights are the seeded initial ones (give --weights DIR for trained ones)');
      return {
        files: [
          { path: 'model.json', data: JSON.stringify(manifest) + '\n' },
          { path: SHARD, data: shard },
        ],
        notes,
      };
    } finally {
      built.dispose();
    }
  },
  support: tfjsSupport,
};

/**
 * Writes the export's weights into the built model in order: both come from the same build, while tfjs's generated
 * names of wrapped layers (a bidirectional RNN's forward/backward cells) differ from one build to the next.
 */
function setWeights(model: tf.LayersModel, weights: readonly { name: string; shape: readonly number[]; data: Float32Array }[]): void {
  if (weights.length !== model.weights.length) throw new Error(`${weights.length} weights for a model with ${model.weights.length}`);
  const values = model.weights.map((v, i) => {
    const w = weights[i];
    if (w.shape.join() !== v.shape.join())
      throw new Error(`weight ${i} '${w.name}' has shape (${w.shape.join(', ')}), the model's '${v.originalName}' (${v.shape.join(', ')})`);
    return tf.tensor(w.data, [...w.shape]);
  });
  model.setWeights(values);
  tf.dispose(values);
}

async function saveArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('tfjs did not hand over the model artifacts');
  return saved;
}

/**
 * Rewrites each custom class in `layers` as its stock equivalent in place; returns the tfjs layer names that have
 * none (with why), and those whose activation only Stride registers.
 */
function stockTopology(model: tf.LayersModel, layers: TopologyLayer[]): { layer: string; why: string }[] {
  const refusals: { layer: string; why: string }[] = [];
  const live = new Map(model.layers.map((l) => [l.name, l]));
  for (const entry of layers) {
    const act = entry.config.activation;
    if (typeof act === 'string' && !STOCK_ACTIVATIONS.has(act)) refusals.push({ layer: entry.name, why: `activation ${act} is Stride's own` });
    if (tf.serialization.SerializationMap.getMap().classNameMap[entry.class_name] && !entry.class_name.startsWith('Stride')) continue;
    const layer = live.get(entry.name);
    if (!layer) continue;
    const replacement = stockReplacement({
      className: entry.class_name,
      config: layer.getConfig() as Record<string, unknown>,
      inputShape: inputShapeOf(layer),
    });
    if ('refused' in replacement) refusals.push({ layer: entry.name, why: replacement.refused });
    else Object.assign(entry, replacement);
  }
  return refusals;
}

function inputShapeOf(layer: tf.layers.Layer): (number | null)[] {
  const shape = layer.inputSpec?.[0]?.shape ?? (layer.batchInputShape as (number | null)[] | undefined);
  if (shape) return shape;
  const inbound = layer.inboundNodes[0]?.inputShapes;
  return (Array.isArray(inbound?.[0]) ? inbound[0] : inbound) as (number | null)[];
}

/** The refusal names Stride's layers (name, kind, line), mapped back from tfjs layer names. */
function refusalText(job: ExportJob, model: TrainingModel, refusals: readonly { layer: string; why: string }[]): string {
  const byTfName = new Map(model.nodes.map((n) => [tfName(n.name), n.id]));
  const lines = refusals.map(({ layer, why }) => {
    const id = byTfName.get(layer) ?? byTfName.get(layer.replace(/_(pad|crop|keepdims|activation|as2d|as1d|causal|depthwise|pointwise)$/, ''));
    return `${id === undefined ? `'${layer}'` : describeNode(job.model, job.analysis.text, id)}: ${why}`;
  });
  return `stock tfjs cannot load this model:\n  ${lines.join('\n  ')}`;
}
