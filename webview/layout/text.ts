// The text lines inside each box and their estimated size, shared by layout (to size boxes) and rendering.

import { formatCompact } from '../../core/model/values';
import type { VisibleItem } from './collapse';

export interface TextLine {
  readonly text: string;
  /** `title` is drawn bold; `detail` is dimmed. */
  readonly role: 'title' | 'body' | 'detail';
}

/** Boxes use a monospace font, so a character count gives a width that holds in Node and in the browser. */
export const FONT_SIZE = 12;
export const CHAR_WIDTH = 7.25;
export const LINE_HEIGHT = 16;
export const PAD_X = 10;
export const PAD_Y = 7;
export const MIN_BOX_WIDTH = 112;
/** Room at the top of an expanded instance's frame for its title. */
export const FRAME_TITLE = 24;

export function boxLines(item: VisibleItem): TextLine[] {
  return item.type === 'layer' ? layerLines(item.node) : groupLines(item.group);
}

function layerLines(node: Extract<VisibleItem, { type: 'layer' }>['node']): TextLine[] {
  const lines: TextLine[] = [{ text: node.kind, role: 'title' }];
  if (node.args) lines.push({ text: node.args, role: 'body' });
  const params = node.params > 0 ? ` · ${formatCompact(node.params)} params` : '';
  lines.push({ text: `${node.shape}${params}`, role: 'detail' });
  return lines;
}

function groupLines(group: Extract<VisibleItem, { type: 'group' }>['group']): TextLine[] {
  return [
    { text: `▸ ${group.label}`, role: 'title' },
    { text: `${group.id} · ${group.layers} layer${group.layers === 1 ? '' : 's'}`, role: 'body' },
    { text: `${group.shape} · ${formatCompact(group.params)} params · ${formatCompact(group.macs)} MACs`, role: 'detail' },
  ];
}

export function textWidth(text: string): number {
  return [...text].length * CHAR_WIDTH;
}

export function boxSize(lines: readonly TextLine[]): { width: number; height: number } {
  const widest = Math.max(...lines.map((l) => textWidth(l.text)));
  return { width: Math.max(MIN_BOX_WIDTH, Math.ceil(widest + 2 * PAD_X)), height: lines.length * LINE_HEIGHT + 2 * PAD_Y };
}

/** Title of an expanded instance's frame. */
export function frameTitle(group: { readonly id: string; readonly label: string; readonly params: number }): string {
  return `▾ ${group.label} · ${group.id} · ${formatCompact(group.params)} params`;
}
