import { Match, Template } from 'aws-cdk-lib/assertions';
import { createTestApp, DUMMY_ACCOUNTS, DUMMY_REGION, expectNoGuardFindings, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { EndpointStack, EndpointStackProps } from '../../src';

const BASE: EndpointStackProps = {
  projectName: 'churn',
  projectId: 'p-abc123def456',
  stageNames: ['staging', 'prod'],
  modelRegistryAccount: DUMMY_ACCOUNTS.source,
  modelArtifactBucketName: 'churn-model-artifacts',
  modelArtifactKeyArn: `arn:aws:kms:${DUMMY_REGION}:${DUMMY_ACCOUNTS.source}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  testPrincipalArn: `arn:aws:iam::${DUMMY_ACCOUNTS.tooling}:role/churn-staging-test-runner`,
};
const GUARDRAILS: EndpointStackProps['guardrails'] = {
  mode: 'canary',
  canaryPercent: 25,
  waitIntervalSeconds: 300,
  alarms: { max5xxErrorRate: 0.01, maxModelLatencyMs: 250 },
};
const GUARDED: Partial<EndpointStackProps> = {
  vpc: { subnetIdsParameterName: '/network/subnets', securityGroupIdsParameterName: '/network/security-groups' },
  autoscaling: { minCapacity: 2, maxCapacity: 6, targetInvocationsPerInstance: 200 },
  guardrails: GUARDRAILS,
};

function synth(overrides: Partial<EndpointStackProps> = {}) {
  const app = createTestApp();
  const stack = new EndpointStack(app, 'Endpoint', { ...BASE, ...overrides });
  return { app, stack, template: Template.fromStack(stack) };
}

function executionRoleStatement(template: Template, sid: string): any {
  const [role] = Object.values(
    template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] } },
    }),
  );
  return role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement).find((s: any) => s.Sid === sid);
}

describe('EndpointStack and the AWS Control Tower proactive controls', () => {
  it.each([
    ['the defaults', {}],
    ['VPC parameters, autoscaling and a canary guardrail', GUARDED],
    ['no data capture', { dataCapture: { enabled: false } }],
  ] as const)('passes every control with %s, acknowledging only what SecureBucket and the helpers of CDK acknowledge', (_name, overrides) => {
    const { app } = synth(overrides);
    expectNoGuardFindings(app);
    expectNoNagFindings(app);
  });

  it('gives every rollback alarm an action: a topic encrypted with the stack key, which CloudWatch may use (CT.CLOUDWATCH.PR.1)', () => {
    // GIVEN / WHEN
    const { stack, template } = synth(GUARDED);
    // THEN
    const topic = stack.getLogicalId(stack.rollbackAlarmTopic!.node.defaultChild as any);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: topic }] }, 2);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EncryptionKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'RollbackAlarmsPublish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { ArnEquals: { 'aws:SourceArn': [{ 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }] } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
    expect(template.toJSON().Outputs).toHaveProperty('RollbackAlarmTopicArn');
  });

  it('creates no topic without guardrails', () => {
    const { stack, template } = synth();
    expect(stack.rollbackAlarmTopic).toBeUndefined();
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });
});

describe('EndpointStack execution role and SageMaker (defect 11)', () => {
  it('may describe its rollback alarms, which a guardrail update needs (Auto-Rollback Configuration and Monitoring, SageMaker Developer Guide)', () => {
    // GIVEN / WHEN
    const { template } = synth(GUARDED);
    // THEN
    const describe = executionRoleStatement(template, 'DescribeRollbackAlarms');
    expect(describe.Action).toBe('cloudwatch:DescribeAlarms');
    expect(describe.Resource.map((r: any) => r['Fn::GetAtt'])).toEqual([
      [expect.stringMatching(/^Invocation5XXErrorsAlarm/), 'Arn'],
      [expect.stringMatching(/^ModelLatencyAlarm/), 'Arn'],
    ]);
    expect(executionRoleStatement(synth().template, 'DescribeRollbackAlarms')).toBeUndefined();
  });

  it('writes logs only to /aws/sagemaker/Endpoints/<endpoint> and metrics only to the SageMaker namespaces (How to use SageMaker AI execution roles)', () => {
    // GIVEN / WHEN
    const { template } = synth();
    // THEN
    const logs = executionRoleStatement(template, 'WriteEndpointLogs');
    expect(JSON.stringify(logs.Resource)).toContain(':log-group:/aws/sagemaker/Endpoints/churn-p-abc123def456-');
    expect(logs.Action).toEqual(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams']);
    expect(executionRoleStatement(template, 'PublishEndpointMetrics')).toMatchObject({
      Action: 'cloudwatch:PutMetricData',
      Condition: { StringEquals: { 'cloudwatch:namespace': ['/aws/sagemaker/Endpoints', 'AWS/SageMaker'] } },
    });
  });
});

describe('EndpointStack guardrails on small fleets (defect 13b)', () => {
  it.each(['canary', 'linear'] as const)(
    'fails when a %s guardrail may run on one instance: autoscaling.minCapacity 1 (TrafficRoutingConfig: a step is at most 50% of the instances)',
    (mode) => {
      expect(
        () =>
          new EndpointStack(createTestApp(), 'Endpoint', {
            ...BASE,
            autoscaling: { minCapacity: 1, maxCapacity: 4, targetInvocationsPerInstance: 100 },
            guardrails: { ...GUARDRAILS, mode, canaryPercent: mode === 'canary' ? 25 : undefined },
          }),
      ).toThrow(/autoscaling\.minCapacity: got 1; guardrails\.mode '(canary|linear)' .* at least 2 instances/);
    },
  );

  it.each([
    ['canary', 2],
    ['linear', 2],
    ['all-at-once', 1],
  ] as const)('lets CloudFormation refuse an InstanceCount below what a %s guardrail needs (%d)', (mode, min) => {
    const { template } = synth({ guardrails: { ...GUARDRAILS, mode, canaryPercent: mode === 'canary' ? 25 : undefined } });
    expect(template.toJSON().Parameters.InstanceCount).toMatchObject({ MinValue: min, Default: min });
  });
});

describe('EndpointStack images (defect 13c)', () => {
  it("grants pulls from the registry account's repositories only: SageMaker pulls its own algorithm and DLC images with service-owned credentials (Docker Registry Paths and Example Code)", () => {
    const { template } = synth();
    const pull = executionRoleStatement(template, 'PullModelImages');
    expect(JSON.stringify(pull.Resource)).toContain(`:${DUMMY_ACCOUNTS.source}:repository/*`);
  });
});
