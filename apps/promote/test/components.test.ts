import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { matchesEventPattern, sampleModelPackageStateChange } from '@sagemaker-mlops/events';
import { DUMMY_ACCOUNTS, DUMMY_REGION, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { synth, TARGET_BUS_ARN } from './fixtures';

describe('event-bus component (target account)', () => {
  const { app, stack } = synth({ component: 'event-bus', event_bus_name: 'mlops-registry', source_accounts: [DUMMY_ACCOUNTS.source] });
  const template = Template.fromStack(stack);

  it('creates the bus and lets only the source accounts put events on it', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'mlops-registry' });
    const policies = JSON.stringify(template.findResources('AWS::Events::EventBusPolicy'));
    expect(policies).toContain(DUMMY_ACCOUNTS.source);
    expect(policies).toContain('events:PutEvents');
    expect(policies).not.toContain(DUMMY_ACCOUNTS.prod);
  });

  it('outputs the bus for Seedfarmer', () => {
    for (const name of ['EventBusArn', 'EventBusName', 'metadata']) template.hasOutput(name, {});
  });

  it('is cdk-nag AwsSolutions clean', () => expectNoNagFindings(app));
});

describe('source-account component', () => {
  const parameters = {
    component: 'source-account',
    model_package_group_name: 'churn-model',
    target_accounts: [DUMMY_ACCOUNTS.tooling],
    target_event_bus_arn: TARGET_BUS_ARN,
  };

  describe('on an existing group', () => {
    const { app, stack } = synth(parameters, DUMMY_ACCOUNTS.source);
    const template = Template.fromStack(stack);

    it('attaches a read-only resource policy: no registry write for the target account', () => {
      const call = new Capture();
      template.hasResourceProperties('Custom::AWS', { Create: call });
      const create = JSON.stringify(call.asObject());
      expect(create).toContain('PutModelPackageGroupPolicy');
      for (const action of ['DescribeModelPackageGroup', 'DescribeModelPackage', 'ListModelPackages', 'CreateModel']) expect(create).toContain(`sagemaker:${action}`);
      expect(create).not.toMatch(/UpdateModelPackage|DeleteModelPackage|PutModelPackageGroupPolicy.*sagemaker:Put/);
    });

    it('forwards Approved and Rejected events of the group to the target bus, with a DLQ', () => {
      const pattern = new Capture();
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: pattern,
        Targets: [Match.objectLike({ Arn: TARGET_BUS_ARN, DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
      });
      const event = (status: 'Approved' | 'Rejected' | 'PendingManualApproval') =>
        sampleModelPackageStateChange({ account: DUMMY_ACCOUNTS.source, region: DUMMY_REGION, groupName: 'churn-model', status });
      expect(matchesEventPattern(pattern.asObject(), event('Approved'))).toBe(true);
      expect(matchesEventPattern(pattern.asObject(), event('Rejected'))).toBe(true);
      expect(matchesEventPattern(pattern.asObject(), event('PendingManualApproval'))).toBe(false);
    });

    it('is cdk-nag AwsSolutions clean', () => expectNoNagFindings(app));
  });

  describe('creating the group', () => {
    const { app, stack } = synth({ ...parameters, create_model_package_group: true, retain_on_delete: 'false' }, DUMMY_ACCOUNTS.source);
    const template = Template.fromStack(stack);

    it('creates the group with the policy and honours retain_on_delete', () => {
      template.hasResource('AWS::SageMaker::ModelPackageGroup', {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({ ModelPackageGroupName: 'churn-model', ModelPackageGroupPolicy: Match.anyValue() }),
      });
      template.resourceCountIs('Custom::AWS', 0);
    });

    it('is cdk-nag AwsSolutions clean', () => expectNoNagFindings(app));
  });
});
