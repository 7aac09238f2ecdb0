// The model file viewer's page: the imported model drawn by the preview's own controller, its summary table, and
// the Convert to .stride button; an import error is shown as text.

import { checkToModelFile, type FromModelFile, type ToModelFile } from '../../protocol/model-file';
import { PreviewApp } from '../preview/app';
import { htmlEl } from '../preview/dom';
import { createSummaryView, showSummary, type SummaryView } from '../summary/view';

/** What VS Code's `acquireVsCodeApi()` returns, narrowed to what this page uses. */
interface Host {
  postMessage(message: FromModelFile): void;
}

declare function acquireVsCodeApi(): Host;

interface Page {
  readonly file: HTMLElement;
  readonly status: HTMLElement;
  readonly convert: HTMLButtonElement;
  readonly error: HTMLElement;
  readonly drawing: PreviewApp;
  readonly summary: SummaryView;
}

function createPage(host: Host): Page {
  const file = htmlEl('span', { id: 'file' });
  const status = htmlEl('span', { id: 'import-status', role: 'status' }, 'Importing…');
  const convert = htmlEl(
    'button',
    { id: 'convert', type: 'button', title: 'Write the model as a .stride file beside this one and open it' },
    'Convert to .stride',
  );
  convert.disabled = true;
  convert.addEventListener('click', () => host.postMessage({ type: 'convert' }));
  const bar = htmlEl('div', { id: 'bar' });
  bar.append(file, status, convert);
  const error = htmlEl('pre', { id: 'import-error', role: 'alert' });
  const drawingRoot = htmlEl('section', { id: 'drawing', 'aria-label': 'Architecture' });
  const tableRoot = htmlEl('section', { id: 'table', 'aria-label': 'Summary' });
  // Side by side: a chain of layers is tall, and the table is read down beside it.
  const panes = htmlEl('div', { id: 'panes' });
  panes.append(drawingRoot, tableRoot);
  document.body.append(bar, error, panes);
  // A model file has no source to reveal and nothing to restore: the drawing's messages go nowhere, and a reopened
  // viewer imports the file again.
  const drawing = new PreviewApp({ postMessage: () => undefined, getState: () => undefined, setState: () => undefined }, drawingRoot);
  const summary = createSummaryView(tableRoot);
  // The summary's element ids would clash with the drawing's header.
  summary.title.id = 'summary-title';
  summary.rows.id = 'summary-rows';
  summary.totals.id = 'summary-totals';
  return { file, status, convert, error, drawing, summary };
}

function show(page: Page, m: ToModelFile): void {
  page.file.textContent = m.file;
  switch (m.type) {
    case 'model':
      document.body.classList.remove('failed');
      page.status.textContent = `${m.graph.nodes.length} layers · ${m.lines} lines of Stride`;
      page.convert.disabled = false;
      page.error.textContent = '';
      page.drawing.receive({ type: 'graph', graph: m.graph });
      return showSummary(page.summary, m.summary);
    case 'error':
      document.body.classList.add('failed');
      page.status.textContent = 'Could not be imported';
      page.convert.disabled = true;
      page.error.textContent = m.message;
      return;
  }
}

function start(): void {
  const host = acquireVsCodeApi();
  const page = createPage(host);
  window.addEventListener('message', (event: MessageEvent) => {
    // Malformed or unknown messages are dropped; the switch in show() is exhaustive over what the protocol allows.
    const checked = checkToModelFile(event.data);
    if (checked.ok) show(page, checked.value);
  });
  host.postMessage({ type: 'ready' });
}

start();
