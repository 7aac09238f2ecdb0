// Runs the extension-host suite inside a real VS Code (code-server) and reports each of its cases as a node:test subtest.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runExtensionHostTests, withWorkbench } from './harness';
import { EXTENSION, ROOT, copyWorkspace, requireExtensionBuild } from './paths';
import { parseReports, type Report } from './suite/runner';

const SUITE = join(ROOT, 'out/test/e2e/suite/index.js');

interface HostRun {
  readonly exitCode: number;
  readonly reports: Report[];
  readonly console: string[];
}

async function runSuite(): Promise<HostRun> {
  requireExtensionBuild();
  const workspace = copyWorkspace();
  try {
    return await withWorkbench('extension-host', { workspace }, async (workbench) => {
      const exitCode = await runExtensionHostTests(workbench, workspace, {
        extensionDevelopmentPath: EXTENSION,
        extensionTestsPath: SUITE,
        timeoutMs: 120_000,
      });
      await workbench.screenshot('extension-host-end');
      return { exitCode, reports: parseReports(workbench.console), console: workbench.console };
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

test('extension-host suite in code-server', async (t) => {
  const run = await runSuite();
  const plan = run.reports.find((r) => r.kind === 'plan');
  assert.ok(plan && plan.kind === 'plan', `the suite never started; page console:\n${run.console.slice(-40).join('\n')}`);
  const results = new Map<string, Report & { kind: 'result' }>();
  for (const r of run.reports) if (r.kind === 'result') results.set(r.name, r);
  for (const name of plan.names) {
    await t.test(name, (st) => {
      const result = results.get(name);
      assert.ok(result, `no result reported (the host stopped early); exit code ${run.exitCode}`);
      st.diagnostic(`${result.ms} ms in the extension host`);
      if (!result.ok) assert.fail(result.error ?? 'failed');
    });
  }
  assert.equal(run.exitCode, 0, 'the extension host reported failure');
});
