// The `stride` task type: `stride check` over a folder's model files, its output read by the `$stride` problem matcher
// into the Problems panel (tasks.json: { "type": "stride", "task": "check" }).

import * as path from 'node:path';
import * as vscode from 'vscode';
import { childEnvironment, strideCliScript } from './training/cli-launch';

export const TASK_TYPE = 'stride';

interface StrideTaskDefinition extends vscode.TaskDefinition {
  readonly task: 'check';
  /** Files to check, relative to the folder; all `.stride` files of the folder when absent. */
  readonly files?: readonly string[];
}

/** Registers the provider; tasks run the CLI inside the extension with the extension host's own Node. */
export function registerTaskProvider(extensionPath: string): vscode.Disposable {
  return vscode.tasks.registerTaskProvider(TASK_TYPE, {
    provideTasks: async () => {
      const folders = vscode.workspace.workspaceFolders ?? [];
      return Promise.all(folders.map((folder) => checkTask(extensionPath, folder, { type: TASK_TYPE, task: 'check' })));
    },
    resolveTask: async (task) => {
      const definition = task.definition as StrideTaskDefinition;
      const folder = task.scope && typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
      return definition.task === 'check' && folder ? checkTask(extensionPath, folder, definition) : undefined;
    },
  });
}

async function checkTask(extensionPath: string, folder: vscode.WorkspaceFolder, definition: StrideTaskDefinition): Promise<vscode.Task> {
  const script = strideCliScript(extensionPath);
  if (!script) throw new Error('the stride command line is missing from the extension');
  const files = definition.files ?? (await modelFiles(folder));
  const execution = new vscode.ProcessExecution(process.execPath, [script, 'check', ...files], {
    cwd: folder.uri.fsPath,
    env: childEnvironment({}) as Record<string, string>,
  });
  const task = new vscode.Task(definition, folder, 'check', TASK_TYPE, execution, '$stride');
  task.group = vscode.TaskGroup.Build;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent };
  return task;
}

/** The folder's model files as relative paths, in a stable order. */
async function modelFiles(folder: vscode.WorkspaceFolder): Promise<string[]> {
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.stride'), '**/node_modules/**', 5000);
  return uris.map((u) => path.relative(folder.uri.fsPath, u.fsPath)).sort();
}
