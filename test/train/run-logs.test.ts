// The logs a training run writes besides metrics.jsonl: metrics.csv and TensorBoard event files, read back by a
// reader written from the format's description and compared with the JSON lines of the same run.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { csvRow } from '../../train/node/logs/csv';
import { eventBytes, EventFileWriter, FILE_VERSION } from '../../train/node/logs/tensorboard';
import { crc32c, tfRecord } from '../../train/node/logs/tfrecord';
import { runRecords } from '../helpers/run-records';
import { crc32cBitwise, readEventFile, readRecords } from '../helpers/tfevents';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'stride.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-run-logs-'));

describe('event file format', () => {
  test('CRC-32C matches the standard check value and a bit-by-bit computation', () => {
    const check = new TextEncoder().encode('123456789');
    assert.equal(crc32c(check), 0xe3069283);
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 131 + 7) & 255);
    assert.equal(crc32c(bytes), crc32cBitwise(bytes));
  });

  test('records round-trip and any damaged byte is detected', () => {
    const data = eventBytes(1.5, { step: 3, scalars: { epoch_loss: 0.25 } });
    const file = tfRecord(data);
    assert.deepEqual(
      readRecords(file).map((r) => Buffer.from(r)),
      [Buffer.from(data)],
    );
    for (const at of [0, 9, 12, file.length - 1]) {
      const bad = file.slice();
      bad[at] ^= 1;
      assert.throws(() => readRecords(bad), /CRC|truncated/);
    }
    assert.throws(() => readRecords(file.subarray(0, file.length - 2)), /truncated/);
  });

  test('a writer starts with the file version and appends scalar events', () => {
    const writer = new EventFileWriter(path.join(dir, 'unit'), 1_700_000_000_000);
    assert.match(path.basename(writer.file), /^events\.out\.tfevents\.1700000000\..+\.stride$/);
    writer.write({ wallTime: 1_700_000_001, step: 1, scalars: { epoch_loss: 0.5, epoch_accuracy: 0.75 } });
    writer.write({ wallTime: 1_700_000_002, step: 2, scalars: { epoch_loss: NaN } });
    const events = readEventFile(fs.readFileSync(writer.file));
    assert.deepEqual(events[0], { wallTime: 1_700_000_000, step: 0, fileVersion: FILE_VERSION, scalars: {} });
    assert.deepEqual(events[1], { wallTime: 1_700_000_001, step: 1, fileVersion: undefined, scalars: { epoch_loss: 0.5, epoch_accuracy: 0.75 } });
    assert.equal(events[2].step, 2);
    assert.ok(Number.isNaN(events[2].scalars.epoch_loss), 'a diverged loss is written as NaN');
  });

  test('CSV fields are quoted as RFC 4180 says', () => {
    assert.equal(csvRow(['epoch', 'a,b', 'say "hi"', 1.5]), 'epoch,"a,b","say ""hi""",1.5\n');
  });
});

const MODEL = `model Tiny {
  input(32, 32, 1)
  conv2d(4, 3, stride: 2, activation: relu)
  maxpool2d(2)
  flatten()
  dense(4, activation: softmax)
}
train Tiny { data: shapes  optimizer: adam(lr: 0.01)  metrics: [accuracy]  epochs: 3  batch: 32  validation: 0.25  seed: 3 }
`;

function eventsIn(folder: string): ReturnType<typeof readEventFile> {
  const files = fs.readdirSync(folder).filter((f) => f.includes('tfevents'));
  assert.equal(files.length, 1, `one event file in ${folder}`);
  return readEventFile(fs.readFileSync(path.join(folder, files[0])));
}

test('stride train --tensorboard: the event files and metrics.csv hold the same numbers as metrics.jsonl', () => {
  const file = path.join(dir, 'tiny.stride');
  fs.writeFileSync(file, MODEL);
  const board = path.join(dir, 'board');
  const r = spawnSync(process.execPath, [BIN, 'train', file, '--epochs', '2', '--limit', '128', '--tensorboard', board], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const run = path.join(dir, 'tiny.runs', 'Tiny');
  assert.match(r.stdout, /^Metrics table: .*metrics\.csv$/m);
  const epochs = runRecords(run, 'epoch');
  assert.equal(epochs.length, 2);
  assert.deepEqual(
    epochs.map((e) => e.lr),
    [0.01, 0.01],
    'the constant learning rate of adam(lr: 0.01)',
  );

  const [header, ...rows] = fs.readFileSync(path.join(run, 'metrics.csv'), 'utf8').trim().split('\n');
  assert.deepEqual(header.split(','), ['epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'lr', 'seconds', 'samples_per_second']);
  rows.forEach((row, i) => {
    const [epoch, loss, accuracy, valLoss, valAccuracy] = row.split(',').map(Number);
    const e = epochs[i];
    assert.deepEqual([epoch, loss, accuracy, valLoss, valAccuracy], [e.epoch, e.loss, e.metrics.accuracy, e.valLoss, e.valMetrics.accuracy]);
  });

  const train = eventsIn(path.join(board, 'train'));
  const validation = eventsIn(path.join(board, 'validation'));
  for (const events of [train, validation]) assert.equal(events[0].fileVersion, FILE_VERSION);
  assert.deepEqual(
    train.slice(1).map((e) => [e.step, e.scalars]),
    epochs.map((e) => [e.epoch, { epoch_loss: Math.fround(e.loss), epoch_accuracy: Math.fround(e.metrics.accuracy), epoch_learning_rate: Math.fround(e.lr) }]),
  );
  assert.deepEqual(
    validation.slice(1).map((e) => [e.step, e.scalars]),
    epochs.map((e) => [e.epoch, { epoch_loss: Math.fround(e.valLoss), epoch_accuracy: Math.fround(e.valMetrics.accuracy) }]),
  );
});

test('stride train --tensorboard with an empty path is a usage error before any training', () => {
  const file = path.join(dir, 'tiny.stride');
  fs.writeFileSync(file, MODEL);
  const r = spawnSync(process.execPath, [BIN, 'train', file, '--tensorboard', ' '], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--tensorboard is an empty path/);
});
