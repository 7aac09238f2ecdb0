// Runs the extension-host suite inside a real VS Code (code-server) and reports each of its cases as a node:test subtest.

import { test } from 'node:test';
import { join } from 'node:path';
import { hostSuite } from './host-suite';
import { ROOT } from './paths';

test('extension-host suite in code-server', (t) => hostSuite(t, 'extension-host', join(ROOT, 'out/test/e2e/suite/index.js'), 120_000));
