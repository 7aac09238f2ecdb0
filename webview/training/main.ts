// Entry point of the training webview: wires the VS Code message transport to the panel controller.

import * as tf from '@tensorflow/tfjs';
import { checkToWebview, type FromWebview } from '../../protocol/training';
import { decodeBytes, encodeBytes } from '../../protocol/wire-bytes';
import { TrainingApp } from './app';
import { loseContextForTest } from './backend';
import { applyStyles } from './styles';

interface VsCodeApi {
  postMessage(message: unknown): void;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

async function main(): Promise<void> {
  applyStyles();
  const vscode = acquireVsCodeApi();
  const app = new TrainingApp(document.getElementById('app')!, {
    post: (m: FromWebview) => vscode.postMessage(encodeBytes(m)),
    setState: (s) => vscode.setState(s),
  });
  // Read-only hooks for tests and debugging in the webview's developer tools.
  Object.assign(globalThis, { strideTraining: { tf, app, loseContext: loseContextForTest } });
  // Messages that arrive while the backend starts are queued, so none is lost.
  const queue: unknown[] = [];
  let ready = false;
  const handle = async (data: unknown) => {
    const checked = checkToWebview(decodeBytes(data));
    if (!checked.ok) return app.view.note('protocol', 'error', `Ignored an invalid message from the extension: ${checked.error}.`);
    await app.receive(checked.value).catch((e) => app.fail(e));
  };
  window.addEventListener('message', (e: MessageEvent) => (ready ? void handle(e.data) : queue.push(e.data)));
  await app.startBackend();
  ready = true;
  for (const m of queue.splice(0)) await handle(m);
  vscode.postMessage({ type: 'ready' } satisfies FromWebview);
}

void main();
