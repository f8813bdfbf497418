import { Template } from 'aws-cdk-lib/assertions';
import { catchConfigError, expectNoGuardFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { CONNECTION_ARN, load, MULTI_ACCOUNT, synth } from './fixtures';

const CENTRAL_LOGS = 'arn:aws:s3:::aws-controltower-s3-access-logs-example';
const problems = (parameters: Record<string, unknown>) =>
  catchConfigError(() => load(parameters)).issues.map((i) => `${i.path}: ${i.message}`);

describe('AWS Control Tower proactive controls', () => {
  it.each([
    ['one staging and one prod account', MULTI_ACCOUNT],
    ['a central access-log bucket', { ...MULTI_ACCOUNT, s3_access_logs_bucket_arn: CENTRAL_LOGS }],
    [
      'a CodeConnections repository, VPC parameters, autoscaling and a linear guardrail',
      {
        ...MULTI_ACCOUNT,
        repository_type: 'codeconnections',
        code_connection_arn: CONNECTION_ARN,
        repository_owner_and_name: 'acme/churn-deploy',
        vpc_subnet_ids_parameter: '/network/private-subnet-ids',
        vpc_security_group_ids_parameter: '/network/endpoint-sg-ids',
        autoscaling_min_capacity: 2,
        autoscaling_max_capacity: 8,
        autoscaling_target_invocations: 300,
        deployment_guardrail: 'linear',
        guardrail_max_5xx_error_percent: 2,
      },
    ],
  ] as const)('the stack and its endpoint template pass every control with %s, or acknowledge it on one resource with a reason', (_name, parameters) => {
    const { app } = synth(parameters);
    expectNoGuardFindings(app);
  });
});

describe('s3_access_logs_bucket_arn', () => {
  it('logs the model and pipeline artifact buckets into the central bucket and creates no log bucket of their own', () => {
    // GIVEN / WHEN
    const { stack } = synth({ ...MULTI_ACCOUNT, s3_access_logs_bucket_arn: CENTRAL_LOGS });
    // THEN
    const buckets = Object.values(Template.fromStack(stack).findResources('AWS::S3::Bucket'));
    expect(buckets.map((b) => b.Properties.LoggingConfiguration?.DestinationBucketName)).toEqual([
      'aws-controltower-s3-access-logs-example',
      'aws-controltower-s3-access-logs-example',
    ]);
  });

  it.each([
    ['an object ARN', `${CENTRAL_LOGS}/logs/`, /object or prefix ARN; give the bucket ARN/],
    ['a bucket name', 'aws-controltower-s3-access-logs-example', /expected an S3 bucket ARN/],
    ['another partition', 'arn:aws-cn:s3:::logs-example', /ARN of partition aws/],
  ])('fails when given %s, with a message that says what to give', (_name, value, message) => {
    expect(problems({ ...MULTI_ACCOUNT, s3_access_logs_bucket_arn: value }).join('\n')).toMatch(new RegExp(`s3_access_logs_bucket_arn: .*${message.source}`));
  });
});

describe('canary and linear guardrails on one instance (TrafficRoutingConfig: a step is at most 50% of the instances)', () => {
  const guarded = { ...MULTI_ACCOUNT, guardrail_max_5xx_error_percent: 1 };

  it('fails when a canary guardrail meets the seeded single staging instance', () => {
    expect(problems({ ...guarded, deployment_guardrail: 'canary' })).toEqual([
      expect.stringMatching(/^staging_instance_count: deployment_guardrail canary shifts at most 50% .* at least 2; .*\(default 1\)$/),
    ]);
  });

  it('fails when a linear guardrail may scale in to one instance', () => {
    expect(
      problems({
        ...guarded,
        deployment_guardrail: 'linear',
        staging_instance_count: 2,
        autoscaling_min_capacity: 1,
        autoscaling_max_capacity: 4,
        autoscaling_target_invocations: 100,
      }),
    ).toEqual([expect.stringMatching(/^autoscaling_min_capacity: deployment_guardrail linear shifts at most 50%/)]);
  });

  it('accepts two instances per stage, and all-at-once on one', () => {
    expect(() => load({ ...guarded, deployment_guardrail: 'canary', staging_instance_count: 2 })).not.toThrow();
    expect(() => load({ ...guarded, deployment_guardrail: 'all-at-once' })).not.toThrow();
  });
});
