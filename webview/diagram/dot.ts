// A diagram as Graphviz DOT: the preview's visible graph (same boxes, same collapse), laid out by Graphviz instead.

import { visibleGraph, type VisibleFrame, type VisibleItem } from '../layout/collapse';
import { boxLines, frameTitle } from '../layout/text';
import type { PreviewGraph } from '../layout/types';
import { kindCategory } from './draw';
import type { DiagramPalette } from './style';

/**
 * Each box is a node labelled with the preview's lines (kind, arguments, shape and parameters); expanded block
 * instances are clusters, nested as the instances are; edges carry the tensor shape like the preview's labels.
 */
export function diagramDot(graph: PreviewGraph, collapsed: ReadonlySet<string>, palette: DiagramPalette): string {
  const visible = visibleGraph(graph, collapsed);
  const itemsIn = groupBy(visible.items, (i) => i.parent);
  const framesIn = groupBy(visible.frames, (f) => f.parent);
  const lines = [
    `digraph ${quote(graph.model)} {`,
    `  graph [rankdir=TB, bgcolor=${quote(palette.bg)}, fontname=${quote(FONT)}, fontcolor=${quote(palette.muted)}, fontsize=11];`,
    `  node [shape=box, style="rounded,filled", fillcolor=${quote(palette.box)}, color=${quote(palette.boxBorder)}, fontname=${quote(FONT)}, fontcolor=${quote(palette.fg)}, fontsize=11];`,
    `  edge [color=${quote(palette.edge)}, fontname=${quote(FONT)}, fontcolor=${quote(palette.muted)}, fontsize=9];`,
    ...level(undefined, '  '),
    ...visible.edges.map((e) => `  ${quote(e.source)} -> ${quote(e.target)} [label=${quote(e.label)}];`),
    '}',
  ];
  return lines.join('\n') + '\n';

  function level(parent: string | undefined, pad: string): string[] {
    const out: string[] = [];
    for (const f of framesIn.get(parent) ?? []) out.push(...cluster(f, pad));
    for (const item of itemsIn.get(parent) ?? []) out.push(`${pad}${quote(item.key)} [${nodeAttrs(item, palette)}];`);
    return out;
  }

  function cluster(f: VisibleFrame, pad: string): string[] {
    const style = `style="rounded,dashed", color=${quote(palette.frame)}, label=${quote(frameTitle(f.group))}, labeljust=l`;
    return [`${pad}subgraph ${quote(`cluster_${f.key}`)} {`, `${pad}  graph [${style}];`, ...level(f.key, `${pad}  `), `${pad}}`];
  }
}

const FONT = 'DejaVu Sans Mono';

/** The box's lines as the label; the accent colour as a thick left edge is not DOT's, so it colours the border. */
function nodeAttrs(item: VisibleItem, palette: DiagramPalette): string {
  const label = boxLines(item)
    .map((l) => l.text)
    .join('\n');
  const accent = palette.categories[item.type === 'group' ? 'cat-other' : kindCategory(item.node.kind)];
  const dashed = item.type === 'group' ? ', style="rounded,filled,dashed"' : '';
  return `label=${quote(label)}, color=${quote(accent)}, penwidth=1.5${dashed}`;
}

/** A DOT double-quoted string: backslash and quote escaped, line breaks as centred `\n` escapes. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string | undefined, T[]> {
  const out = new Map<string | undefined, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
