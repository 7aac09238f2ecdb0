// The PyTorch export reads like the model: blocks are nn.Module classes, `× N` an nn.Sequential, layers are named
// after their tensors, and modulePath() names each layer's module as real PyTorch's named_modules() does.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { analyze, type ModelAnalysis } from '../../core/analyze';
import { exportPyTorch, modulePath, pyName } from '../../core/export/pytorch';
import { BLOCKS } from './block-cases';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RUNNER = path.join(ROOT, 'test', 'export', 'run_modules.py');
const EXAMPLES = path.join(ROOT, 'examples');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stride-export-modules-'));
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const noTorch = !hasTorch && 'PyTorch (Debian python3-torch) is not installed';

interface Structure {
  /** Class name → constructor parameters, from Python's `ast`. */
  readonly classes: Record<string, string[]>;
  /** Class name → docstring, from Python's `ast`. */
  readonly docs: Record<string, string | null>;
  /** Dotted path → module type and the parameters and buffers it owns itself, from `named_modules()`. */
  readonly modules: Record<string, { type: string; owns: string[] }>;
}

/** Exports each model, and reads the files back with Python's `ast` and an instance's `named_modules()`. */
function structures(models: readonly ModelAnalysis[]): Structure[] {
  const cases = models.map((model, i) => {
    const result = exportPyTorch(model);
    assert.deepEqual(result.unsupported, [], `${model.graph.name}: every layer translates`);
    const file = path.join(dir, `${pyName(model.graph.name)}_${i}.py`);
    fs.writeFileSync(file, result.code);
    return { file, class: pyName(model.graph.name) };
  });
  const r = spawnSync('/usr/bin/python3', [RUNNER], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `PyTorch could not load the exports:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Structure[];
}

const exampleModel = (file: string) => analyze(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')).models[0];

/** The layers on a path to an output: the export leaves the others out, as training does. */
function live(model: ModelAnalysis): Set<number> {
  const seen = new Set<number>();
  const stack = [...model.graph.outputs];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (!seen.has(id)) stack.push(...model.layers[id].node.inputs);
    seen.add(id);
  }
  return seen;
}

/** `path` is `prefix` or lies inside it (a layer's own sub-modules: a separable convolution's two, attention's four). */
const within = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`);

/**
 * Every live layer with weights names, through modulePath(), a module whose tensors (its own or its sub-modules')
 * exist in PyTorch, and every module that owns tensors lies at or under some layer's path.
 */
function assertPathsMatch(model: ModelAnalysis, s: Structure): void {
  const owners = Object.keys(s.modules).filter((p) => s.modules[p].owns.length > 0);
  const reached = live(model);
  const claimed: string[] = [];
  for (const layer of model.layers.filter((l) => reached.has(l.node.id) && l.params.trainable + l.params.nonTrainable > 0)) {
    const p = modulePath(model, layer.node.id);
    assert.ok(
      owners.some((o) => within(o, p)),
      `${model.graph.name}: ${layer.node.name} → '${p}' owns no tensors in named_modules()`,
    );
    claimed.push(p);
  }
  assert.deepEqual(
    owners.filter((o) => !claimed.some((p) => within(o, p))),
    [],
    `${model.graph.name}: modules no layer's modulePath() names`,
  );
}

/** `block(…) × N` calls written in a model body, read from the source text itself. */
function repetitions(source: string): { block: string; times: number }[] {
  const body = source.slice(source.search(/^model /m));
  return [...body.matchAll(/^\s*(\w+)\([^\n]*\)\s*×\s*(\d+)\s*$/gm)].map((m) => ({ block: m[1], times: Number(m[2]) }));
}

const camel = (block: string) => block.replace(/(^|_+)(\w)/g, (_, __, c: string) => c.toUpperCase());

describe('PyTorch export of the example networks as classes', { skip: noTorch }, () => {
  const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.stride') && f !== 'diagnostics.stride');
  const exported = files.flatMap((file) => {
    const model = exampleModel(file);
    return exportPyTorch(model).unsupported.length === 0 ? [{ file, model }] : [];
  });
  let found: Structure[] = [];
  before(() => {
    found = structures(exported.map((e) => e.model));
  });

  test('modulePath() names the module of every layer with weights, in every example', () => {
    assert.ok(exported.length >= 15, `examples exported: ${exported.map((e) => e.file).join(', ')}`);
    exported.forEach((e, i) => assertPathsMatch(e.model, found[i]));
  });

  for (const file of ['resnet18.stride', 'mobilenetv2.stride', 'efficientnet-b0.stride', 'densenet121.stride']) {
    test(`${file}: a class per block, an nn.Sequential per repetition`, () => {
      const i = exported.findIndex((e) => e.file === file);
      assert.ok(i >= 0, `${file} exports`);
      const { model } = exported[i];
      const { classes, modules } = found[i];
      const blocks = new Set(model.layers.flatMap((l) => l.node.callSites.map((c) => c.block)));
      for (const block of blocks) assert.ok(classes[camel(block)], `${file}: class ${camel(block)} for block ${block}; classes: ${Object.keys(classes)}`);
      for (const { block, times } of repetitions(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'))) {
        const runs = Object.keys(modules).filter((p) => {
          if (modules[p].type !== 'Sequential') return false;
          const children = Object.keys(modules).filter((c) => c.startsWith(`${p}.`) && !c.slice(p.length + 1).includes('.'));
          return children.length === times && children.every((c, k) => c === `${p}.${k}` && modules[c].type.startsWith(camel(block)));
        });
        assert.equal(runs.length >= 1, true, `${file}: an nn.Sequential of ${times} ${camel(block)} for ${block} × ${times}`);
      }
    });
  }

  test('resnet18.stride: instance attributes hold the blocks, layers inside them keep local names, classes their docs', () => {
    const { modules, docs } = found[exported.findIndex((e) => e.file === 'resnet18.stride')];
    const basic = analyze(fs.readFileSync(path.join(EXAMPLES, 'resnet18.stride'), 'utf8')).blocks.get('basic')!;
    assert.ok(basic.doc && docs.Basic?.startsWith(basic.doc), `Basic's docstring: ${docs.Basic}`);
    assert.equal(modules['basic_1'].type, 'Sequential');
    assert.equal(modules['basic_1.0'].type, 'Basic');
    assert.equal(modules['basic_1.1.conv2d_1'].type, 'Conv2d');
    assert.equal(modules['down_1'].type, 'Down');
    assert.equal(modules['down_1.batchnorm_3'].type, 'BatchNorm2d');
  });
});

describe('Block classes: variants, constructor arguments, tensor names and lists', { skip: noTorch }, () => {
  const model = analyze(BLOCKS).models[0];
  let s: Structure;
  before(() => {
    s = structures([model])[0];
  });

  test('one class per structure variant, taking exactly the values its instances differ in', () => {
    // unit with stride 1 keeps the residual (8, 8, 16, 16, 32, 32 channels); with stride 2 it has none.
    assert.deepEqual(s.classes.Unit, ['filters']);
    assert.deepEqual(s.classes.Unit2, ['in_channels', 'filters']);
    assert.deepEqual(s.classes.Stage, ['in_channels', 'filters']);
    assert.deepEqual(s.classes.Mix, []);
  });

  test('layers are named after their tensors; repetitions nest as Sequential or, with tensor arguments, ModuleList', () => {
    assert.equal(s.modules['unit_1'].type, 'Sequential');
    assert.equal(s.modules['unit_1.1.conv1'].type, 'Conv2d');
    assert.equal(s.modules['unit_1.1.norm'].type, 'BatchNorm2d');
    assert.equal(s.modules['stage_1.unit_2'].type, 'Sequential');
    assert.equal(s.modules['stage_2.unit_2.1'].type, 'Unit');
    assert.equal(s.modules['mix_1'].type, 'ModuleList');
    assert.equal(s.modules['mix_1.2.conv2d_1'].type, 'Conv2d');
    assertPathsMatch(model, s);
  });

  test('an instance whose result nothing reads is left out, as training leaves it out', () => {
    const unused = analyze(`block side(f) {
      conv2d(f, 1)
    }
    model U {
      input(8, 8, 4)
      x = conv2d(4, 1)
      side(4)
      x -> relu()
    }`).models[0];
    const u = structures([unused])[0];
    assert.equal(u.classes.Side, undefined);
    assert.equal(u.modules['side_1__conv2d_1'], undefined);
    assert.equal(u.modules['x'].type, 'Conv2d');
    assertPathsMatch(unused, u);
  });
});
