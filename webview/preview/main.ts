// The preview webview's entry point: connects the controller to VS Code's webview API and to incoming messages.

import { PreviewApp, type Host } from './app';

declare function acquireVsCodeApi(): Host;

function start(): void {
  const host = acquireVsCodeApi();
  const app = new PreviewApp(host, document.body);
  // Every message goes through the validator; malformed or unknown ones are dropped.
  window.addEventListener('message', (event: MessageEvent) => app.receive(event.data));
  app.restore();
  host.postMessage({ type: 'ready' });
}

start();
