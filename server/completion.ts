// Completion: ide's entries as LSP completion items (kinds, snippet format, re-trigger on enum arguments).

import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver';
import { completion as completions, type CompletionEntry, type CompletionKind } from '../ide/completion';
import type { Snapshot } from './documents';

const KIND: Record<CompletionKind, CompletionItemKind> = {
  class: CompletionItemKind.Class,
  keyword: CompletionItemKind.Keyword,
  'enum-member': CompletionItemKind.EnumMember,
  function: CompletionItemKind.Function,
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  field: CompletionItemKind.Field,
  module: CompletionItemKind.Module,
  variable: CompletionItemKind.Variable,
};

export function completion(snap: Snapshot, offset: number): CompletionItem[] {
  return completions(snap.analysis, offset).map(toItem);
}

function toItem({ kind, snippet, retrigger, ...rest }: CompletionEntry): CompletionItem {
  const item: CompletionItem = { ...rest, kind: KIND[kind] };
  if (snippet) item.insertTextFormat = InsertTextFormat.Snippet;
  if (retrigger) item.command = { title: 'values', command: 'editor.action.triggerSuggest' };
  return item;
}
