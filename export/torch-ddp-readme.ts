// README.md of the PyTorch DDP project: the exact commands for one process, one node and several nodes.

import type { TrainingModel } from '../protocol/training-model';

/** What the README says about the data: its name, size and classes, and whether it is packed or read from a folder. */
export interface ReadmeData {
  readonly name: string;
  readonly shape: readonly number[];
  readonly classes: readonly string[];
  readonly count: number;
  readonly source: { readonly kind: 'packed' | 'folder' };
}

export function ddpReadme(training: TrainingModel, data: ReadmeData): string {
  const s = training.settings;
  return `# ${training.name}: PyTorch training project exported by Stride

\`model.py\` is the model, \`train.py\` trains it with the file's \`train\` section (${s.optimizer.name}, ${s.loss}, ${s.epochs} epochs,
global batch ${s.batch}, validation ${s.validation}, seed ${s.seed}) on ${data.name} (${data.count} images of
${data.shape.join('×')}, classes ${data.classes.join(', ')}), ${
    data.source.kind === 'folder'
      ? 'read from that folder while training (listed in `stride.json`; the folder must be at the same path on every node)'
      : "packed in `data/` exactly as Stride's own loader produced them"
  }.
Training starts from Stride's initial weights, or the train section's init: folder (\`initial.safetensors\`; \`--torch-init\` uses PyTorch's instead).

## Run

One process (CPU, or the first GPU):

    python train.py

N processes on one machine (one per GPU; gloo on CPU, NCCL on GPUs, chosen automatically):

    torchrun --nproc_per_node=N train.py

Several machines (run on each, with the same endpoint; node ranks are assigned at rendezvous):

    torchrun --nnodes=M --nproc_per_node=N --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 --rdzv_id=RUN train.py

\`python launch.py …\` takes exactly torchrun's arguments: it is torchrun with one fix for PyTorch 1.13 and older
on Python 3.11 and newer, whose torchrun stops at start with "'NoneType' object has no attribute 'get'".

Copy this folder to every machine. Add \`--max-restarts=K\` for torchrun's elastic restart: a failed process makes
torchrun restart all of them; give train.py \`--resume\` so they continue from the last checkpoint (without one
it starts from epoch 1, so the same command line serves the first start).

## Options

- \`--epochs N\`, \`--batch N\` (global: all processes together), \`--limit N\` (first N training images; \`normalize: auto\` statistics stay those written in stride.json)
- \`--out DIR\` (default \`runs\`): \`checkpoint.pt\` after every epoch and \`weights.safetensors\` at the end
- \`--metrics FILE\` (default \`OUT/metrics.jsonl\`): Stride's JSON-lines progress log (\`start\`, \`epoch\`, \`end\`)
- \`--resume\`: continue from \`OUT/checkpoint.pt\` when there is one (model, optimizer, epoch, random state)
- Ctrl-C (SIGINT) or SIGTERM: every process stops at the same step; rank 0 saves the checkpoint and the weights.
- \`--stop-file FILE\`: the same stop once FILE exists (\`stride train --engine torch\` stops this way, so torchrun
  itself is never signalled and ends quietly)

## Semantics

The batch is global: step k takes samples k·batch … (k+1)·batch − 1 of Stride's seeded epoch order and process r
trains on every N-th of them from r; losses are scaled so the averaged gradient is the mean over the whole batch.
So one process and N processes take the same steps (BatchNorm statistics are per process). The validation split,
the epoch order (mulberry32, seed + epoch), losses, metrics and the optimizers' weight decay follow Stride's trainer.

## Weights back into Stride

    stride import-weights MODEL.stride runs/weights.safetensors --model ${training.name}

writes Stride's weights folder (\`MODEL.runs/${training.name}/weights\`), which \`stride predict\`, the editor's
Run Model on Image and activations read. \`stride train MODEL.stride --engine torch\` does all of this itself.
`;
}
