// The text examples (BERT-mini, LSTM classifier) against the same networks built in PyTorch at test time.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../core/analyze';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');

/** Runs a Python snippet that prints `trainable output_shape…` for a PyTorch module named `net` fed `x`. */
function torchFacts(build: string): { trainable: number; output: number[] } {
  const program = `import torch, torch.nn as nn\ntorch.manual_seed(0)\n${build}\nnet.eval()\nwith torch.no_grad():\n    y = net(x)\nprint(count(net), *y.shape[1:])\n`;
  const r = spawnSync('/usr/bin/python3', ['-c', program], { encoding: 'utf8' });
  assert.equal(r.status, 0, `PyTorch is needed as the oracle (Debian python3-torch): ${r.stderr}`);
  const [trainable, ...output] = r.stdout.trim().split(/\s+/).map(Number);
  return { trainable, output };
}

function strideFacts(file: string) {
  const analysis = analyze(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
  assert.deepEqual(analysis.diagnostics, []);
  const model = analysis.models[0];
  return { trainable: model.totals.trainable, nonTrainable: model.totals.nonTrainable, output: model.layers[model.graph.outputs[0]].shape };
}

test('bert-mini.stride equals embeddings + learned positions + 4 nn.TransformerEncoderLayer + a linear head', () => {
  const torch = torchFacts(`
class Bert(nn.Module):
    def __init__(self):
        super().__init__()
        self.tokens = nn.Embedding(30522, 256)
        self.positions = nn.Parameter(torch.zeros(512, 256))
        self.norm = nn.LayerNorm(256, eps=1e-12)
        self.layers = nn.ModuleList([nn.TransformerEncoderLayer(256, 4, 1024, dropout=0.1, activation="gelu", layer_norm_eps=1e-12, batch_first=True) for _ in range(4)])
        self.head = nn.Linear(256, 2)
    def forward(self, ids):
        h = self.norm(self.tokens(ids) + self.positions[: ids.shape[1]])
        for layer in self.layers:
            h = layer(h)
        return torch.softmax(self.head(h.mean(dim=1)), dim=-1)
net = Bert()
x = torch.zeros(2, 128, dtype=torch.long)
count = lambda m: sum(p.numel() for p in m.parameters())
`);
  const stride = strideFacts('bert-mini.stride');
  assert.equal(stride.trainable, torch.trainable);
  assert.equal(stride.nonTrainable, 0);
  assert.deepEqual(stride.output, torch.output);
});

test('lstm-text.stride equals nn.LSTM layers once PyTorch’s second (hidden-to-hidden) bias is left out, as Keras has one', () => {
  const torch = torchFacts(`
class Text(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20000, 128)
        self.lstm1 = nn.LSTM(128, 64, batch_first=True, bidirectional=True)
        self.lstm2 = nn.LSTM(128, 32, batch_first=True)
        self.head = nn.Linear(32, 1)
    def forward(self, ids):
        h, _ = self.lstm1(self.embed(ids))
        _, (last, _) = self.lstm2(h)
        return torch.sigmoid(self.head(last[-1]))
net = Text()
x = torch.zeros(2, 200, dtype=torch.long)
# Keras keeps one bias per gate; PyTorch adds bias_hh, the same size again.
count = lambda m: sum(p.numel() for name, p in m.named_parameters() if "bias_hh" not in name)
`);
  const stride = strideFacts('lstm-text.stride');
  assert.equal(stride.trainable, torch.trainable);
  assert.deepEqual(stride.output, torch.output);
});
