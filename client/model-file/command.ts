// Stride: Import Model… (palette, explorer) and Open in Stride (a model file's editor title): the commands of model files.

import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { convertToStride, MODEL_FILE_FILTERS } from './convert';
import { MODEL_FILE_VIEW_TYPE } from './editor';

/** The model file shown in the active editor group, when it is one in the viewer. */
function viewedModelFile(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && input.viewType === MODEL_FILE_VIEW_TYPE ? input.uri : undefined;
}

/** The clicked file (explorer, editor title), else the viewed model file, else one picked in the open dialog. */
async function modelFileOf(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.file(arg);
  const viewed = viewedModelFile();
  if (viewed) return viewed;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: MODEL_FILE_FILTERS, title: 'Stride: Import Model', openLabel: 'Import' });
  return picked?.[0];
}

/** Writes the `.stride` text of a model file beside it and opens it; resolves with the path written. */
export function importModelCommand(ctx: Ctx) {
  return async (arg?: unknown): Promise<string | undefined> => {
    const file = await modelFileOf(arg);
    return file ? convertToStride(ctx, file) : undefined;
  };
}

/** The active tab's file when it is shown as text or as a binary placeholder (custom editors and webviews aside). */
function activeTabFile(): { tab: vscode.Tab; uri: vscode.Uri } | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  return tab?.input instanceof vscode.TabInputText ? { tab, uri: tab.input.uri } : undefined;
}

/** Reopens a model file (shown as binary or as JSON) in the viewer, in place of the editor it was shown in. */
export function openModelFileCommand() {
  return async (arg?: unknown): Promise<void> => {
    const active = activeTabFile();
    const uri = arg instanceof vscode.Uri ? arg : active?.uri;
    if (!uri) {
      void vscode.window.showInformationMessage('Stride: open an .onnx, .keras, .h5 or model.json file first.');
      return;
    }
    await vscode.commands.executeCommand('vscode.openWith', uri, MODEL_FILE_VIEW_TYPE);
    // openWith adds a tab beside the old editor; like Reopen Editor With…, the viewer replaces it.
    if (active && active.uri.toString() === uri.toString()) await vscode.window.tabGroups.close(active.tab, true);
  };
}
