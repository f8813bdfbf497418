import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfnOutput, Stack, Stage } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { describe, expect, it } from 'vitest';
import {
  ACCEPTED_CFN_LINT_WARNINGS,
  assemblyRegions,
  cfnLintVersion,
  createTestApp,
  dummyEnv,
  expectCfnLintClean,
  findTemplates,
  lintTemplates,
  TARGET_REGIONS_METADATA_KEY,
} from '../src';

const installed = cfnLintVersion().ok;

/** An endpoint whose ARN is read with GetAtt: the attribute is missing from eu-west-1's schema (cfn-lint E6101). */
function endpointArnTemplate(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cfn-lint-'));
  const file = join(dir, 'endpoint.template.json');
  const stack = new Stack(createTestApp(), 'Endpoint');
  const endpoint = new sagemaker.CfnEndpoint(stack, 'Endpoint', { endpointConfigName: 'config' });
  new CfnOutput(stack, 'Arn', { value: endpoint.attrEndpointArn });
  writeFileSync(file, JSON.stringify(stack.resolve((stack as any)._toCloudFormation())));
  return file;
}

describe('findTemplates and assemblyRegions', () => {
  it('find the stacks of the app and of nested assemblies, and the recorded regions', () => {
    // GIVEN an app with a stack that records a stage region, and a nested stage
    const app = createTestApp();
    const stack = new Stack(app, 'Tooling', { env: dummyEnv('tooling') });
    stack.templateOptions.metadata = { [TARGET_REGIONS_METADATA_KEY]: ['ap-southeast-2'] };
    new s3.Bucket(stack, 'Bucket');
    const nested = new Stage(app, 'Nested');
    new s3.Bucket(new Stack(nested, 'Template'), 'Bucket');

    // WHEN
    const dir = app.synth().directory;

    // THEN
    expect(findTemplates(dir).map((f) => f.slice(dir.length + 1))).toEqual([
      expect.stringMatching(/^assembly-Nested\/NestedTemplate[0-9A-F]*\.template\.json$/),
      'Tooling.template.json',
    ]);
    expect(assemblyRegions(dir)).toEqual(['ap-southeast-2', dummyEnv('tooling').region].sort());
  });

  it('fails when no stack knows its region', () => {
    const app = createTestApp();
    new s3.Bucket(new Stack(app, 'Agnostic'), 'Bucket');
    expect(() => assemblyRegions(app.synth().directory)).toThrow(/no stack has a region/);
  });
});

describe('lintTemplates', () => {
  it('skips with one line when cfn-lint is not installed and CI is not required', async () => {
    const lines: string[] = [];
    const result = await lintTemplates([endpointArnTemplate()], ['eu-west-1'], { command: 'cfn-lint-not-installed', required: false, log: (l) => lines.push(l) });
    expect(result.skipped).toMatch(/cfn-lint not installed/);
    expect(lines).toHaveLength(1);
  });

  it('fails when cfn-lint is missing under CI', async () => {
    await expect(lintTemplates([endpointArnTemplate()], ['eu-west-1'], { command: 'cfn-lint-not-installed', required: true })).rejects.toThrow(
      /cfn-lint is required/,
    );
  });

  it.skipIf(!installed)('reports a GetAtt that exists in us-east-1 but not in eu-west-1 (per-region schemas)', async () => {
    // WHEN
    const file = endpointArnTemplate();
    const usEast1 = await lintTemplates([file], ['us-east-1']);
    const euWest1 = await lintTemplates([file, file], ['us-east-1', 'eu-west-1']);

    // THEN
    expect(usEast1.errors).toEqual([]);
    expect(euWest1.linted).toEqual([file]);
    expect(euWest1.errors).toEqual([expect.objectContaining({ rule: 'E6101', message: expect.stringContaining("'EndpointArn'"), file })]);
  });

  it('accepts only warnings listed with a reason', () => {
    for (const [rule, reason] of Object.entries(ACCEPTED_CFN_LINT_WARNINGS)) {
      expect(rule).toMatch(/^W\d{4}$/);
      expect(reason.length).toBeGreaterThan(40);
    }
  });
});

describe('expectCfnLintClean', () => {
  it.skipIf(!installed)('fails when a template has an error, naming rule and path', async () => {
    const app = createTestApp();
    const stack = new Stack(app, 'Endpoint', { env: { account: dummyEnv('tooling').account, region: 'eu-west-1' } });
    const endpoint = new sagemaker.CfnEndpoint(stack, 'Endpoint', { endpointConfigName: 'config' });
    new CfnOutput(stack, 'Arn', { value: endpoint.attrEndpointArn });
    await expect(expectCfnLintClean(stack)).rejects.toThrow(/E6101 .*Outputs\/Arn/);
  });

  it.skipIf(!installed)('passes a clean stack and returns what it linted', async () => {
    const app = createTestApp();
    const stack = new Stack(app, 'Clean', { env: dummyEnv('tooling') });
    new s3.Bucket(stack, 'Bucket', { enforceSSL: true });
    const result = await expectCfnLintClean(stack, ['eu-west-1', 'us-east-2']);
    expect(result.linted).toHaveLength(1);
    expect(result.regions).toEqual(['eu-west-1', 'us-east-2']);
  });
});
