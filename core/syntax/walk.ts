// Walks of the syntax tree that editor features share: the plain statements of a body, through every `if` branch.

import type * as ast from './ast';

/** Every chain statement of `body` in source order, including those inside `if` branches (taken or not). */
export function flatStatements(body: readonly ast.BodyStatement[]): ast.Statement[] {
  const out: ast.Statement[] = [];
  const walk = (stmts: readonly ast.BodyStatement[]): void => {
    for (const s of stmts) {
      if (s.kind === 'statement') out.push(s);
      else for (const b of s.branches) walk(b.body);
    }
  };
  walk(body);
  return out;
}

/** Every `if` statement of `body`, outer ones before the ones nested in them. */
export function ifStatements(body: readonly ast.BodyStatement[]): ast.IfStatement[] {
  const out: ast.IfStatement[] = [];
  const walk = (stmts: readonly ast.BodyStatement[]): void => {
    for (const s of stmts) {
      if (s.kind !== 'if') continue;
      out.push(s);
      for (const b of s.branches) walk(b.body);
    }
  };
  walk(body);
  return out;
}
