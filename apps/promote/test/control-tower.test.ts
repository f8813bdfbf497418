import { Template } from 'aws-cdk-lib/assertions';
import { catchConfigError, DUMMY_ACCOUNTS, expectNoGuardFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { load, PIPELINE_PARAMETERS, synth, TARGET_BUS_ARN } from './fixtures';

const CENTRAL_LOGS = 'arn:aws:s3:::aws-controltower-s3-access-logs-example';

describe('AWS Control Tower proactive controls', () => {
  it.each([
    ['pipeline', PIPELINE_PARAMETERS, undefined],
    ['pipeline with a central access-log bucket', { ...PIPELINE_PARAMETERS, s3_access_logs_bucket_arn: CENTRAL_LOGS }, undefined],
    ['event-bus', { component: 'event-bus', event_bus_name: 'mlops-registry', source_accounts: [DUMMY_ACCOUNTS.source] }, undefined],
    [
      'source-account',
      { component: 'source-account', model_package_group_name: 'churn-model', target_accounts: [DUMMY_ACCOUNTS.tooling], target_event_bus_arn: TARGET_BUS_ARN },
      DUMMY_ACCOUNTS.source,
    ],
  ] as const)('the %s component passes every control, or acknowledges it on one resource with a reason', (_component, parameters, account) => {
    const { app } = synth(parameters, account);
    expectNoGuardFindings(app);
  });
});

describe('s3_access_logs_bucket_arn', () => {
  it('logs the artifact bucket into the central bucket and creates no log bucket of its own', () => {
    // GIVEN / WHEN
    const { stack } = synth({ ...PIPELINE_PARAMETERS, s3_access_logs_bucket_arn: CENTRAL_LOGS });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: 'aws-controltower-s3-access-logs-example', LogFilePrefix: 'access-logs/' },
    });
  });

  it.each([
    ['an object ARN', `${CENTRAL_LOGS}/logs/`, /object or prefix ARN; give the bucket ARN arn:aws:s3:::aws-controltower-s3-access-logs-example/],
    ['a bucket name', 'aws-controltower-s3-access-logs-example', /expected an S3 bucket ARN/],
    ['another partition', 'arn:aws-cn:s3:::logs-example', /ARN of partition aws/],
  ])('fails when given %s, with a message that says what to give', (_name, value, message) => {
    const error = catchConfigError(() => load({ ...PIPELINE_PARAMETERS, s3_access_logs_bucket_arn: value }));
    expect(error.issues.map((i) => `${i.path}: ${i.message}`).join('\n')).toMatch(new RegExp(`s3_access_logs_bucket_arn: .*${message.source}`));
  });
});
