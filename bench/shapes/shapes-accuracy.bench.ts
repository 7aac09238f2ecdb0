// Time to 90% validation accuracy on the built-in shapes data set with a small CNN, through the real runTraining path.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../core/analyze';
import { trainingModelFor } from '../../ide/training-model';
import { runTraining } from '../../train/node/run';

const SOURCE = `
model ShapesNet {
  input(32, 32, 1)
  conv2d(8, 3, padding: same, activation: relu)
  maxpool2d(2)
  conv2d(16, 3, padding: same, activation: relu)
  maxpool2d(2)
  flatten()
  dense(32, activation: relu)
  dense(4, activation: softmax)
}
train ShapesNet { data: shapes  optimizer: adam(lr: 0.003)  epochs: 8  batch: 32  validation: 0.1  seed: 1 }
`;

interface EpochRow {
  epoch: number;
  seconds: number;
  valAccuracy: number;
  samplesPerSecond: number;
}

async function main(): Promise<void> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-shapes-bench-'));
  const t0 = performance.now();
  const rows: EpochRow[] = [];
  let backend = '';
  try {
    const lowered = trainingModelFor(analyze(SOURCE), {}, 'shapes-accuracy');
    if (!lowered.ok) throw new Error(lowered.error);
    await runTraining({
      model: lowered.value,
      outDir,
      onProgress: (e) => {
        if (e.type === 'backend') backend = e.description;
        if (e.type !== 'epoch') return;
        const row = {
          epoch: e.progress.epoch,
          seconds: (performance.now() - t0) / 1000,
          valAccuracy: e.progress.valMetrics?.accuracy ?? NaN,
          samplesPerSecond: e.progress.samplesPerSecond,
        };
        rows.push(row);
        console.error(
          `epoch ${row.epoch}: val accuracy ${(100 * row.valAccuracy).toFixed(1)}% at ${row.seconds.toFixed(1)} s (${row.samplesPerSecond.toFixed(0)} samples/s)`,
        );
      },
    });
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  const reached = rows.find((r) => r.valAccuracy >= 0.9);
  const result = { backend, cores: os.cpus().length, secondsTo90: reached?.seconds ?? null, epochsTo90: reached?.epoch ?? null, epochs: rows };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
