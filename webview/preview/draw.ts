// Puts the shared drawing (webview/diagram) on screen: materialises its SVG tree and indexes boxes and frames.

import { arrowDefs, diagramLayers } from '../diagram/draw';
import type { DiagramLayout } from '../layout/layout';
import { svgTree } from './dom';

export interface Drawing {
  /** Box elements by layout key (`n:<layer>` or `g:<instance>`). */
  readonly boxes: ReadonlyMap<string, SVGGElement>;
  readonly frames: ReadonlyMap<string, SVGGElement>;
}

/** Replaces the content of `viewport` with the drawing of `layout`. */
export function drawDiagram(viewport: SVGGElement, layout: DiagramLayout): Drawing {
  const [frameLayer, edgeLayer, titleLayer, boxLayer] = diagramLayers(layout, { interactive: true }).map(svgTree);
  viewport.replaceChildren(frameLayer, edgeLayer, titleLayer, boxLayer);
  return { boxes: byKey(boxLayer), frames: byKey(frameLayer) };
}

/** The arrow head, defined once per SVG. */
export function arrowMarker(): SVGDefsElement {
  return svgTree(arrowDefs()) as SVGDefsElement;
}

function byKey(layer: Element): Map<string, SVGGElement> {
  const out = new Map<string, SVGGElement>();
  for (const child of layer.children) out.set(child.getAttribute('data-key') ?? '', child as SVGGElement);
  return out;
}
