// Debian's Chromium and the flags the Chromium tests launch it with (Playwright must never download its own).

import * as fs from 'node:fs';

export const CHROMIUM = process.env.STRIDE_CHROMIUM ?? '/usr/bin/chromium';

/** Headless on a closed network: no sandbox as root, no GPU process, no background requests. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Fails with what to run when Chromium is missing: the tests need the real browser. */
export function requireChromium(): string {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}; run scripts/setup-e2e.sh`);
  return CHROMIUM;
}
