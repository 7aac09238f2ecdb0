// `stride cache` (where the downloaded data sets are and how big) and `stride cache clear` (delete them).

import { cachedFiles, clearCache } from '../train/node/data/cache';
import { defaultCacheDir } from '../train/node/data/fetch-options';
import { UsageError, type ParsedArgs } from './args';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export function cacheCommand(args: ParsedArgs): number {
  const [action, ...rest] = args.positionals;
  if (rest.length > 0 || (action !== undefined && action !== 'clear'))
    throw new UsageError(`cache takes no argument or 'clear', got '${args.positionals.join(' ')}'`);
  const dir = defaultCacheDir();
  if (action === 'clear') {
    const removed = clearCache(dir);
    const total = removed.reduce((n, f) => n + f.bytes, 0);
    process.stdout.write(`Removed ${removed.length} file${removed.length === 1 ? '' : 's'} (${mb(total)}) from ${dir}\n`);
    return 0;
  }
  const files = cachedFiles(dir);
  process.stdout.write(`Dataset cache: ${dir} (STRIDE_CACHE_DIR changes it)\n`);
  for (const f of files) process.stdout.write(`  ${f.path.slice(dir.length + 1)}  ${mb(f.bytes)}\n`);
  const total = files.reduce((n, f) => n + f.bytes, 0);
  process.stdout.write(
    files.length === 0 ? 'Empty.\n' : `Total: ${mb(total)} in ${files.length} file${files.length === 1 ? '' : 's'}; 'stride cache clear' deletes them.\n`,
  );
  return 0;
}
