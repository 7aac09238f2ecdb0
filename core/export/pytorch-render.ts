// One scope of the module tree as Python lines: `__init__` lines, forward lines with the shape each produces,
// the forward parameters and the returned name. Layers come from the emitters; nested instances are constructor calls.

import type { ModelAnalysis } from '../analyze';
import type { Shape } from '../model/values';
import { ACT, emitterOf, type Ctx, type Emitted, type In, type Refusal } from './pytorch-emit';
import { asLogits } from './pytorch-logits';
import { pyName } from './pytorch-names';
import type { BlockScope, Part } from './pytorch-tree';

export interface Rendered {
  readonly args: readonly string[];
  readonly init: readonly string[];
  readonly forward: readonly string[];
  /** The shape of what each forward line computes (channels-last, batch excluded). */
  readonly shapes: readonly (Shape | null)[];
  readonly ret: string;
}

/** How a nested instance is constructed: its class and the literal arguments of this instance. */
export interface Construction {
  readonly cls: string;
  readonly values: readonly string[];
}

/** What rendering needs besides the scope: the model, each instance's construction, and where to list refusals. */
export interface RenderEnv {
  readonly model: ModelAnalysis;
  readonly built: ReadonlyMap<BlockScope, Construction>;
  /** Layers on a path to an output; the others are left out, as training leaves them out. */
  readonly live: ReadonlySet<number>;
  /** Leave out the outputs' final softmax or sigmoid (`--logits`). */
  readonly logits: boolean;
  /** Layers with no PyTorch translation, by node id, and why. */
  readonly refusals: Map<number, string>;
  /** What the user should know about the code (`--logits` said what it left out). */
  readonly notes: Set<string>;
}

/** The PyTorch module and forward expression of one layer, or undefined when it has no translation. */
function emit(ctx: Ctx): Emitted | Refusal | undefined {
  const rank = ctx.inShapes[0]?.length ?? 0;
  const input: In = { x: ctx.inputs[0], rank, cin: (ctx.inShapes[0]?.[rank - 1] ?? 0) as number };
  const emitter = emitterOf(ctx.info.node.kind);
  if (emitter) return emitter(ctx, input);
  // Activation layers (relu(), softmax(), …) translate through the activation table.
  const def = ctx.info.node.def;
  if (def?.activationFn && ACT[def.activationFn]) return { expr: ACT[def.activationFn](input.x, ctx.args, rank) };
  return undefined;
}

/** The lines of one scope, in forward order (which is also the order modules are registered, and weights load). */
export function render(scope: BlockScope, env: RenderEnv): Rendered {
  const { model } = env;
  const vars = new Map<number, string>();
  const inputs = scope.site ? scope.inputs : model.graph.inputs;
  inputs.forEach((id, k) => vars.set(id, scope.inputNames[k]));
  const v = (id: number) => vars.get(id) ?? pyName(model.layers[id].node.name);
  const out = { init: [] as string[], forward: [] as string[], shapes: [] as (Shape | null)[] };
  const line = (text: string, node: number) => {
    out.forward.push(text);
    out.shapes.push(model.layers[node].shape);
  };
  for (const part of scope.parts) {
    if (part.kind === 'layer') renderLayer(part, v, vars, out, line, env, !scope.site);
    else if (part.kind === 'block') {
      const s = part.scope;
      out.init.push(`self.${part.name} = ${construct(env, s)}`);
      line(`${part.name} = self.${part.name}(${s.inputs.map(v).join(', ')})`, s.output);
      vars.set(s.output, part.name);
    } else renderRun(part, v, vars, out.init, line, env);
  }
  const rets = scope.site ? [scope.output] : model.graph.outputs;
  const ret = rets.length === 1 ? v(rets[0]) : `(${rets.map(v).join(', ')})`;
  return { args: scope.inputNames, ...out, ret };
}

const construct = (env: RenderEnv, scope: BlockScope) => {
  const c = env.built.get(scope)!;
  return `${c.cls}(${c.values.join(', ')})`;
};

type Line = (text: string, node: number) => void;

function renderLayer(
  part: Part & { kind: 'layer' },
  v: (id: number) => string,
  vars: Map<number, string>,
  out: { init: string[] },
  line: Line,
  env: RenderEnv,
  top: boolean,
): void {
  const info = env.model.layers[part.node];
  vars.set(part.node, part.name);
  if (info.node.kind === 'input' || !env.live.has(part.node)) return;
  const ctx: Ctx = {
    info,
    inputs: info.node.inputs.map(v),
    inShapes: info.node.inputs.map((i) => env.model.layers[i].shape ?? []),
    self: `self.${part.name}`,
    args: info.node.args,
  };
  const known = info.shape !== null && ctx.inShapes.every((s) => s.every((d) => d !== null));
  const final = env.logits && env.model.graph.outputs.includes(part.node) ? asLogits(ctx) : undefined;
  const emitted = !known ? undefined : final?.identity ? { expr: ctx.inputs[0] } : emit(final?.ctx ?? ctx);
  if (!emitted || 'refused' in emitted) {
    env.refusals.set(part.node, emitted?.refused ?? (known ? 'no PyTorch translation' : 'unknown shape'));
    return;
  }
  if (emitted.init) out.init.push(...emitted.init.split('\n'));
  if (final) env.notes.add(final.note);
  // Said above the line in the model's forward (a block class's lines are compared across instances, so not there).
  if (final && top) line(`# ${final.note}`, part.node);
  line(`${part.name} = ${emitted.expr}`, part.node);
}

/** `× N`: an nn.Sequential when each instance feeds only the next, else an nn.ModuleList called one by one. */
function renderRun(part: Part & { kind: 'run' }, v: (id: number) => string, vars: Map<number, string>, init: string[], line: Line, env: RenderEnv): void {
  const { name, scopes } = part;
  const members = scopes.map((s) => `    ${construct(env, s)},`);
  const last = scopes[scopes.length - 1];
  if (part.chain) {
    init.push(`self.${name} = nn.Sequential(`, ...members, ')');
    line(`${name} = self.${name}(${v(scopes[0].inputs[0])})`, last.output);
    vars.set(last.output, name);
    return;
  }
  init.push(`self.${name} = nn.ModuleList([`, ...members, '])');
  scopes.forEach((s, k) => {
    const local = part.results?.[k] ?? `${name}_${k}`;
    line(`${local} = self.${name}[${k}](${s.inputs.map(v).join(', ')})`, s.output);
    vars.set(s.output, local);
  });
}
