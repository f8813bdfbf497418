import { CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { Capture, Template } from 'aws-cdk-lib/assertions';
import { createTestApp, DUMMY_ACCOUNTS, dummyEnv, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { ModelRegistryAccess, ModelRegistryAccessProps } from '../src';

/**
 * `also` adds another resource where the construct creates none: CDK's own CloudFormation validation
 * (feature flag `@aws-cdk/core:validateAgainstDefaultRules`) rejects an empty stack, as CloudFormation does.
 */
function build(props: Partial<ModelRegistryAccessProps>, also?: (stack: Stack) => void) {
  const app = createTestApp();
  const stack = new Stack(app, 'Registry', { env: dummyEnv('tooling') });
  also?.(stack);
  const access = new ModelRegistryAccess(stack, 'Access', { groupName: 'churn', createGroup: false, retainOnDelete: true, ...props });
  return { app, access, template: Template.fromStack(stack) };
}

describe('ModelRegistryAccess', () => {
  it('attaches a read-only policy for the consumer accounts to an existing group', () => {
    const { template, app } = build({ consumerAccounts: [DUMMY_ACCOUNTS.staging, DUMMY_ACCOUNTS.prod] });
    const create = new Capture();
    template.hasResourceProperties('Custom::AWS', { Create: create });
    // The SDK call is a Fn::Join of the serialized call and the group's policy.
    const text = JSON.stringify(create.asObject());
    expect(text).toContain('PutModelPackageGroupPolicy');
    for (const account of [DUMMY_ACCOUNTS.staging, DUMMY_ACCOUNTS.prod]) expect(text).toContain(account);
    expect(text).toMatch(/sagemaker:CreateModel/);
    expect(text).not.toMatch(/UpdateModelPackage|DeleteModelPackage/);
    expectNoNagFindings(app);
  });

  it('creates the group with the policy, and honours retainOnDelete', () => {
    const { template } = build({ consumerAccounts: [DUMMY_ACCOUNTS.staging], createGroup: true, retainOnDelete: false });
    template.hasResource('AWS::SageMaker::ModelPackageGroup', { DeletionPolicy: 'Delete' });
    template.resourceCountIs('Custom::AWS', 0);
  });

  it('lets principals of organizational units read, narrowed by aws:PrincipalOrgPaths', () => {
    const { access } = build({ consumerOuIds: ['ou-ab12-cdefgh34'], createGroup: true });
    const statements = JSON.stringify(access.policy?.toJSON());
    expect(statements).toContain('aws:PrincipalOrgPaths');
    expect(statements).toContain('*/ou-ab12-cdefgh34/*');
    expect(statements).not.toMatch(/UpdateModelPackage/);
  });

  it('creates nothing when every consumer is this account', () => {
    const { template, access } = build({ consumerAccounts: [DUMMY_ACCOUNTS.tooling] }, (stack) => new CfnWaitConditionHandle(stack, 'Other'));
    expect(access.policy).toBeUndefined();
    expect(Object.keys(template.toJSON().Resources ?? {})).toEqual(['Other']);
  });
});
