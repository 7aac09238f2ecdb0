// The summary webview's entry point: validates every incoming message, draws the table, says when it listens.

import { checkToSummary, type FromSummary } from '../../protocol/summary';
import { createSummaryView, showSummary } from './view';

/** What VS Code's `acquireVsCodeApi()` returns, narrowed to what the summary page uses. */
interface Host {
  postMessage(message: FromSummary): void;
}

declare function acquireVsCodeApi(): Host;

function start(): void {
  const host = acquireVsCodeApi();
  const view = createSummaryView(document.getElementById('app') ?? document.body);
  window.addEventListener('message', (event: MessageEvent) => {
    // Malformed or unknown messages are dropped; the switch is exhaustive over what the protocol allows.
    const checked = checkToSummary(event.data);
    if (!checked.ok) return;
    const message = checked.value;
    switch (message.type) {
      case 'summary':
        return showSummary(view, message.summary);
    }
  });
  host.postMessage({ type: 'ready' });
}

start();
