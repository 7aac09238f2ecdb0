// What lowering knows while it walks a model or block body: the lowering context and the tensor scope.

import type { Diagnostic } from '../diagnostics';
import type * as ast from '../syntax/ast';
import type { Span } from '../syntax/span';
import type { Budget } from './budget';
import type { ParamBinding } from './eval';
import type { CallSite } from './graph';
import type { ModelLowerer } from './lower';
import type { LayerRegistry } from './registry';

export interface LowerContext {
  readonly text: string;
  readonly registry: LayerRegistry;
  readonly blocks: ReadonlyMap<string, ast.BlockDecl>;
  /** Library blocks (written in Stride, spans at LIBRARY_BASE); the file's own blocks shadow them. */
  readonly library: ReadonlyMap<string, ast.BlockDecl>;
  /** The file's value functions (`fn …`); the library's are always in scope too. */
  readonly fns?: ReadonlyMap<string, ast.FnDecl>;
  readonly diagnostics: Diagnostic[];
  /** The work budget shared by every model of the file; lowering one model alone gets its own. */
  readonly budget?: Budget;
  /** Told before each statement of a model body is lowered; core/model/lower-resume.ts keeps checkpoints with it. */
  readonly checkpoints?: StatementObserver;
}

export interface StatementObserver {
  record(model: ast.ModelDecl, index: number, lowerer: ModelLowerer, scope: Scope): void;
}

export interface TensorRef {
  readonly id: number | null;
  readonly span: Span;
}

export interface Scope {
  readonly tensors: Map<string, TensorRef>;
  readonly params: ReadonlyMap<string, ParamBinding>;
  /** undefined: no tensor yet (before input); null: unknown because of an earlier error. */
  current: number | null | undefined;
  readonly prefix: string;
  readonly callSites: readonly CallSite[];
  readonly blockStack: readonly string[];
  /** Inside a library block: the user-text span of the outermost library call, which stands for every library span. */
  readonly library?: Span;
}

/** The scope of a model body: no tensors, no parameters, outside every block. */
export function modelScope(): Scope {
  return { tensors: new Map(), params: new Map(), current: undefined, prefix: '', callSites: [], blockStack: [] };
}

/** Whether `name` is a tensor here: a local tensor or a tensor-valued block parameter. */
export function isTensorName(name: string, scope: Scope): boolean {
  const param = scope.params.get(name);
  return scope.tensors.has(name) || (param !== undefined && 'tensor' in param);
}
