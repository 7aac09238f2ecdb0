// Node-only loaders for MNIST, Fashion-MNIST and CIFAR-10: downloaded on first use, cached, parsed.

import * as path from 'node:path';
import { CIFAR10_CLASSES, concatSets, parseCifarBatch, untar } from '../../data/cifar';
import type { Dataset, ImageSet } from '../../data/dataset';
import { parseIdx } from '../../data/idx';
import { cacheHint, cachedDownload, defaultCacheDir, DownloadError, gunzip, type FetchOptions, type PinnedFile } from './node-io';
import { PINNED_FILES } from './pinned';

export type RemoteName = 'mnist' | 'fashion_mnist' | 'cifar10';

/** The usual public locations; `FetchOptions.baseUrl` replaces them. */
export const DEFAULT_URLS: Readonly<Record<RemoteName, string>> = {
  mnist: 'https://storage.googleapis.com/cvdf-datasets/mnist/',
  fashion_mnist: 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/',
  cifar10: 'https://www.cs.toronto.edu/~kriz/',
};

const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

export const CIFAR10_ARCHIVE = 'cifar-10-binary.tar.gz';
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export async function loadRemote(name: RemoteName, options: FetchOptions = {}): Promise<Dataset> {
  return name === 'cifar10' ? loadCifar10(options) : loadIdxSet(name, options);
}

/** Joins a base URL and a file name whether or not the base ends with a slash. */
const join = (base: string, file: string) => (base.endsWith('/') ? base : `${base}/`) + file;

/** The pinned checksum and limits of one file (from `options.checksums` when given). */
function pinOf(name: RemoteName, file: string, options: FetchOptions): PinnedFile {
  const pin = (options.checksums ?? PINNED_FILES)[`${name}/${file}`];
  if (!pin) throw new DownloadError(`No checksum is pinned for ${name}/${file}; Stride downloads only files it can verify.`);
  return pin;
}

async function fetchFile(name: RemoteName, file: string, options: FetchOptions, parse: (bytes: Uint8Array, pin: PinnedFile) => void): Promise<Uint8Array> {
  const dest = path.join(options.cacheDir ?? defaultCacheDir(), name, file);
  const pin = pinOf(name, file, options);
  return cachedDownload(join(options.baseUrl ?? DEFAULT_URLS[name], file), dest, pin, options, (b) => parse(b, pin));
}

/** Parses and checks a cached file, turning a failure into advice to clear the damaged cache entry. */
function parseCached<T>(name: RemoteName, file: string, options: FetchOptions, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    const cacheDir = options.cacheDir ?? defaultCacheDir();
    const where = path.join(cacheDir, name, file);
    throw new Error(`${e instanceof Error ? e.message : String(e)} Delete ${where} to download it again, or: ${cacheHint(cacheDir)}`);
  }
}

async function loadIdxSet(name: 'mnist' | 'fashion_mnist', options: FetchOptions): Promise<Dataset> {
  const read = (b: Uint8Array, file: string) => parseIdx(gunzip(b, file, pinOf(name, file, options).maxUnpackedBytes), file);
  const load = async (file: string) => {
    const bytes = await fetchFile(name, file, options, (b) => read(b, file));
    return parseCached(name, file, options, () => read(bytes, file));
  };
  const pair = async (imagesFile: string, labelsFile: string): Promise<ImageSet & { dims: readonly number[] }> => {
    const images = await load(imagesFile);
    const labels = await load(labelsFile);
    if (images.dims.length !== 3 || labels.dims.length !== 1 || images.dims[0] !== labels.dims[0]) {
      throw new Error(`${name}: ${imagesFile} (${images.dims.join('×')}) and ${labelsFile} (${labels.dims.join('×')}) do not match.`);
    }
    return { images: images.data, labels: labels.data, count: labels.dims[0], dims: images.dims };
  };
  const train = await pair(IDX_FILES.trainImages, IDX_FILES.trainLabels);
  const test = await pair(IDX_FILES.testImages, IDX_FILES.testLabels);
  const [, h, w] = train.dims;
  const classes = name === 'mnist' ? DIGITS : FASHION;
  parseCached(name, IDX_FILES.trainLabels, options, () => checkLabels(name, train, classes.length));
  parseCached(name, IDX_FILES.testLabels, options, () => checkLabels(name, test, classes.length));
  return { name, shape: [h, w, 1], classes, train, test };
}

async function loadCifar10(options: FetchOptions): Promise<Dataset> {
  const read = (bytes: Uint8Array) => {
    const files = untar(gunzip(bytes, CIFAR10_ARCHIVE, pinOf('cifar10', CIFAR10_ARCHIVE, options).maxUnpackedBytes), CIFAR10_ARCHIVE);
    const batch = (n: string) => {
      const entry = [...files.keys()].find((k) => k.endsWith(`/${n}`) || k === n);
      if (!entry) throw new Error(`${CIFAR10_ARCHIVE} has no ${n}.`);
      return parseCifarBatch(files.get(entry)!, n);
    };
    const train = concatSets([1, 2, 3, 4, 5].map((i) => batch(`data_batch_${i}.bin`)));
    return { train, test: batch('test_batch.bin') };
  };
  const bytes = await fetchFile('cifar10', CIFAR10_ARCHIVE, options, (b) => void read(b));
  const { train, test } = parseCached('cifar10', CIFAR10_ARCHIVE, options, () => read(bytes));
  return { name: 'cifar10', shape: [32, 32, 3], classes: CIFAR10_CLASSES, train, test };
}

function checkLabels(name: string, set: ImageSet, classes: number): void {
  for (let i = 0; i < set.count; i++) {
    if (set.labels[i] >= classes) throw new Error(`${name}: label ${set.labels[i]} of sample ${i} is outside 0–${classes - 1}.`);
  }
}
