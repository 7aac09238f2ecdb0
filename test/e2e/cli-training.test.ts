// Training through `stride train` from the editor, in a real VS Code (code-server): the Node engine, a stop, PyTorch DDP.

import { test } from 'node:test';
import { join } from 'node:path';
import { hostSuite } from './host-suite';
import { ROOT } from './paths';

test('command-line training in code-server', (t) => hostSuite(t, 'cli-training', join(ROOT, 'out/test/e2e/suite/cli-training.js'), 480_000));
