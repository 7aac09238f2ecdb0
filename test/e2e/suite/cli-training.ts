// Entry point VS Code loads as `extensionTestsPath` for the command-line training cases (their own workbench: runs take a while).

import { cliTrainingCases } from './cli-training-cases';
import { runCases } from './runner';

export function run(): Promise<void> {
  return runCases(cliTrainingCases);
}
