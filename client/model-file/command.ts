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

/** The tabs of the active group showing `uri` as text (or as a binary placeholder): what the viewer replaces. */
function textTabsOf(uri: vscode.Uri): vscode.Tab[] {
  const tabs = vscode.window.tabGroups.activeTabGroup.tabs;
  return tabs.filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
}

/** Reopens a model file (shown as binary or as JSON) in the viewer, in place of the editor it was shown in. */
export function openModelFileCommand() {
  return async (arg?: unknown): Promise<void> => {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const uri = arg instanceof vscode.Uri ? arg : input instanceof vscode.TabInputText ? input.uri : undefined;
    if (!uri) {
      void vscode.window.showInformationMessage('Stride: open an .onnx, .keras, .h5 or model.json file first.');
      return;
    }
    await vscode.commands.executeCommand('vscode.openWith', uri, MODEL_FILE_VIEW_TYPE);
    // openWith adds a tab beside the old editor; like Reopen Editor With…, the viewer replaces it. Tabs are looked up
    // afresh: the objects from before the open are stale once the group changed.
    const stale = textTabsOf(uri);
    if (stale.length > 0) await vscode.window.tabGroups.close(stale, true);
  };
}
