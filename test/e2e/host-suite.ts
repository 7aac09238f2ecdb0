// Runs an extension-host suite (a module under suite/ with a `run()`) inside a real VS Code and reports each case as a subtest.

import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { runExtensionHostTests, withWorkbench } from './harness';
import { EXTENSION, copyWorkspace, requireExtensionBuild } from './paths';
import { parseReports, type Report } from './suite/runner';

interface HostRun {
  readonly exitCode: number;
  readonly reports: Report[];
  readonly console: string[];
}

async function runSuite(name: string, suite: string, timeoutMs: number): Promise<HostRun> {
  requireExtensionBuild();
  const workspace = copyWorkspace();
  try {
    return await withWorkbench(name, { workspace }, async (workbench) => {
      const exitCode = await runExtensionHostTests(workbench, workspace, { extensionDevelopmentPath: EXTENSION, extensionTestsPath: suite, timeoutMs });
      await workbench.screenshot(`${name}-end`);
      return { exitCode, reports: parseReports(workbench.console), console: workbench.console };
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** The suite's cases as subtests of `t`: a case that reported a skip is skipped with its reason. */
export async function hostSuite(t: TestContext, name: string, suite: string, timeoutMs: number): Promise<void> {
  const run = await runSuite(name, suite, timeoutMs);
  const plan = run.reports.find((r) => r.kind === 'plan');
  assert.ok(plan && plan.kind === 'plan', `the suite never started; page console:\n${run.console.slice(-40).join('\n')}`);
  const results = new Map<string, Report & { kind: 'result' }>();
  for (const r of run.reports) if (r.kind === 'result') results.set(r.name, r);
  for (const caseName of plan.names) {
    await t.test(caseName, (st) => {
      const result = results.get(caseName);
      assert.ok(result, `no result reported (the host stopped early); exit code ${run.exitCode}`);
      st.diagnostic(`${result.ms} ms in the extension host`);
      if (result.skipped) return st.skip(result.skipped);
      if (!result.ok) assert.fail(result.error ?? 'failed');
    });
  }
  assert.equal(run.exitCode, 0, 'the extension host reported failure');
}
