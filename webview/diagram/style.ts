// The diagram's stylesheet for one palette: the preview fills it with VS Code's theme variables, a file with
// fixed colours, so the rules (what is dashed, bold, dimmed, how thick) exist once.

import type { Category } from './draw';

export interface DiagramPalette {
  readonly fg: string;
  readonly bg: string;
  readonly muted: string;
  readonly box: string;
  readonly boxBorder: string;
  readonly edge: string;
  readonly error: string;
  readonly warning: string;
  readonly frame: string;
  readonly mono: string;
  readonly categories: Readonly<Record<Category, string>>;
}

/** The preview's palette: the variables its page declares from VS Code's theme (webview/styles.ts). */
export const THEME_VARIABLES: DiagramPalette = {
  fg: 'var(--fg)',
  bg: 'var(--bg)',
  muted: 'var(--muted)',
  box: 'var(--box)',
  boxBorder: 'var(--box-border)',
  edge: 'var(--edge)',
  error: 'var(--error)',
  warning: 'var(--warning)',
  frame: 'var(--frame)',
  mono: 'var(--mono)',
  categories: {
    'cat-conv': 'var(--vscode-charts-blue, #3794ff)',
    'cat-pool': 'var(--vscode-charts-green, #89d185)',
    'cat-norm': 'var(--vscode-charts-purple, #b180d7)',
    'cat-act': 'var(--vscode-charts-orange, #d18616)',
    'cat-merge': 'var(--vscode-charts-yellow, #cca700)',
    'cat-dense': 'var(--vscode-charts-red, #f14c4c)',
    'cat-other': 'var(--muted)',
  },
};

const MONO = "Menlo, Consolas, 'DejaVu Sans Mono', monospace";

/** Fixed colours for files, after VS Code's Light+ theme: a diagram in a README or a paper reads on white. */
export const LIGHT: DiagramPalette = {
  fg: '#1f1f1f',
  bg: '#ffffff',
  muted: '#616161',
  box: '#f5f5f5',
  boxBorder: '#b4b4b4',
  edge: '#6e6e6e',
  error: '#e51400',
  warning: '#bf8803',
  frame: '#b4b4b4',
  mono: MONO,
  categories: {
    'cat-conv': '#1a85ff',
    'cat-pool': '#388a34',
    'cat-norm': '#652d90',
    'cat-act': '#d18616',
    'cat-merge': '#bf8803',
    'cat-dense': '#e51400',
    'cat-other': '#616161',
  },
};

/** The preview's own fallback colours (Dark Modern), for `--theme dark`. */
export const DARK: DiagramPalette = {
  fg: '#cccccc',
  bg: '#1e1e1e',
  muted: '#9d9d9d',
  box: '#252526',
  boxBorder: '#555555',
  edge: '#858585',
  error: '#f14c4c',
  warning: '#cca700',
  frame: '#606060',
  mono: MONO,
  categories: {
    'cat-conv': '#3794ff',
    'cat-pool': '#89d185',
    'cat-norm': '#b180d7',
    'cat-act': '#d18616',
    'cat-merge': '#cca700',
    'cat-dense': '#f14c4c',
    'cat-other': '#9d9d9d',
  },
};

export const THEMES: Readonly<Record<string, DiagramPalette>> = { light: LIGHT, dark: DARK };

/** The rules for the drawing's classes (see draw.ts); interaction (focus, cursors) is the preview's own. */
export function diagramRules(p: DiagramPalette): string {
  const categories = Object.entries(p.categories).map(([c, colour]) => `.${c} { fill: ${colour}; }`);
  return [
    `.node rect.body { fill: ${p.box}; stroke: ${p.boxBorder}; stroke-width: 1; }`,
    '.node rect.accent { stroke: none; }',
    `.node text { fill: ${p.fg}; font-family: ${p.mono}; font-size: 12px; }`,
    '.node text.title { font-weight: 600; }',
    `.node text.detail { fill: ${p.muted}; }`,
    '.node.group rect.body { stroke-dasharray: 4 2; }',
    `.node.warning rect.body { stroke: ${p.warning}; stroke-width: 2; }`,
    `.node.error rect.body { stroke: ${p.error}; stroke-width: 2.5; }`,
    `.frame rect { fill: ${p.fg}; fill-opacity: 0.035; stroke: ${p.frame}; stroke-dasharray: 5 3; }`,
    `.frame-title { fill: ${p.muted}; font-family: ${p.mono}; font-size: 12px; }`,
    '/* A backing in the background colour keeps labels legible where an edge passes under them. */',
    `.label-bg { fill: ${p.bg}; }`,
    `.frame.error rect { stroke: ${p.error}; }`,
    `.edge { fill: none; stroke: ${p.edge}; stroke-width: 1.3; }`,
    `.edge-label { fill: ${p.muted}; font-family: ${p.mono}; font-size: 10px; }`,
    `#arrow path { fill: ${p.edge}; }`,
    ...categories,
  ].join('\n');
}
