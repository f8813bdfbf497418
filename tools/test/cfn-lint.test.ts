import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ACCEPTED_CFN_LINT_WARNINGS, deadLetterTargets, expectCfnLintClean, findTemplates, type CfnLintResult } from '@sagemaker-mlops/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { lintModuleAssembly } from '../src/cfn-lint';
import { loadDeployment, type ModuleRun } from '../src/main-job/deployment';
import { readEnvFile } from '../src/main-job/env-file';
import { synthModule } from '../src/main-job/synth';
import { REPO_ROOT } from '../src/workspace';

/**
 * The cfn-lint gate over the example deployment, synthesized here through the main job's own
 * functions (never a previous run's cdk.out): every template of every module, for every region the
 * module deploys into.
 */
const { runs } = loadDeployment({
  deploymentPath: 'manifests/example/deployment.yaml',
  env: readEnvFile(join(REPO_ROOT, 'manifests/example/example.env')),
});
const outdirs = new Map<string, string>();

beforeAll(async () => {
  // One at a time: the build machine has two cores, and each synth runs cdk-nag and the Control Tower controls.
  for (const run of runs) {
    const outdir = mkdtempSync(join(tmpdir(), `cfn-lint-${run.moduleName}-`));
    const result = await synthModule(run, outdir);
    if (!result.ok) throw new Error(`${run.moduleName} did not synthesize:\n${result.output}`);
    outdirs.set(run.moduleName, outdir);
  }
});

type Template = { Resources: Record<string, { Type: string; Properties: any }> };
const templatesOf = (run: ModuleRun) => findTemplates(outdirs.get(run.moduleName)!).map((f) => ({ file: f, template: JSON.parse(readFileSync(f, 'utf8')) as Template }));

describe('cfn-lint over the example deployment', () => {
  const results = new Map<string, CfnLintResult>();

  it.each(runs.map((r) => [r.moduleName, r] as const))('%s is clean in every region it deploys into', async (_name, run) => {
    const result = await expectCfnLintClean(outdirs.get(run.moduleName)!);
    results.set(run.moduleName, result);
    if (result.skipped) return;
    expect(result.regions).toContain(run.region);
    // The endpoint template is in the assembly twice (nested assembly, pipeline asset): linted once.
    if (run.app === 'endpoint-deploy') expect(result.linted.length).toBe(result.templates.length - 1);
  });

  it('finds the parameterized endpoint template twice: the nested assembly and the asset the pipeline ships', () => {
    const run = runs.find((r) => r.app === 'endpoint-deploy')!;
    const dir = outdirs.get(run.moduleName)!;
    const found = findTemplates(dir).map((f) => relative(dir, f));
    expect(found).toContainEqual(expect.stringMatching(/^assembly-.*EndpointTemplate\/.*\.template\.json$/));
    expect(found).toContainEqual(expect.stringMatching(/^asset\.[0-9a-f]+\/.*EndpointTemplate.*\.template\.json$/));
    expect(found).toContain('mlops-example-deploy-endpoint.template.json');
    // CodePipeline stage configurations and test definitions are JSON, but not templates.
    expect(found.filter((f) => /staging-config|prod-config|staging-test/.test(f))).toEqual([]);
  });

  it('fails when only the template asset shipped to other accounts is broken: assets are linted too', async () => {
    // GIVEN a copy of the endpoint-deploy assembly whose template asset (not the nested assembly) has an unknown property
    const run = runs.find((r) => r.app === 'endpoint-deploy')!;
    const dir = mkdtempSync(join(tmpdir(), 'cfn-lint-broken-'));
    cpSync(outdirs.get(run.moduleName)!, dir, { recursive: true });
    const asset = findTemplates(dir).find((f) => /\/asset\.[0-9a-f]+\//.test(f))!;
    const template = JSON.parse(readFileSync(asset, 'utf8'));
    template.Resources.Broken = { Type: 'AWS::SQS::Queue', Properties: { NotAQueueProperty: true } };
    writeFileSync(asset, JSON.stringify(template));

    // WHEN
    const result = await lintModuleAssembly(dir);

    // THEN
    if (result.skipped) return;
    expect(result.errors).toContainEqual(expect.objectContaining({ rule: 'E3002', file: asset, path: expect.stringContaining('Resources/Broken') }));
  });

  it('every accepted warning still occurs, with a reason (no stale acceptance hides a future warning)', () => {
    const all = [...results.values()];
    if (all.length === 0 || all.some((r) => r.skipped)) return;
    const seen = new Set(all.flatMap((r) => r.accepted.map((f) => f.rule)));
    expect([...seen].sort()).toEqual(Object.keys(ACCEPTED_CFN_LINT_WARNINGS).sort());
  });
});

describe('templates of the example deployment against what EventBridge needs', () => {
  it('every rule target with a dead-letter queue may send there, for that rule only (defect 10, eb-rule-dlq)', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const run of runs) {
      for (const { file, template } of templatesOf(run)) {
        for (const { ruleId, queueId, deliverable } of deadLetterTargets(template)) {
          checked++;
          if (!deliverable) missing.push(`${relative(REPO_ROOT, file)}: ${ruleId} -> ${queueId}`);
        }
      }
    }
    // The forwarding rule (source account), the promote rule and the endpoint-deploy trigger rule(s).
    expect(checked).toBeGreaterThanOrEqual(3);
    expect(missing).toEqual([]);
  });

  it('no key policy trusts events.amazonaws.com without aws:SourceArn (defect 13a)', () => {
    const unconditioned: string[] = [];
    for (const run of runs) {
      for (const { file, template } of templatesOf(run)) {
        for (const [keyId, key] of Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::KMS::Key')) {
          for (const s of key.Properties.KeyPolicy.Statement) {
            if (JSON.stringify(s.Principal ?? {}).includes('events.amazonaws.com') && !s.Condition?.ArnEquals?.['aws:SourceArn'] && !s.Condition?.ArnLike?.['aws:SourceArn']) {
              unconditioned.push(`${relative(REPO_ROOT, file)}: ${keyId} ${s.Sid ?? ''}`);
            }
          }
        }
      }
    }
    expect(unconditioned).toEqual([]);
  });
});
