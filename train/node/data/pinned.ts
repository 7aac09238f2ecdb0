// Node-only: the SHA-256 and size limits of every file Stride downloads, so a wrong or hostile file is never used.

import type { PinnedFile } from './fetch-options';

const idx = (sha256: string, maxBytes: number, count: number, sample: number): PinnedFile => ({
  sha256,
  maxBytes,
  // An IDX file is its header (magic and one uint32 per dimension) then count × sample bytes.
  maxUnpackedBytes: 4 + 4 * (sample === 1 ? 1 : 3) + count * sample,
});

/**
 * Keyed `set/file`. The hashes are the published files' well-known SHA-256 sums (the same files on every mirror);
 * `maxBytes` bounds the download a little above each file's size.
 */
export const PINNED_FILES: Readonly<Record<string, PinnedFile>> = {
  'mnist/train-images-idx3-ubyte.gz': idx('440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609', 10_000_000, 60000, 784),
  'mnist/train-labels-idx1-ubyte.gz': idx('3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c', 30_000, 60000, 1),
  'mnist/t10k-images-idx3-ubyte.gz': idx('8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6', 1_700_000, 10000, 784),
  'mnist/t10k-labels-idx1-ubyte.gz': idx('f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6', 5_000, 10000, 1),
  'fashion_mnist/train-images-idx3-ubyte.gz': idx('3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84', 27_000_000, 60000, 784),
  'fashion_mnist/train-labels-idx1-ubyte.gz': idx('a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845', 31_000, 60000, 1),
  'fashion_mnist/t10k-images-idx3-ubyte.gz': idx('346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073', 4_600_000, 10000, 784),
  'fashion_mnist/t10k-labels-idx1-ubyte.gz': idx('67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5', 6_000, 10000, 1),
  // 170,052,171 bytes; it unpacks to six 30,730,000-byte batches plus a small readme and names file, in tar blocks.
  'cifar10/cifar-10-binary.tar.gz': {
    sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
    maxBytes: 171_000_000,
    maxUnpackedBytes: 190_000_000,
  },
};
