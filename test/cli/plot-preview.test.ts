// `stride plot` draws what the preview draws: the same boxes at the same places with the same lines, the same edge
// paths and frames, read from the bundled preview page in Chromium and from the CLI's SVG.
/// <reference lib="dom" />

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CHROMIUM } from '../helpers/chromium';
import { EXAMPLES } from '../helpers/fixtures';
import { previewGraphOf } from '../preview/graph-of';
import { bundlePreview, openPreviewPage, send } from '../preview/preview-page';
import { boxTexts, findAll, hasClass, parseXml, stride, type XmlElement } from './plot-helpers';

interface Drawn {
  readonly boxes: string[];
  readonly edges: string[];
  readonly frames: string[];
}

const rectOf = (a: Record<string, string>) => `${a.x},${a.y},${a.width},${a.height}`;

/** The drawing as comparable lines, from the CLI's SVG. */
function fromSvg(svg: XmlElement): Drawn {
  const boxes = findAll(svg, (e) => e.name === 'g' && hasClass(e, 'node')).map((b) => {
    const body = b.children.find((c) => c.name === 'rect' && hasClass(c, 'body'))!;
    return `${b.attributes['data-id']} ${rectOf(body.attributes)} ${boxTexts(b).join(' | ')}`;
  });
  const edges = findAll(svg, (e) => e.name === 'path' && hasClass(e, 'edge')).map((p) => p.attributes.d);
  const frames = findAll(svg, (e) => e.name === 'g' && hasClass(e, 'frame')).map((f) => `${f.attributes['data-group']} ${rectOf(f.children[0].attributes)}`);
  return { boxes, edges, frames };
}

test(
  'ResNet-18 and U-Net: the CLI draws what the preview page draws',
  { skip: fs.existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM}` },
  async () => {
    const session = await openPreviewPage(await bundlePreview());
    try {
      let seq = 0;
      for (const name of ['resnet18', 'unet']) {
        const file = path.join(EXAMPLES, `${name}.stride`);
        const graph = previewGraphOf(fs.readFileSync(file, 'utf8'));
        await send(session.page, { type: 'graph', graph });
        await session.page.waitForFunction((n) => Number(document.querySelector('#diagram')?.getAttribute('data-ready') ?? 0) > n, seq);
        seq = Number(await session.page.getAttribute('#diagram', 'data-ready'));
        const page = await session.page.evaluate((): Drawn => {
          const attrs = (el: Element | null) => Object.fromEntries(Array.from(el?.attributes ?? []).map((a) => [a.name, a.value]));
          const rect = (el: Element | null) => ['x', 'y', 'width', 'height'].map((k) => attrs(el)[k]).join(',');
          const boxes = Array.from(document.querySelectorAll('#viewport g.node')).map((b) => {
            const texts = Array.from(b.children)
              .filter((c) => c.tagName === 'text')
              .map((t) => t.textContent);
            return `${b.getAttribute('data-id')} ${rect(b.querySelector('rect.body'))} ${texts.join(' | ')}`;
          });
          const edges = Array.from(document.querySelectorAll('#viewport path.edge')).map((p) => p.getAttribute('d') ?? '');
          const frames = Array.from(document.querySelectorAll('#viewport g.frame')).map(
            (f) => `${f.getAttribute('data-group')} ${rect(f.querySelector('rect'))}`,
          );
          return { boxes, edges, frames };
        });
        const r = stride(['plot', file, '--out', '-']);
        assert.equal(r.status, 0, r.stderr);
        const cli = fromSvg(parseXml(r.stdout.toString('utf8')));
        assert.equal(cli.boxes.length, graph!.nodes.length);
        assert.deepEqual(cli, page, name);
      }
      assert.deepEqual(session.errors, []);
    } finally {
      await session.close();
    }
  },
);
