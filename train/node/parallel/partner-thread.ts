// A partner thread (see partner.ts): builds a replica of the model, then, for every step the main thread hands it,
// takes the weights and its rows from shared memory and writes back the loss, the gradients and the predictions.
import { createRequire } from 'node:module';
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { useWasmBinariesBeside } from '../backends/shipped-wasm';
import { selectBackend, type BackendName } from '../backends/select';
import { buildModel } from '../../model-builder';
import { gradientsOf, type StepObjective } from '../../step';
import { seededLayers } from '../../checkpoint';
import { Control, DROPOUT_STREAM, State, weightsInOrder, writeWeights, type StepMessage, type Layout, type ModelRecipe } from './shared-step';

interface Start {
  readonly sab: SharedArrayBuffer;
  readonly port: MessagePort;
  readonly recipe: ModelRecipe;
  readonly layout: Layout;
  readonly backend: BackendName;
  readonly rank: number;
}

async function main(start: Start): Promise<void> {
  const control = new Int32Array(start.sab, 0, Control.Words);
  try {
    useWasmBinariesBeside(__dirname); // bundled (the extension package), they ship beside this file
    await selectBackend({ backend: start.backend, warn: () => undefined });
    const model = await build(start.recipe);
    const weights = weightsInOrder(model);
    const size = weights.reduce((n, w) => n + w.size, 0);
    if (size !== start.layout.weightCount) throw new Error(`The training thread's model has ${size} weights, the main thread's ${start.layout.weightCount}.`);
    serve(start, control, model, weights);
  } catch (err) {
    failed(start, control, err);
  }
}

async function build(recipe: ModelRecipe): Promise<tf.LayersModel> {
  if (recipe.kind === 'stride') return buildModel(recipe.training, { seed: recipe.seed });
  // createRequire: a plain require of a computed path would be the bundler's, which cannot load it.
  const make = createRequire(__filename)(recipe.module)[recipe.name] as (arg: unknown) => tf.LayersModel | Promise<tf.LayersModel>;
  return make(recipe.arg);
}

/** Answers steps until told to quit; a failed step is reported and ends the thread. */
function serve(start: Start, control: Int32Array, model: tf.LayersModel, weights: tf.Variable[]): void {
  let message: StepMessage | undefined;
  const drop = seededLayers(model);
  Atomics.store(control, Control.State, State.Idle);
  Atomics.notify(control, Control.State);
  for (;;) {
    const state = Atomics.load(control, Control.State);
    if (state === State.Quit) return;
    if (state !== State.Work) {
      Atomics.wait(control, Control.State, state, 1000);
      continue;
    }
    for (let m = receiveMessageOnPort(start.port); m; m = receiveMessageOnPort(start.port)) message = m.message as StepMessage;
    if (!message) throw new Error('A step came without its objective.');
    drop.forEach((d, i) => (d.calls = (message!.dropoutCalls[i] ?? 0) + start.rank * DROPOUT_STREAM));
    step(start, control, model, weights, message.objective);
    // For leak checks from the main thread: what this thread holds after the step.
    control[Control.Tensors] = tf.memory().numTensors;
    Atomics.store(control, Control.State, State.Done);
    Atomics.notify(control, Control.State);
  }
}

function step(start: Start, control: Int32Array, model: tf.LayersModel, weights: tf.Variable[], objective: StepObjective): void {
  const L = start.layout;
  const rows = control[Control.Rows];
  writeWeights(weights, new Float32Array(start.sab, L.weights, L.weightCount));
  const chosen = new Int32Array(start.sab, L.vars, control[Control.Vars]);
  const vars = Array.from(chosen, (i) => weights[i]);
  tf.tidy(() => {
    const xs = tf.tensor(new Float32Array(start.sab, L.x, rows * L.sample).slice(), [rows, ...model.inputs[0].shape.slice(1)] as number[]);
    const ys = tf.tensor1d(new Int32Array(start.sab, L.y, rows).slice(), 'int32');
    const { value, grads, pred } = gradientsOf(model, xs, ys, objective, vars);
    const out = new Float32Array(start.sab, L.out, L.outLength);
    out[0] = value.dataSync()[0];
    let at = 1;
    for (const v of vars) {
      // A weight off the loss's path has no gradient here, nor on the main thread (same model, same graph).
      if (grads[v.name]) out.set(grads[v.name].dataSync() as Float32Array, at);
      at += v.size;
    }
    new Float32Array(start.sab, L.pred, rows * L.predSize).set(pred.dataSync() as Float32Array);
    pred.dispose();
  });
}

function failed(start: Start, control: Int32Array, err: unknown): void {
  start.port.postMessage({ error: err instanceof Error ? err.message : String(err) });
  Atomics.store(control, Control.State, State.Failed);
  Atomics.notify(control, Control.State);
}

const start = workerData as Start;
main(start).catch((err) => failed(start, new Int32Array(start.sab, 0, Control.Words), err));
