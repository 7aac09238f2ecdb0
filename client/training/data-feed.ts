// Loads the data sets only Node can reach (image folders, MNIST, CIFAR-10) and streams them to the page in chunks.

import * as path from 'node:path';
import type { DatasetHeader, HostDataSpec, ImageSet, ToWebview } from './types';
import { loadData } from '../../train/node/data/load';

/** About 4 MiB of pixels per message: large enough to be quick, small enough not to stall the webview. */
const CHUNK_BYTES = 4 << 20;

export interface FeedOptions {
  readonly spec: HostDataSpec;
  readonly inputShape: readonly [number, number, number];
  readonly modelFile: string;
  readonly post: (m: ToWebview) => Thenable<boolean> | Promise<boolean>;
  readonly onProgress?: (text: string) => void;
}

export async function feedData(o: FeedOptions): Promise<void> {
  const data = await loadData(o.spec, {
    inputShape: o.inputShape,
    baseDir: path.dirname(o.modelFile),
    onProgress: (p) => o.onProgress?.(`${p.file}: ${Math.round(p.received / 1024)} KiB${p.total ? ` of ${Math.round(p.total / 1024)} KiB` : ''}`),
    onLoadProgress: (p) => o.onProgress?.(`${p.loaded} / ${p.total} images`),
  });
  const header: DatasetHeader = {
    name: data.name,
    shape: [data.shape[0], data.shape[1], data.shape[2]],
    classes: data.classes,
    trainCount: data.train.count,
    testCount: data.test?.count ?? 0,
  };
  await o.post({ type: 'dataStart', header });
  await sendSplit(o, 'train', data.train, header);
  if (data.test) await sendSplit(o, 'test', data.test, header);
  await o.post({ type: 'dataEnd' });
}

async function sendSplit(o: FeedOptions, split: 'train' | 'test', set: ImageSet, header: DatasetHeader): Promise<void> {
  const sample = header.shape[0] * header.shape[1] * header.shape[2];
  const per = Math.max(1, Math.floor(CHUNK_BYTES / sample));
  for (let at = 0; at < set.count; at += per) {
    const n = Math.min(per, set.count - at);
    const images = toBytes(set.images.subarray(at * sample, (at + n) * sample));
    const labels = Uint8Array.from(set.labels.subarray(at, at + n));
    await o.post({ type: 'dataChunk', split, offset: at, images, labels });
  }
}

/** The page takes 8-bit pixels; float sets (none today) are scaled from [0, 1]. */
function toBytes(v: Uint8Array | Float32Array): Uint8Array {
  return v instanceof Uint8Array ? v.slice() : Uint8Array.from(v, (x) => Math.round(Math.min(1, Math.max(0, x)) * 255));
}
