// Reads the `stride.*` settings through the shared typed parser, so client and server agree on defaults.

import * as vscode from 'vscode';
import { parseSettings, SETTINGS_SECTION, type StrideSettings } from '../protocol/settings';

/** The raw `stride` section, as sent to the server at start-up. */
export function rawSettings(): unknown {
  const section = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  // A plain-object copy: the configuration object carries methods that cannot be serialised.
  return JSON.parse(JSON.stringify(section)) as unknown;
}

export function readSettings(): StrideSettings {
  return parseSettings(rawSettings());
}
