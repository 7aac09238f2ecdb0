// The metrics-log tail the editor streams `stride train` runs with: partial, garbage and huge lines, and a real run's log.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LineSplitter, MAX_LINE_CHARS, MetricsFollower, parseMetricsLine, type MetricsRecord } from '../../client/training/metrics-tail';

const ROOT = path.resolve(__dirname, '../../..');

const epochLine = (epoch: number, loss: number) =>
  JSON.stringify({
    event: 'epoch',
    epoch,
    epochs: 3,
    loss,
    metrics: { accuracy: 0.5 },
    valLoss: 0.9,
    valMetrics: { accuracy: 0.25 },
    seconds: 1,
    samplesPerSecond: 10,
    lr: 0.01,
  });

test('a record split anywhere across chunks comes out whole, once', () => {
  const line = epochLine(1, 0.75);
  for (let cut = 0; cut <= line.length; cut++) {
    const s = new LineSplitter();
    const lines = [...s.push(line.slice(0, cut)), ...s.push(line.slice(cut) + '\n')];
    assert.deepEqual(lines, [line], `cut at ${cut}`);
    assert.equal(s.pending, 0);
  }
  const s = new LineSplitter();
  assert.deepEqual(s.push('a\r\nb\n\nc'), ['a', 'b', '']);
  assert.equal(s.pending, 1, 'the unfinished line waits');
  assert.deepEqual(s.push('d\n'), ['cd']);
});

test('lines over the bound are dropped without being held, and the next line is read', () => {
  const s = new LineSplitter();
  const big = 'x'.repeat(MAX_LINE_CHARS / 4);
  let out: string[] = [];
  for (let i = 0; i < 10; i++) {
    out = out.concat(s.push(big));
    assert.ok(s.pending <= MAX_LINE_CHARS, `held ${s.pending} characters`);
  }
  out = out.concat(s.push(`${big}\n${epochLine(2, 0.5)}\n`));
  assert.deepEqual(out, [epochLine(2, 0.5)]);
  assert.equal(s.dropped, 1);
  // One chunk holding a whole oversized line and a good one.
  assert.deepEqual(new LineSplitter().push(`${'y'.repeat(MAX_LINE_CHARS + 1)}\nok\n`), ['ok']);
});

test('garbage, foreign and incomplete records are ignored; the Node trainer fields and flat ones are read', () => {
  for (const junk of [
    '',
    'Epoch 1/3 loss 0.5',
    '[1,2]',
    '{"event":',
    'null',
    '{"event":"batch","loss":1}',
    '{"event":"epoch","loss":1}',
    '{"event":"epoch","epoch":0}',
    '{"event":"end"}',
    '{"event":"epoch","epoch":"1"}',
  ])
    assert.equal(parseMetricsLine(junk), null, junk);
  assert.deepEqual(parseMetricsLine(epochLine(2, 0.75)), {
    event: 'epoch',
    epoch: 2,
    epochs: 3,
    loss: 0.75,
    accuracy: 0.5,
    valLoss: 0.9,
    valAccuracy: 0.25,
    seconds: 1,
    samplesPerSecond: 10,
    lr: 0.01,
  });
  const flat = parseMetricsLine('{"event":"epoch","epoch":1,"loss":null,"accuracy":0.5,"valAccuracy":0.75}');
  assert.ok(flat?.event === 'epoch');
  assert.equal(flat.loss, null, 'a loss JSON wrote as null (NaN) stays null');
  assert.equal(flat.accuracy, 0.5);
  assert.equal(flat.valAccuracy, 0.75);
  assert.deepEqual(parseMetricsLine('{"event":"end","status":"stopped","weightsDir":"/w"}'), {
    event: 'end',
    status: 'stopped',
    reason: null,
    weightsDir: '/w',
  });
});

function tempLog(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-tail-'));
  return path.join(dir, 'metrics.jsonl');
}

test('the follower reads only what is appended after its offset, waits for partial writes, and restarts on a replaced file', async () => {
  const file = tempLog();
  fs.writeFileSync(file, `${epochLine(1, 9)}\n`);
  const seen: MetricsRecord[] = [];
  const follower = new MetricsFollower(file, (r) => seen.push(r), fs.statSync(file).size);
  await follower.poll();
  assert.equal(seen.length, 0, 'records of an earlier run are not replayed');
  const line = `${epochLine(2, 0.5)}\n`;
  // A multi-byte character split between two writes must not corrupt the record.
  const bytes = Buffer.from(line.replace('"epoch","epoch"', '"epoch","note":"é","epoch"'));
  const cut = bytes.indexOf(Buffer.from('é')) + 1;
  fs.appendFileSync(file, bytes.subarray(0, cut));
  await follower.poll();
  assert.equal(seen.length, 0);
  fs.appendFileSync(file, bytes.subarray(cut));
  await follower.poll();
  assert.deepEqual(
    seen.map((r) => r.event === 'epoch' && r.loss),
    [0.5],
  );
  fs.writeFileSync(file, '{"event":"end","status":"completed"}\n');
  await follower.finish();
  assert.deepEqual(
    seen.map((r) => r.event),
    ['epoch', 'end'],
  );
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('a log replaced by a new file under the same name is read from its start, even when it is already longer', async () => {
  const file = tempLog();
  fs.writeFileSync(file, `${epochLine(1, 9)}\n`);
  const seen: MetricsRecord[] = [];
  const follower = new MetricsFollower(file, (r) => seen.push(r), fs.statSync(file).size);
  const fresh = `${file}.new`;
  fs.writeFileSync(fresh, `${epochLine(1, 0.5)}\n${epochLine(2, 0.25)}\n`);
  fs.renameSync(fresh, file);
  await follower.finish();
  assert.deepEqual(
    seen.map((r) => r.event === 'epoch' && r.loss),
    [0.5, 0.25],
  );
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('the follower streams a real `stride train` run as it writes, the same records the finished log holds', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-tail-run-'));
  const model = path.join(dir, 'shapes.stride');
  fs.copyFileSync(path.join(ROOT, 'examples/shapes.stride'), model);
  const log = path.join(dir, 'shapes.runs', 'ShapesNet', 'metrics.jsonl');
  const seen: MetricsRecord[] = [];
  const follower = new MetricsFollower(log, (r) => seen.push(r), 0);
  follower.start(20);
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, [path.join(ROOT, 'bin/stride.js'), 'train', model, '--epochs', '3', '--limit', '96'], (e) => (e ? reject(e) : resolve())),
  );
  const beforeExit = seen.map((r) => r.event);
  await follower.finish();
  assert.ok(beforeExit.includes('epoch'), `records arrive while the run trains, not only at its end: ${JSON.stringify(beforeExit)}`);
  const written = fs.readFileSync(log, 'utf8').trim().split('\n').map(parseMetricsLine);
  assert.deepEqual(seen, written);
  assert.deepEqual(
    seen.map((r) => r.event),
    ['start', 'epoch', 'epoch', 'epoch', 'end'],
  );
  const epochs = seen.filter((r) => r.event === 'epoch');
  assert.ok(epochs.every((r) => r.event === 'epoch' && r.epochs === 3 && r.loss !== null && r.accuracy !== null && r.valLoss !== null));
  fs.rmSync(dir, { recursive: true, force: true });
});
