// A DOM-free SVG element tree: the preview turns it into DOM elements, the CLI writes it out as XML text.

export type Attrs = Readonly<Record<string, string | number | undefined>>;

export interface SvgNode {
  readonly tag: string;
  /** Written in this order; undefined values are left out. */
  readonly attrs: Attrs;
  readonly children: readonly SvgNode[];
  /** Text content (an element has either text or children); always literal, never markup. */
  readonly text?: string;
}

export function el(tag: string, attrs: Attrs = {}, children: readonly SvgNode[] = []): SvgNode {
  return { tag, attrs, children };
}

export function textEl(tag: string, text: string, attrs: Attrs = {}, children: readonly SvgNode[] = []): SvgNode {
  return { tag, attrs, children, text };
}

/** Serialises a tree as XML; children of an element without text each start a line, so the file reads well. */
export function toXml(node: SvgNode, depth = 0): string {
  const pad = '  '.repeat(depth);
  const attrs = Object.entries(node.attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('');
  const open = `${pad}<${node.tag}${attrs}`;
  if (node.children.length === 0) return node.text === undefined ? `${open}/>` : `${open}>${escapeText(node.text)}</${node.tag}>`;
  // Inside a text element whitespace is content: its children (a tooltip) follow on the same line.
  if (node.text !== undefined) return `${open}>${escapeText(node.text)}${node.children.map((c) => toXml(c)).join('')}</${node.tag}>`;
  const inner = node.children.map((c) => toXml(c, depth + 1)).join('\n');
  return `${open}>\n${inner}\n${pad}</${node.tag}>`;
}

/**
 * XML 1.0 forbids most control characters even as references; model text could carry one (a layer argument
 * string), so they become U+FFFD instead of making the whole file unreadable.
 */
function legal(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');
}

function escapeText(text: string): string {
  return legal(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Line breaks and tabs are written as references: a parser would otherwise fold them into spaces. */
function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
