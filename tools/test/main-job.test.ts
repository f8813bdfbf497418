import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeployment } from '../src/main-job/deployment';
import { readEnvFile } from '../src/main-job/env-file';
import { formatTable, lintFails, type ModuleResult } from '../src/main-job/cli';
import { GUARD_PLUGIN_NAME, policyCounts, synthAppModules, synthModule, type SynthResult } from '../src/main-job/synth';
import type { ModuleRun } from '../src/main-job/deployment';
import { REPO_ROOT } from '../src/workspace';

const { runs } = loadDeployment({
  deploymentPath: 'manifests/example/deployment.yaml',
  env: readEnvFile(join(REPO_ROOT, 'manifests/example/example.env')),
});
const pipeline = runs.find((r) => r.moduleName === 'promote-pipeline')!;

describe('main job', () => {
  it('synthesizes a module with Seedfarmer variables into a cloud assembly and counts what it made', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'main-job-'));
    const result = await synthModule(pipeline, outdir);
    expect(result.ok).toBe(true);
    expect(result.stacks).toEqual(['mlops-example-promote-pipeline']);
    expect(result.resources).toBeGreaterThan(10);
    expect(result.nagFindings).toBe(0);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    expect(manifest.artifacts['mlops-example-promote-pipeline'].environment).toBe(`aws://${pipeline.account}/${pipeline.region}`);
  });

  it('fails a module whose parameters are invalid, with the app\'s own error and no template', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'main-job-bad-'));
    const bad = { ...pipeline, env: { ...pipeline.env, SEEDFARMER_PARAMETER_TARGET_BUCKET_NAME: 'Not_A_Bucket' } };
    const result = await synthModule(bad, outdir);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/target_bucket_name: .*Not_A_Bucket/);
    expect(result.stacks).toEqual([]);
  });

  it('does not let variables of the calling shell leak into a module', async () => {
    process.env.SEEDFARMER_PARAMETER_TARGET_BUCKET = 'leaked';
    try {
      const result = await synthModule(pipeline, mkdtempSync(join(tmpdir(), 'main-job-leak-')));
      expect(result.ok).toBe(true);
    } finally {
      delete process.env.SEEDFARMER_PARAMETER_TARGET_BUCKET;
    }
  });
});

describe('main job: the modules of one app in one process (docs/adr/0013)', () => {
  const promoteRuns = runs.filter((r) => r.app === 'promote');
  const templatesOf = (dir: string) => Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.template.json')).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

  it('writes, for every module, byte for byte the templates its own process writes, and reports each as it ends', async () => {
    // GIVEN the three promote modules, each with its own parameters
    const root = mkdtempSync(join(tmpdir(), 'main-job-app-'));
    const outdirOf = (run: ModuleRun) => join(root, run.moduleName);
    const events: string[] = [];
    // WHEN synthesized in one process
    const results = await synthAppModules(promoteRuns, outdirOf, { onStart: (r) => events.push(`start ${r.moduleName}`), onEnd: (r: SynthResult) => events.push(`end ${r.run.moduleName}`) });
    // THEN each is ok, in order, reported start then end, and identical to its solo synth
    expect(results.map((r) => [r.run.moduleName, r.ok])).toEqual(promoteRuns.map((r) => [r.moduleName, true]));
    expect(events).toEqual(promoteRuns.flatMap((r) => [`start ${r.moduleName}`, `end ${r.moduleName}`]));
    expect(results.map((r) => r.sharedProcess)).toEqual([true, true, true]);
    for (const run of promoteRuns) {
      const solo = await synthModule(run, mkdtempSync(join(tmpdir(), 'main-job-solo-')));
      expect(templatesOf(outdirOf(run))).toEqual(templatesOf(solo.outdir));
      expect(results.find((r) => r.run === run)!.prerequisites).toBe(solo.prerequisites);
    }
  }, 120_000);

  it("keeps each module's environment its own: a bad module between two good ones fails alone, with its own error", async () => {
    const root = mkdtempSync(join(tmpdir(), 'main-job-app-bad-'));
    const bad = { ...pipeline, env: { ...pipeline.env, SEEDFARMER_PARAMETER_TARGET_BUCKET_NAME: 'Not_A_Bucket' } };
    const [first, , third] = promoteRuns;
    const results = await synthAppModules([first, bad, third], (run) => join(root, `${run === bad ? 'bad' : run.moduleName}`));
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    // the failed one was synthesized again in a process of its own, whose result is the one reported
    expect(results.map((r) => r.sharedProcess)).toEqual([true, undefined, true]);
    expect(results[1].output).toMatch(/target_bucket_name: .*Not_A_Bucket/);
    expect(results[2].stacks).toEqual([`mlops-example-${third.moduleName}`]);
  }, 120_000);
});

describe('main job report', () => {
  const violation = (constructs: number) => ({ ruleName: 'r', violatingConstructs: Array.from({ length: constructs }, (_, i) => ({ constructPath: `S/R${i}` })) });

  it('counts the Control Tower plugin apart from cdk-nag, unacknowledged and acknowledged, per violating construct', () => {
    // GIVEN a policy validation report of both plugins
    const outdir = mkdtempSync(join(tmpdir(), 'main-job-report-'));
    writeFileSync(
      join(outdir, 'policy-validation-report.json'),
      JSON.stringify({
        pluginReports: [
          { pluginName: 'AwsSolutions', violations: [violation(1)], suppressedViolations: [violation(2)] },
          { pluginName: GUARD_PLUGIN_NAME, violations: [violation(2), violation(1)], suppressedViolations: [violation(4)] },
        ],
      }),
    );

    // THEN
    expect(policyCounts(outdir)).toEqual({ nag: { unacknowledged: 1, acknowledged: 2 }, guard: { unacknowledged: 3, acknowledged: 4 } });
  });

  const lintResult = (errors: number, warnings: number) => ({
    templates: [],
    linted: [],
    regions: ['eu-west-1'],
    errors: Array.from({ length: errors }, () => ({ rule: 'E1010', level: 'Error' as const, message: 'm', file: 'f', path: 'p' })),
    warnings: Array.from({ length: warnings }, () => ({ rule: 'W1', level: 'Warning' as const, message: 'm', file: 'f', path: 'p' })),
    accepted: [{ rule: 'W3005', level: 'Warning' as const, message: 'm', file: 'f', path: 'p' }],
    informational: [],
    seconds: 1,
  });
  const moduleResult = (cfnLint: ModuleResult['cfnLint']): ModuleResult => ({
    run: pipeline,
    ok: true,
    outdir: join(REPO_ROOT, 'apps/promote/cdk.out/promote-pipeline'),
    stacks: ['s'],
    resources: 3,
    nagFindings: 0,
    guard: { unacknowledged: 0, acknowledged: 5 },
    seconds: 2,
    output: '',
    cfnLint,
  });

  it('has cfn-lint (errors/warnings) and guard (unacknowledged/acknowledged) columns, and names the accepted warnings', () => {
    const table = formatTable([moduleResult(lintResult(0, 0))]);
    const [header, , row] = table.split('\n');
    const cells = (line: string) => line.split('|').slice(1, -1).map((c) => c.trim());
    expect(cells(header)).toEqual(['app', 'module', 'stacks', 'resources', 'nag findings', 'cfn-lint', 'guard', 'seconds', 'result']);
    expect(cells(row)).toEqual(['promote', 'promote-pipeline', '1', '3', '0', '0/0', '0/5', '3.0', 'ok (apps/promote/cdk.out/promote-pipeline)']);
    expect(table).toMatch(/accepted warnings.*W3005 x1/);
  });

  it('fails when cfn-lint reports an error or an unaccepted warning, or could not run', () => {
    expect(lintFails(moduleResult(lintResult(0, 0)))).toBe(false);
    expect(lintFails(moduleResult(lintResult(1, 0)))).toBe(true);
    expect(lintFails(moduleResult(lintResult(0, 1)))).toBe(true);
    expect(lintFails({ ...moduleResult(undefined), cfnLintError: 'cfn-lint crashed' })).toBe(true);
    expect(formatTable([moduleResult(lintResult(2, 1))])).toMatch(/\| 2\/1 +\| 0\/5 .*FAILED \(cfn-lint\)/);
  });
});

