// `stride plot`: the architecture preview's drawing of a model as an SVG, PNG or Graphviz DOT file.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, type Analysis } from '../core/analyze';
import type { Span } from '../core/syntax/span';
import { modelAt, modelChoiceError } from '../ide/model-at';
import { modelErrors } from '../ide/model-diagnostics';
import { modelGraph } from '../ide/model-graph';
import { LineIndex } from '../ide/line-index';
import type { ModelGraphResult, Range } from '../protocol/lsp-ext';
import { diagramDot } from '../webview/diagram/dot';
import { standaloneSvg } from '../webview/diagram/standalone';
import { THEMES } from '../webview/diagram/style';
import { allGroupIds, defaultCollapsed } from '../webview/layout/collapse';
import { fromModelGraph } from '../webview/layout/from-model-graph';
import { layoutGraph } from '../webview/layout/layout';
import type { PreviewGraph } from '../webview/layout/types';
import { InputError, stringOption, UsageError, type ParsedArgs } from './args';
import { formatDiagnostics } from './output';
import { rasterise } from './plot-png';

export const PLOT_FORMATS = ['svg', 'png', 'dot'] as const;
type PlotFormat = (typeof PLOT_FORMATS)[number];

interface PlotRequest {
  readonly file: string;
  readonly format: PlotFormat;
  /** Undefined: the preview's own first choice (large models start with their top-level blocks collapsed). */
  readonly collapse: 'all' | 'none' | undefined;
  readonly theme: string;
  readonly out: string | undefined;
}

/** Runs `stride plot`; exit status 1 when the model has errors (the drawing is still written, marked in red). */
export async function plotCommand(args: ParsedArgs, readSource: (file: string) => string): Promise<number> {
  const request = plotRequest(args);
  const analysis = analyze(readSource(request.file));
  const choice = modelAt(analysis, { name: stringOption(args.options, 'model') });
  if (choice.kind !== 'found') throw new InputError(modelChoiceError(choice, request.file));
  const errors = modelErrors(analysis, choice.model.graph.name);
  if (errors.length > 0) process.stderr.write(formatDiagnostics(request.file, { ...analysis, diagnostics: errors }, process.stderr) + '\n');
  const graph = previewGraph(analysis, choice.model.graph.name);
  const data = await render(graph, request);
  const target = request.out ?? path.join(path.dirname(request.file), `${graph.model}.${request.format}`);
  if (target === '-') process.stdout.write(data);
  else {
    writeAtomically(target, data);
    process.stderr.write(`wrote ${target}\n`);
  }
  return errors.length > 0 ? 1 : 0;
}

function plotRequest(args: ParsedArgs): PlotRequest {
  if (args.positionals.length !== 1) throw new UsageError('plot takes exactly one file');
  const format = stringOption(args.options, 'format') ?? 'svg';
  if (!isFormat(format)) throw new UsageError(`unknown plot format '${format}' (${PLOT_FORMATS.join(', ')})`);
  const collapsed = args.options.has('collapsed');
  const expanded = args.options.has('expanded');
  if (collapsed && expanded) throw new UsageError('--collapsed and --expanded exclude each other');
  const theme = stringOption(args.options, 'theme') ?? 'light';
  if (!(theme in THEMES)) throw new UsageError(`unknown theme '${theme}' (${Object.keys(THEMES).join(', ')})`);
  const out = stringOption(args.options, 'out');
  if (out === '-' && format === 'png') throw new UsageError('a PNG is not written to standard output; give --out FILE.png');
  return { file: args.positionals[0], format, collapse: collapsed ? 'all' : expanded ? 'none' : undefined, theme, out };
}

function isFormat(name: string): name is PlotFormat {
  return (PLOT_FORMATS as readonly string[]).includes(name);
}

/**
 * The preview's graph by the preview's own path: ide's model graph, spans as ranges (what `stride/modelGraph`
 * answers), then the one converter to the drawing's graph. Nothing is cut: a file may be as large as it likes.
 */
export function previewGraph(analysis: Analysis, model: string): PreviewGraph {
  const facts = modelGraph(analysis, { name: model });
  if (!facts) throw new InputError(`model '${model}' has no graph to draw`);
  const lines = new LineIndex(analysis.text);
  const range = (span: Span): Range => ({ start: lines.position(span.start), end: lines.position(span.end) });
  const { nodeCount: _, ...whole } = facts;
  const result: ModelGraphResult = {
    ...whole,
    uri: '',
    version: 0,
    nodes: facts.nodes.map(({ span, ...node }) => ({ ...node, range: range(span) })),
    instances: facts.instances.map(({ span, ...instance }) => ({ ...instance, range: range(span) })),
  };
  return fromModelGraph(result);
}

async function render(graph: PreviewGraph, request: PlotRequest): Promise<string | Buffer> {
  const collapsed = new Set(request.collapse === 'all' ? allGroupIds(graph) : request.collapse === 'none' ? [] : defaultCollapsed(graph));
  const palette = THEMES[request.theme];
  if (request.format === 'dot') return diagramDot(graph, collapsed, palette);
  const layout = await layoutGraph(graph, collapsed);
  const svg = standaloneSvg(layout, { palette, title: graph.model });
  return request.format === 'svg' ? svg : rasterise(svg, layout.width, layout.height);
}

/** Written beside and renamed over: an interrupted plot never leaves half a file where a good one was. */
function writeAtomically(target: string, data: string | Buffer): void {
  const partial = `${target}.partial`;
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(partial, data);
    fs.renameSync(partial, target);
  } catch (e) {
    fs.rmSync(partial, { force: true });
    throw new InputError(`cannot write '${target}': ${(e as Error).message}`);
  }
}
