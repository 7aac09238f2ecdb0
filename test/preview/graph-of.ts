// The preview's graph of a text by the product's own path: analysis → ide model graph → stride/modelGraph → preview.

import { analyzeText } from '../../server/documents';
import { modelGraph } from '../../server/model-graph';
import { fromModelGraph } from '../../webview/layout/from-model-graph';
import type { PreviewGraph } from '../../webview/layout/types';

/** The graph the preview draws for `text` (the named model, else the one the file trains, else the first). */
export function previewGraphOf(text: string, model?: string): PreviewGraph | undefined {
  const result = modelGraph(analyzeText('file:///preview.stride', 1, text), { uri: 'file:///preview.stride', model });
  return result ? fromModelGraph(result) : undefined;
}
