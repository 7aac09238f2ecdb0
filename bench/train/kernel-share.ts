// Where a training step's kernel time goes on the wasm backend: Stride's own kernels (train/node/backends/) versus
// the stock tfjs ones — the bound on what threading the stock kernels (tfjs's threaded wasm build) could gain.
// `npm run bench:kernel-share -- vgg-small resnet8` (default: all benchmark nets); batch 32, Adam, one profiled step
// after 3 warm-up steps.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../train/node/backends/select';
import { WASM_TRAINING_KERNELS } from '../../train/node/backends/wasm-kernels';
import { makeOptimizer } from '../../train/optimizers';
import { optimizeBatch } from '../../train/step';
import { BENCH_MODELS } from './models';

async function share(name: string, own: ReadonlySet<string>): Promise<string> {
  const spec = BENCH_MODELS.find((m) => m.name === name);
  if (!spec) throw new Error(`unknown model ${name}; one of ${BENCH_MODELS.map((m) => m.name).join(', ')}`);
  const model = spec.build();
  const plan = makeOptimizer({ name: 'adam', args: { lr: 1e-3 } });
  const x = tf.randomUniform([32, ...spec.inputShape]);
  const y = tf.randomUniform([32], 0, spec.classes, 'int32') as tf.Tensor1D;
  const objective = { loss: 'crossentropy', forms: ['softmax' as const], classes: spec.classes };
  const step = async () => (await optimizeBatch(model, plan, x, y, objective)).pred.dispose();
  for (let i = 0; i < 3; i++) await step();
  const t0 = performance.now();
  const info = await tf.profile(step);
  const wall = performance.now() - t0;
  const by = new Map<string, number>();
  // `…__op` entries are op wrappers around a kernel that is listed too: counting them would count it twice.
  for (const k of info.kernels) if (!k.name.endsWith('__op')) by.set(k.name, (by.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  const rows = [...by].sort((a, b) => b[1] - a[1]);
  const sum = (mine: boolean) => rows.filter(([k]) => own.has(k) === mine).reduce((s, [, t]) => s + t, 0);
  const [ours, stock] = [sum(true), sum(false)];
  const top = rows.filter(([k]) => !own.has(k)).slice(0, 5);
  return (
    `| ${name} | ${wall.toFixed(1)} | ${ours.toFixed(1)} | ${stock.toFixed(1)} | ${((100 * stock) / (ours + stock)).toFixed(1)} % | ` +
    `${top.map(([k, t]) => `${k} ${t.toFixed(1)}`).join(', ')} |`
  );
}

async function main(): Promise<void> {
  await selectBackend({ backend: 'wasm', warn: () => undefined });
  const own = new Set(WASM_TRAINING_KERNELS.map((k) => k.config.kernelName));
  const names = process.argv.slice(2);
  console.log('| model | step ms (profiled) | Stride kernels ms | stock kernels ms | stock share | largest stock kernels (ms) |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const name of names.length > 0 ? names : BENCH_MODELS.map((m) => m.name)) console.log(await share(name, own));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
