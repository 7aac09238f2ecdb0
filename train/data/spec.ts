// What a `data:` setting asks for, as plain data: the built-in shapes, an image folder, or a downloadable set.

import type { Value } from '../../core/model/values';

export type DataSpec =
  | { readonly kind: 'shapes'; readonly count?: number; readonly noise?: number; readonly seed?: number }
  | { readonly kind: 'folder'; readonly path: string }
  | { readonly kind: 'mnist' | 'fashion_mnist' | 'cifar10' };

const REMOTE = ['mnist', 'fashion_mnist', 'cifar10'] as const;

/**
 * `data: shapes`, `shapes(count: 500)`, `folder("images")`, `"images"`, `mnist`, `fashion_mnist`, `cifar10`;
 * none means the built-in shapes. Folder paths are kept as written (the caller resolves them).
 */
export function dataSpecOf(value: Value | undefined): DataSpec {
  if (!value) return { kind: 'shapes' };
  if (value.kind === 'string') return { kind: 'folder', path: value.value };
  const name = value.kind === 'word' || value.kind === 'call' ? value.name : undefined;
  const args = value.kind === 'call' ? value.args : [];
  if (name === 'shapes') {
    const numArg = (key: string) => {
      const a = args.find((x) => x.name === key);
      return a && a.value.kind === 'number' ? a.value.value : undefined;
    };
    return { kind: 'shapes', count: numArg('count'), noise: numArg('noise'), seed: numArg('seed') };
  }
  if (name === 'folder') {
    const first = args[0]?.value;
    if (!first || (first.kind !== 'string' && first.kind !== 'word')) throw new Error('folder(…) needs the folder path as a string, e.g. folder("images").');
    return { kind: 'folder', path: first.kind === 'string' ? first.value : first.name };
  }
  if (name && (REMOTE as readonly string[]).includes(name)) return { kind: name as (typeof REMOTE)[number] };
  throw new Error(`Unknown data set ${name ?? value.kind}; known: shapes, folder("path"), ${REMOTE.join(', ')}.`);
}
