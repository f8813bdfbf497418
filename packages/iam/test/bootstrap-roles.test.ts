import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, test } from 'vitest';
import { cdkBootstrapRole, cdkBootstrapRoleArn, DEFAULT_BOOTSTRAP_QUALIFIER } from '../src';

const TOOLING = '111111111111';
const STAGING = '333333333333';

function envStack(region = 'eu-west-1'): Stack {
  return new Stack(new App(), 'Tooling', { env: { account: TOOLING, region } });
}

describe('cdkBootstrapRoleArn', () => {
  test('builds the default-qualifier deploy role ARN with the partition of the stack', () => {
    // GIVEN
    const stack = envStack();

    // WHEN
    const arn = cdkBootstrapRoleArn(stack, { account: STAGING, region: 'eu-west-1', kind: 'deploy' });

    // THEN
    expect(stack.resolve(arn)).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':iam::333333333333:role/cdk-hnb659fds-deploy-role-333333333333-eu-west-1'],
      ],
    });
    expect(DEFAULT_BOOTSTRAP_QUALIFIER).toBe('hnb659fds');
  });

  test('uses a custom qualifier and every role kind in the name', () => {
    // GIVEN
    const stack = envStack();
    const kinds = ['deploy', 'cfn-exec', 'file-publishing', 'image-publishing', 'lookup'] as const;

    // WHEN
    const names = kinds.map((kind) => {
      const arn = cdkBootstrapRoleArn(stack, { account: STAGING, region: 'eu-west-1', kind, qualifier: 'mlops01' });
      return JSON.stringify(stack.resolve(arn));
    });

    // THEN
    kinds.forEach((kind, i) => expect(names[i]).toContain(`:role/cdk-mlops01-${kind}-role-333333333333-eu-west-1`));
  });

  test('stays partition-agnostic in a China region', () => {
    // GIVEN
    const stack = envStack('cn-north-1');

    // WHEN
    const arn = cdkBootstrapRoleArn(stack, { account: STAGING, region: 'cn-north-1', kind: 'cfn-exec' });

    // THEN
    const resolved = JSON.stringify(stack.resolve(arn));
    expect(resolved).toContain('{"Ref":"AWS::Partition"}');
    expect(resolved).not.toContain('arn:aws:');
    expect(resolved).toContain('cdk-hnb659fds-cfn-exec-role-333333333333-cn-north-1');
  });

  test('accepts deploy-time tokens in an environment-agnostic stack', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Agnostic');

    // WHEN
    const arn = cdkBootstrapRoleArn(stack, { account: stack.account, region: stack.region, kind: 'lookup' });

    // THEN
    expect(stack.resolve(arn)).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':iam::',
          { Ref: 'AWS::AccountId' },
          ':role/cdk-hnb659fds-lookup-role-',
          { Ref: 'AWS::AccountId' },
          '-',
          { Ref: 'AWS::Region' },
        ],
      ],
    });
  });

  test.each(['', 'UPPER', 'way-too-long', 'elevenchars', 'under_score'])('fails when the qualifier is %j', (qualifier) => {
    // GIVEN
    const stack = envStack();

    // WHEN / THEN
    expect(() => cdkBootstrapRoleArn(stack, { account: STAGING, region: 'eu-west-1', kind: 'deploy', qualifier })).toThrow(
      /qualifier must be 1 to 10 lowercase letters or digits/,
    );
  });

  test('fails when the account is not 12 digits', () => {
    // GIVEN
    const stack = envStack();

    // WHEN / THEN
    expect(() => cdkBootstrapRoleArn(stack, { account: '1234', region: 'eu-west-1', kind: 'deploy' })).toThrow(
      "account must be a 12-digit AWS account id, got '1234'.",
    );
  });
});

describe('cdkBootstrapRole', () => {
  test('imports an immutable role: grants never add a policy to it', () => {
    // GIVEN
    const stack = envStack();
    const role = cdkBootstrapRole(stack, 'StagingDeployRole', { account: STAGING, region: 'eu-west-1', kind: 'deploy' });

    // WHEN
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));

    // THEN
    expect(stack.resolve(role.roleArn)).toEqual(
      stack.resolve(cdkBootstrapRoleArn(stack, { account: STAGING, region: 'eu-west-1', kind: 'deploy' })),
    );
    expect(role.roleName).toBe('cdk-hnb659fds-deploy-role-333333333333-eu-west-1');
    expect(stack.node.findAll().filter((c) => c instanceof iam.Policy)).toHaveLength(0);
  });
});
