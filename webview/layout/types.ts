// The preview's input: the graph types live with the preview protocol, which both the host and the page compile.

export type {
  PreviewDiagnostic,
  PreviewEdge,
  PreviewGraph,
  PreviewGroup,
  PreviewMemory,
  PreviewNode,
  PreviewPosition,
  PreviewRange,
  PreviewTotals,
} from '../../protocol/preview-graph';
