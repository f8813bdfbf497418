import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { createTestApp, guardFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { acknowledgeControl, CONTROL_TOWER_RULES, controlFindingId, failOnEveryViolation, GUARD_PLUGIN_NAME } from '../src';

const RULES_DIR = join(dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');

function guardFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? guardFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('Control Tower controls', () => {
  it.each(Object.entries(CONTROL_TOWER_RULES))('%s is the guard rule %s of the plugin', (control, rule) => {
    // The rule file of control CT.S3.PR.9 is ct-s3-pr-9.guard, and it defines the rule the plugin reports.
    const file = guardFiles(RULES_DIR).find((f) => f.endsWith(`/${control.toLowerCase().replace(/\./g, '-')}.guard`));
    expect(file && readFileSync(file, 'utf8')).toMatch(new RegExp(`^rule ${rule} when`, 'm'));
  });

  it('names the plugin as CDK namespaces its findings', () => {
    expect(new CfnGuardValidator().name).toBe(GUARD_PLUGIN_NAME);
    expect(controlFindingId('CT.S3.PR.9')).toBe('cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check');
  });

  it('acknowledges one control on exactly one resource, the default child of an L2', () => {
    // GIVEN
    const app = createTestApp();
    const stack = new Stack(app, 'Test');
    const a = new s3.Bucket(stack, 'A');
    new s3.Bucket(stack, 'B');
    // WHEN
    acknowledgeControl(a, 'CT.S3.PR.9', 'test');
    // THEN
    const lock = guardFindings(app).find((f) => f.id === controlFindingId('CT.S3.PR.9'));
    expect(lock?.resources).toEqual(['Test/B/Resource']);
  });

  it('fails when the construct is not a CloudFormation resource', () => {
    const stack = new Stack(createTestApp(), 'Test');
    expect(() => acknowledgeControl(stack, 'CT.S3.PR.9', 'test')).toThrow(/Test is not a CloudFormation resource/);
  });

  it.each([
    ['the plain plugin lets the synth pass', (p: CfnGuardValidator) => p, 'success', false],
    ['failOnEveryViolation fails the synth', failOnEveryViolation, 'failure', true],
  ] as const)(
    'fails when one finding is acknowledged and another is open only with failOnEveryViolation: %s',
    (_name, wrap, conclusion, throws) => {
      // GIVEN the plugin in synth; every finding of both buckets acknowledged except object lock on B
      const outdir = mkdtempSync(join(tmpdir(), 'guard-'));
      const app = new App({ outdir, stackTraces: false, analyticsReporting: false });
      const stack = new Stack(app, 'Test');
      const a = new s3.CfnBucket(stack, 'A');
      const b = new s3.CfnBucket(stack, 'B');
      const probe = createTestApp();
      new s3.CfnBucket(new Stack(probe, 'Test'), 'A');
      const ids = guardFindings(probe).map((f) => f.id);
      for (const id of ids) Validations.of(a).acknowledge({ id, reason: 'test' });
      for (const id of ids.filter((i) => i !== controlFindingId('CT.S3.PR.9'))) Validations.of(b).acknowledge({ id, reason: 'test' });
      Validations.of(app).addPlugins(wrap(new CfnGuardValidator()));
      // WHEN
      let thrown: unknown;
      try {
        app.synth();
      } catch (e) {
        thrown = e;
      }
      // THEN the open finding is the one CDK reports, and only the wrapped plugin fails the report and the synth
      expect(thrown !== undefined).toBe(throws);
      if (throws) expect(String(thrown)).toMatch(/CT\.S3\.PR\.9.*\n\s+Test\/B/);
      const file = ['validation-report.json', 'policy-validation-report.json'].map((f) => join(outdir, f)).find(existsSync)!;
      const plugin = JSON.parse(readFileSync(file, 'utf8')).pluginReports.find((p: any) => p.pluginName === GUARD_PLUGIN_NAME);
      const open = plugin.violations.flatMap((v: any) => v.violatingConstructs.map((c: any) => `${v.ruleName} ${c.constructPath}`));
      expect({ open, conclusion: plugin.conclusion }).toEqual({ open: ['s3_bucket_object_lock_enabled_check Test/B'], conclusion });
    },
  );
});
