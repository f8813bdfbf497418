import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { allowedActions, createTestApp, MOTO_STATUS_VARIABLE, motoRequired, motoStatus, DUMMY_ACCOUNTS, DUMMY_REGION, dummyEnv, policyForMoto, resolveIntrinsics, rolePolicyFromTemplate, withoutAction } from '../src';

const values = { account: DUMMY_ACCOUNTS.tooling, region: DUMMY_REGION };

function roleStack() {
  const stack = new Stack(createTestApp(), 'Tooling', { env: dummyEnv('tooling') });
  const bucket = new s3.Bucket(stack, 'Artifacts');
  const role = new iam.Role(stack, 'ToolRole', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
  bucket.grantRead(role);
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'Registry',
      actions: ['sagemaker:ListModelPackages', 's3:ListBucket'],
      resources: [stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: 'churn-model' })],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'SourceBuckets',
      actions: ['s3:GetObject'],
      resources: ['*'],
      conditions: { StringEquals: { 's3:ResourceAccount': DUMMY_ACCOUNTS.source } },
    }),
  );
  const template = Template.fromStack(stack).toJSON();
  const roleId = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::IAM::Role')!;
  return { template, roleId };
}

describe('resolveIntrinsics', () => {
  it('resolves joins of pseudo parameters and the Arn of a bucket of the template', () => {
    // GIVEN
    const template = { Resources: { Bucket: { Type: 'AWS::S3::Bucket' } } };
    // WHEN
    const value = resolveIntrinsics(
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':x']] },
      template,
      values,
    );
    const bucket = resolveIntrinsics({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] }, template, values);
    const sub = resolveIntrinsics({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Name}' }, template, { ...values, refs: { Name: 'r' } });
    // THEN
    expect(value).toBe(`arn:aws:sagemaker:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:x`);
    expect(bucket).toBe('arn:aws:s3:::Bucket/*');
    expect(sub).toBe(`arn:aws:iam::${DUMMY_ACCOUNTS.tooling}:role/r`);
  });

  it('fails when an intrinsic names something it cannot know, naming the path', () => {
    expect(() => resolveIntrinsics({ a: { 'Fn::GetAtt': ['Endpoint', 'EndpointName'] } }, { Resources: {} }, values)).toThrow(
      /\$\.a: cannot resolve \{ Fn::GetAtt: \[Endpoint, EndpointName\] \}/,
    );
    expect(() => resolveIntrinsics({ Ref: 'Missing' }, { Resources: {} }, values)).toThrow(/cannot resolve \{ Ref: Missing \}/);
  });
});

describe('rolePolicyFromTemplate', () => {
  it("collects the statements of every policy attached to the role, resolved", () => {
    // GIVEN
    const { template, roleId } = roleStack();
    // WHEN
    const policy = rolePolicyFromTemplate(template, roleId, values);
    // THEN
    expect(allowedActions(policy)).toEqual(['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:GetObject', 's3:ListBucket', 'sagemaker:ListModelPackages'].sort());
    expect(JSON.stringify(policy)).not.toMatch(/Fn::|"Ref"/);
    expect(policy.Statement.find((s) => s.Sid === 'Registry')?.Resource).toBe(
      `arn:aws:sagemaker:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:model-package-group/churn-model`,
    );
  });

  it('fails when the logical id is not a role', () => {
    const { template } = roleStack();
    expect(() => rolePolicyFromTemplate(template, 'NoSuchRole', values)).toThrow(/NoSuchRole is not an AWS::IAM::Role/);
  });
});

describe('policyForMoto', () => {
  it('keeps S3 resources, widens the resources of services moto authorizes against *, and applies the condition emulation', () => {
    // GIVEN
    const { template, roleId } = roleStack();
    const policy = rolePolicyFromTemplate(template, roleId, values);
    // WHEN
    const adapted = policyForMoto(policy, {
      conditions: { 's3:ResourceAccount': (s) => ({ ...s, Resource: ['arn:aws:s3:::source-bucket/*'] }) },
    });
    // THEN
    const registry = adapted.Statement.filter((s) => s.Sid === 'Registry');
    expect(registry).toEqual([
      expect.objectContaining({ Action: ['s3:ListBucket'], Resource: policy.Statement.find((s) => s.Sid === 'Registry')?.Resource }),
      expect.objectContaining({ Action: ['sagemaker:ListModelPackages'], Resource: '*' }),
    ]);
    expect(adapted.Statement.find((s) => s.Sid === 'SourceBuckets')).toEqual({
      Sid: 'SourceBuckets',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: ['arn:aws:s3:::source-bucket/*'],
    });
    expect(allowedActions(adapted)).toEqual(allowedActions(policy));
  });

  it('fails when a condition key has no emulation', () => {
    const { template, roleId } = roleStack();
    expect(() => policyForMoto(rolePolicyFromTemplate(template, roleId, values))).toThrow(/condition key s3:ResourceAccount/);
  });
});

describe('withoutAction', () => {
  it('removes one action, and the statement it was alone in', () => {
    const document = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow' as const, Action: ['a:One', 'a:Two'], Resource: '*' },
        { Effect: 'Allow' as const, Action: 'a:Three', Resource: '*' },
      ],
    };
    expect(allowedActions(withoutAction(document, 'a:Two'))).toEqual(['a:One', 'a:Three']);
    expect(withoutAction(document, 'a:Three').Statement).toHaveLength(1);
  });

  it('fails when no statement grants the action', () => {
    expect(() => withoutAction({ Version: '2012-10-17', Statement: [] }, 'a:One')).toThrow(/no statement grants a:One/);
  });
});

describe('resolveIntrinsics with conditions', () => {
  it('evaluates Fn::If on the template conditions and removes AWS::NoValue', () => {
    // GIVEN
    const template = {
      Parameters: { InstanceType: { Default: 'ml.m5d.large' } },
      Conditions: { LocalStorage: { 'Fn::Equals': [{ 'Fn::Select': [1, { 'Fn::Split': ['.', { Ref: 'InstanceType' }] }] }, 'm5d'] } },
      Resources: {},
    };
    const value = { KmsKeyId: { 'Fn::If': ['LocalStorage', { Ref: 'AWS::NoValue' }, 'key'] }, Other: 'x' };
    // WHEN / THEN
    expect(resolveIntrinsics(value, template, values)).toEqual({ Other: 'x' });
    expect(resolveIntrinsics(value, template, { ...values, refs: { InstanceType: 'ml.m5.large' } })).toEqual({ KmsKeyId: 'key', Other: 'x' });
  });
});

describe('motoRequired', () => {
  it('skips outside CI, and fails when CI=true, when moto is unavailable', () => {
    // GIVEN the global setup found no moto (this file never probed itself, so the answer is read from the environment)
    process.env[MOTO_STATUS_VARIABLE] = 'unavailable: python3 cannot import moto.server (no module)';
    try {
      expect(motoStatus()).toEqual({ available: false, reason: 'python3 cannot import moto.server (no module)' });
      // WHEN / THEN
      expect(motoRequired({})).toBe(false);
      expect(() => motoRequired({ CI: 'true' })).toThrow(/CI=true but the AWS emulator cannot run: python3 cannot import moto.server/);
    } finally {
      delete process.env[MOTO_STATUS_VARIABLE];
    }
  });
});
