// Draws the model summary: a Keras-style table of layers and one line of totals. Text only, never markup.

import type { SummaryResult } from '../../protocol/lsp-ext';

const HEADINGS = ['Layer (type)', 'Output shape', 'Params', 'MACs', 'Connected to'] as const;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function cell(tr: HTMLTableRowElement, tag: 'th' | 'td', text: string, numeric = false): void {
  const el = document.createElement(tag);
  el.textContent = text;
  if (numeric) el.className = 'num';
  tr.appendChild(el);
}

/** The page's three elements, made once: a title, the table and the totals line. */
export function createSummaryView(root: HTMLElement): SummaryView {
  const title = document.createElement('h2');
  title.id = 'title';
  title.textContent = 'Summary';
  const rows = document.createElement('table');
  rows.id = 'rows';
  const totals = document.createElement('p');
  totals.id = 'totals';
  root.append(title, rows, totals);
  return { title, rows, totals };
}

export interface SummaryView {
  readonly title: HTMLElement;
  readonly rows: HTMLTableElement;
  readonly totals: HTMLElement;
}

/** Replaces what the view shows with `s`. */
export function showSummary(view: SummaryView, s: SummaryResult): void {
  view.title.textContent = `Model: ${s.model}`;
  const head = document.createElement('tr');
  for (const h of HEADINGS) cell(head, 'th', h);
  const body = s.rows.map((r) => {
    const tr = document.createElement('tr');
    cell(tr, 'td', `${r.name} (${r.kind})`);
    cell(tr, 'td', r.outputShape);
    cell(tr, 'td', fmt(r.params), true);
    cell(tr, 'td', fmt(r.macs), true);
    cell(tr, 'td', r.connectedTo.join(', '));
    return tr;
  });
  view.rows.replaceChildren(head, ...body);
  view.totals.textContent = totalsLine(s);
}

export function totalsLine(s: SummaryResult): string {
  const t = s.totals;
  const m = s.trainingMemory;
  return (
    `Total params: ${fmt(t.params)} (trainable ${fmt(t.trainable)}, non-trainable ${fmt(t.nonTrainable)}) · MACs: ${fmt(t.macs)}` +
    ` · training memory ≈ ${(m.bytes / 1048576).toFixed(1)} MiB (batch ${m.batch}, ${m.optimizer})`
  );
}
