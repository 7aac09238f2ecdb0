// Shared by the `stride plot` tests: the CLI as a real process, and a strict XML reading of the SVG it writes.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from '../helpers/fixtures';

const BIN = path.join(ROOT, 'bin', 'stride.js');

export interface Run {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export function stride(args: readonly string[], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** One element of a parsed SVG: tag, attributes, the text directly inside it, and its children. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  text: string;
  readonly children: XmlElement[];
}

interface SaxParser {
  onopentag: (tag: { name: string; attributes: Record<string, string> }) => void;
  onclosetag: () => void;
  ontext: (text: string) => void;
  onerror: (e: Error) => void;
  write(text: string): SaxParser;
  close(): void;
}

/**
 * Parses with sax in strict mode (a real XML parser, present in node_modules through the packaging tool):
 * any well-formedness error (unclosed tag, bad entity, stray `<`, two roots) throws.
 */
export function parseXml(text: string): XmlElement {
  const sax = require('sax') as { parser(strict: boolean, options: object): SaxParser };
  const parser = sax.parser(true, { xmlns: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.onopentag = (tag) => {
    const el: XmlElement = { name: tag.name, attributes: tag.attributes, text: '', children: [] };
    if (stack.length === 0) {
      assert.equal(root, undefined, 'a second root element');
      root = el;
    } else stack[stack.length - 1].children.push(el);
    stack.push(el);
  };
  parser.onclosetag = () => void stack.pop();
  parser.ontext = (t) => {
    if (stack.length > 0) stack[stack.length - 1].text += t;
  };
  parser.onerror = (e) => {
    throw e;
  };
  parser.write(text).close();
  assert.ok(root, 'no root element');
  return root;
}

/** Every element below `root` (itself included) that `match` accepts, in document order. */
export function findAll(root: XmlElement, match: (el: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (el: XmlElement) => {
    if (match(el)) out.push(el);
    el.children.forEach(visit);
  };
  visit(root);
  return out;
}

export const hasClass = (el: XmlElement, cls: string): boolean => (el.attributes.class ?? '').split(' ').includes(cls);

/** The lines of a box: its `<text>` children, tooltip left out. */
export const boxTexts = (box: XmlElement): string[] => box.children.filter((c) => c.name === 'text').map((c) => c.text);
