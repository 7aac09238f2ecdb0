// Signature help: ide's signature of the call around the cursor as an LSP SignatureHelp.

import type { SignatureHelp } from 'vscode-languageserver';
import { signatureHelp as signatureInfo } from '../ide/signature-help';
import type { Snapshot } from './documents';

export function signatureHelp(snap: Snapshot, offset: number): SignatureHelp | null {
  const info = signatureInfo(snap.analysis, offset);
  if (!info) return null;
  const signature = { label: info.label, documentation: info.documentation, parameters: [...info.parameters], activeParameter: info.activeParameter };
  return { signatures: [signature], activeSignature: 0, activeParameter: info.activeParameter };
}
