// Data-parallel training on one machine: partner threads, each holding a replica of the model, that take a share of
// every batch. The main thread keeps the model, the optimizer and everything else; per step it hands each partner the
// weights and its rows through shared memory, does its own rows meanwhile, and averages the gradients in (train/step.ts).
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { ShareResult, StepObjective, StepPartner } from '../../step';
import { seededLayers } from '../../checkpoint';
import { Control, layoutOf, readWeights, State, weightsInOrder, type Layout, type ModelRecipe, type StepMessage } from './shared-step';

export type { ModelRecipe } from './shared-step';

/** How long a partner may take to load its backend and build its replica. */
const START_TIMEOUT_MS = 120_000;

export interface PartnerOptions {
  /** How the partner builds the same model (its weights come from the main thread's at every step). */
  readonly recipe: ModelRecipe;
  /** The main thread's model: the partner's buffers are sized from its weights, inputs and first output. */
  readonly model: tf.LayersModel;
  /** The most rows one share can have (the batch size is always enough). */
  readonly maxRows: number;
  /** The backend the partner loads (`tf.getBackend()` of the main thread). */
  readonly backend: string;
}

export class ThreadPartner implements StepPartner {
  private readonly control: Int32Array;
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly layout: Layout,
    private readonly sab: SharedArrayBuffer,
  ) {
    this.control = new Int32Array(sab, 0, Control.Words);
    worker.on('error', (err) => this.fail(new Error(`A training thread failed: ${err.message}`)));
    worker.on('exit', (code) => this.fail(new Error(`A training thread exited (code ${code}).`)));
  }

  /** Starts partner `rank` (1, 2, …; the main thread is 0) and waits until its replica is built. */
  static async start(o: PartnerOptions, rank: number): Promise<ThreadPartner> {
    const layout = layoutOf(o.model, o.maxRows);
    const sab = new SharedArrayBuffer(layout.bytes);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(path.join(__dirname, 'partner-thread.js'), {
      workerData: { sab, port: port2, recipe: o.recipe, layout, backend: o.backend, rank },
      transferList: [port2],
    });
    const partner = new ThreadPartner(worker, port1, layout, sab);
    try {
      await partner.wait(State.Starting, START_TIMEOUT_MS);
    } catch (err) {
      await partner.close();
      throw err;
    }
    return partner;
  }

  start(model: tf.LayersModel, vars: readonly tf.Variable[], xs: tf.Tensor, ys: tf.Tensor1D, objective: StepObjective): Promise<ShareResult> {
    if (this.failure) return Promise.reject(this.failure);
    const rows = xs.shape[0];
    if (rows > this.layout.maxRows)
      return Promise.reject(new Error(`A share of ${rows} rows exceeds the ${this.layout.maxRows} the training thread was made for.`));
    const all = weightsInOrder(model);
    const index = new Map(all.map((w, i) => [w.id, i]));
    const stray = vars.find((v) => !index.has(v.id));
    if (stray) return Promise.reject(new Error(`Weight '${stray.name}' is not one of the model's layers' weights; a training thread cannot follow it.`));
    const L = this.layout;
    readWeights(all, new Float32Array(this.sab, L.weights, L.weightCount));
    new Float32Array(this.sab, L.x, rows * L.sample).set(xs.dataSync() as Float32Array);
    new Int32Array(this.sab, L.y, rows).set(ys.dataSync() as Int32Array);
    const chosen = new Int32Array(this.sab, L.vars, all.length);
    vars.forEach((v, i) => (chosen[i] = index.get(v.id)!));
    const message: StepMessage = { objective, dropoutCalls: seededLayers(model).map((d) => d.calls) };
    this.port.postMessage(message);
    this.control[Control.Rows] = rows;
    this.control[Control.Vars] = vars.length;
    Atomics.store(this.control, Control.State, State.Work);
    Atomics.notify(this.control, Control.State);
    return this.wait(State.Work, Infinity).then(() => this.result(vars, rows));
  }

  /** How many tensors the partner thread held after its last step (a leak shows as growth). */
  get tensorsInThread(): number {
    return Atomics.load(this.control, Control.Tensors);
  }

  /** Resolves when the state leaves `from`; rejects with the partner's error (or a crash) instead. */
  private async wait(from: State, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Atomics.load(this.control, Control.State) === from && !this.failure) {
      const left = Math.min(deadline - Date.now(), 1000);
      if (left <= 0) throw new Error(`A training thread did not answer in ${Math.round(timeoutMs / 1000)} s.`);
      const waited = (Atomics as unknown as AtomicsWaitAsync).waitAsync(this.control, Control.State, from, left);
      if (waited.async) await waited.value;
    }
    if (Atomics.load(this.control, Control.State) === State.Failed) this.fail(new Error('A training thread failed.'));
    if (this.failure) throw this.failure;
  }

  private result(vars: readonly tf.Variable[], rows: number): ShareResult {
    const L = this.layout;
    const out = new Float32Array(this.sab, L.out, L.outLength);
    const grads: Float32Array[] = [];
    let offset = 1;
    for (const v of vars) {
      grads.push(out.slice(offset, offset + v.size));
      offset += v.size;
    }
    const pred = tf.tensor(new Float32Array(this.sab, L.pred, rows * L.predSize).slice(), [rows, ...L.predShape]);
    Atomics.store(this.control, Control.State, State.Idle);
    return { loss: out[0], grads, pred };
  }

  /** The thread's own error message, when it sent one, says more than how it ended. */
  private fail(err: Error): void {
    if (this.closed) return;
    const sent = receiveMessageOnPort(this.port)?.message as { error?: string } | undefined;
    this.failure ??= sent?.error ? new Error(`A training thread failed: ${sent.error}`) : err;
    Atomics.notify(this.control, Control.State);
  }

  /** Ends the thread (it finishes the step it is on, if any). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, Control.State, State.Quit);
    Atomics.notify(this.control, Control.State);
    this.port.close();
    await this.worker.terminate();
  }
}

/** Starts `count` partner threads (none for 0); all close if one fails to start. */
export async function startPartners(count: number, o: PartnerOptions): Promise<ThreadPartner[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => ThreadPartner.start(o, i + 1)));
  const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(ok.map((p) => p.close()));
    throw (failed as PromiseRejectedResult).reason;
  }
  return ok;
}

interface AtomicsWaitAsync {
  waitAsync(a: Int32Array, index: number, value: number, timeout: number): { async: boolean; value: Promise<string> | string };
}
