// PLACEHOLDER for the architecture preview: it only says the preview is not available yet. The real view replaces this file.

import * as vscode from 'vscode';
import type { Ctx } from './ctx';

export function openPreview(_ctx: Ctx, _uri?: string, model?: string): void {
  const what = model ? ` of '${model}'` : '';
  // Not awaited: the command settles at once instead of waiting for the message to be dismissed.
  void vscode.window.showInformationMessage(`Stride: the architecture preview${what} is not available yet (placeholder).`);
}
