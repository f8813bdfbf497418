import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { describe, expect, test } from 'vitest';
import { applyModuleBoundary, applyPermissionsBoundary } from '../src';

const STAGING = '333333333333';

function stackWithRoles(env?: { account: string; region: string }): Stack {
  const stack = new Stack(new App(), 'Staging', { env });
  new iam.Role(stack, 'DeployRole', { assumedBy: new iam.AccountRootPrincipal() });
  new iam.User(stack, 'Operator');
  // A role CDK creates implicitly must be bounded too.
  new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  return stack;
}

function boundaries(stack: Stack, type: string): unknown[] {
  return Object.values(Template.fromStack(stack).findResources(type)).map(
    (r) => (r as { Properties: { PermissionsBoundary?: unknown } }).Properties.PermissionsBoundary,
  );
}

describe('applyPermissionsBoundary', () => {
  test('bounds every role and user in the stack by name, in the stack account and partition', () => {
    // GIVEN
    const stack = stackWithRoles({ account: STAGING, region: 'eu-west-1' });

    // WHEN
    applyPermissionsBoundary(stack, { name: 'mlops-boundary' });

    // THEN
    const expected = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::333333333333:policy/mlops-boundary']] };
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { PermissionsBoundary: expected });
    expect(boundaries(stack, 'AWS::IAM::Role')).toEqual([expected, expected]);
    expect(boundaries(stack, 'AWS::IAM::User')).toEqual([expected]);
  });

  test('uses the deploy-time account of an environment-agnostic stack', () => {
    // GIVEN
    const stack = stackWithRoles();

    // WHEN
    applyPermissionsBoundary(stack, { name: 'team/mlops-boundary' });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      PermissionsBoundary: {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':policy/team/mlops-boundary'],
        ],
      },
    });
  });

  test('uses an ARN as given', () => {
    // GIVEN
    const stack = stackWithRoles({ account: STAGING, region: 'cn-north-1' });
    const arn = `arn:aws-cn:iam::${STAGING}:policy/mlops-boundary`;

    // WHEN
    const policy = applyPermissionsBoundary(stack, { arn });

    // THEN
    expect(policy.managedPolicyArn).toBe(arn);
    expect(boundaries(stack, 'AWS::IAM::Role')).toEqual([arn, arn]);
  });

  test('bounds only the roles under a construct scope', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Staging', { env: { account: STAGING, region: 'eu-west-1' } });
    const team = new Construct(stack, 'Team');
    new iam.Role(team, 'TeamRole', { assumedBy: new iam.AccountRootPrincipal() });
    new iam.Role(stack, 'OtherRole', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    applyPermissionsBoundary(team, { name: 'team-boundary' });

    // THEN
    expect(boundaries(stack, 'AWS::IAM::Role')).toEqual([expect.objectContaining({ 'Fn::Join': expect.anything() }), undefined]);
  });

  test('fails when both name and arn are given', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Staging');

    // WHEN / THEN
    expect(() => applyPermissionsBoundary(stack, { name: 'b', arn: `arn:aws:iam::${STAGING}:policy/b` })).toThrow(
      "applyPermissionsBoundary needs exactly one of 'name' and 'arn', got both.",
    );
  });

  test('fails when neither name nor arn is given', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Staging');

    // WHEN / THEN
    expect(() => applyPermissionsBoundary(stack, {})).toThrow(
      "applyPermissionsBoundary needs exactly one of 'name' and 'arn', got neither.",
    );
  });

  test('fails when the ARN is not a managed policy ARN', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Staging');

    // WHEN / THEN
    expect(() => applyPermissionsBoundary(stack, { arn: `arn:aws:iam::${STAGING}:role/b` })).toThrow(
      /arn must be an IAM managed policy ARN/,
    );
  });

  test('fails when the scope is the app, not a stack', () => {
    // GIVEN
    const app = new App();

    // WHEN / THEN
    expect(() => applyPermissionsBoundary(app, { name: 'b' })).toThrow(
      /applyPermissionsBoundary needs a stack or a construct inside one, got '<app>'/,
    );
  });

  test('fails when a boundary is applied twice at the same scope', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Staging');
    applyPermissionsBoundary(stack, { name: 'a' });

    // WHEN / THEN
    expect(() => applyPermissionsBoundary(stack, { name: 'b' })).toThrow(
      "A permissions boundary was already applied at 'Staging': apply it once per scope.",
    );
  });
});

describe('applyModuleBoundary', () => {
  const env = { account: STAGING, region: 'eu-west-1' };
  const seedfarmerArn = `arn:aws:iam::${STAGING}:policy/seedfarmer-boundary`;

  test('prefers the module parameter over the Seedfarmer boundary', () => {
    const stack = stackWithRoles(env);
    applyModuleBoundary(stack, { name: 'module-boundary', seedfarmerArn });
    for (const b of boundaries(stack, 'AWS::IAM::Role')) expect(JSON.stringify(b)).toContain('policy/module-boundary');
  });

  test('falls back to the Seedfarmer boundary', () => {
    const stack = stackWithRoles(env);
    applyModuleBoundary(stack, { seedfarmerArn });
    for (const b of boundaries(stack, 'AWS::IAM::Role')) expect(b).toBe(seedfarmerArn);
  });

  test('applies nothing without either', () => {
    const stack = stackWithRoles(env);
    expect(applyModuleBoundary(stack, {})).toBeUndefined();
    for (const b of boundaries(stack, 'AWS::IAM::Role')) expect(b).toBeUndefined();
  });
});
