// The header above the diagram: model totals (parameters, MACs, training memory) and the toolbar.

import { formatBytes, formatCompact, formatInt } from '../../core/model/values';
import type { PreviewGraph } from '../layout/types';
import { htmlEl } from './dom';

export type ToolbarAction = 'zoom-in' | 'zoom-out' | 'fit' | 'collapse-all' | 'expand-all' | 'export-svg' | 'export-png';

const BUTTONS: readonly [ToolbarAction, string, string][] = [
  ['zoom-in', '+', 'Zoom in (+)'],
  ['zoom-out', '−', 'Zoom out (−)'],
  ['fit', 'Fit', 'Fit the diagram to the view (0)'],
  ['collapse-all', 'Collapse', 'Collapse every block instance'],
  ['expand-all', 'Expand', 'Expand every block instance'],
  ['export-svg', 'SVG', 'Export the diagram as SVG'],
  ['export-png', 'PNG', 'Export the diagram as PNG'],
];

export function createHeader(onAction: (a: ToolbarAction) => void): { header: HTMLElement; totals: HTMLElement } {
  const totals = htmlEl('div', { id: 'totals', 'aria-live': 'polite' });
  const toolbar = htmlEl('div', { id: 'toolbar', role: 'toolbar', 'aria-label': 'Diagram' });
  for (const [action, label, title] of BUTTONS) {
    const b = htmlEl('button', { id: action, type: 'button', title, 'aria-label': title }, label);
    b.addEventListener('click', () => onAction(action));
    toolbar.appendChild(b);
  }
  const header = htmlEl('header', { id: 'header' });
  header.append(totals, toolbar);
  return { header, totals };
}

/** One fact per span so they wrap cleanly in a narrow panel. */
export function showTotals(el: HTMLElement, graph: PreviewGraph | undefined, message?: string): void {
  el.replaceChildren();
  if (!graph) {
    el.appendChild(htmlEl('span', { class: 'fact' }, message ?? ''));
    return;
  }
  const t = graph.totals;
  el.appendChild(htmlEl('span', { class: 'model' }, graph.model));
  el.appendChild(fact('params', formatInt(t.params), `${formatInt(t.trainable)} trainable, ${formatInt(t.nonTrainable)} non-trainable`));
  el.appendChild(fact('MACs', formatCompact(t.macs), `${formatInt(t.macs)} multiply-accumulates per sample`));
  const m = t.memory;
  if (m) {
    const title = `batch ${m.batch}, ${m.optimizer}; activations ${formatBytes(m.activations)}`;
    el.appendChild(fact('training memory', `≈ ${formatBytes(m.total)}`, title, `(batch ${m.batch}, ${m.optimizer})`));
  }
  if (graph.truncatedFrom !== undefined) {
    const note = `showing the first ${formatInt(graph.nodes.length)} of ${formatInt(graph.truncatedFrom)} layers: the model is too large to draw whole`;
    el.appendChild(htmlEl('span', { class: 'fact errors', 'data-fact': 'truncated' }, note));
  }
  if (graph.errorCount > 0) {
    const s = htmlEl('span', { class: 'fact errors' }, `${graph.errorCount} error${graph.errorCount === 1 ? '' : 's'}: the drawing may be incomplete`);
    el.appendChild(s);
  }
}

function fact(name: string, value: string, title: string, suffix = ''): HTMLElement {
  const s = htmlEl('span', { class: 'fact', title, 'data-fact': name });
  s.append(htmlEl('b', {}, value), document.createTextNode(` ${name}${suffix ? ` ${suffix}` : ''}`));
  if (name === 'params') s.appendChild(document.createTextNode(` (${title})`));
  return s;
}
