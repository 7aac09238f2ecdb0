// Entry point VS Code loads as `extensionTestsPath`: runs every case inside the real extension host.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { commandCases } from './command-cases';
import { EXTENSION_ID, serverReady } from './host';
import { languageCases } from './language-cases';
import { previewCases } from './preview-cases';
import { runCases, type Case } from './runner';
import { trainingCases } from './training-cases';

const activation: Case = {
  name: 'the extension is installed and activates on a .stride file',
  run: async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    // Opening a file is the only trigger: the extension must not need an explicit activate().
    await serverReady();
    assert.equal(extension.isActive, true);
  },
};

export function run(): Promise<void> {
  return runCases([activation, ...languageCases, ...commandCases, ...previewCases, ...trainingCases]);
}
