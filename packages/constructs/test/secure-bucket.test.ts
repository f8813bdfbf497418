import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { createTestApp, dummyEnv, expectNoGuardFindings, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { SecureBucket } from '../src';

function stackWith(build: (stack: Stack) => void) {
  const app = createTestApp();
  const stack = new Stack(app, 'Test', { env: dummyEnv('tooling') });
  build(stack);
  return { app, stack, template: Template.fromStack(stack) };
}

describe('SecureBucket', () => {
  it('blocks public access, is versioned, logs access and keeps its objects on delete by default', () => {
    // GIVEN / WHEN
    const { template } = stackWith((s) => new SecureBucket(s, 'Models'));
    // THEN
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'access-logs/' }),
      }),
    });
  });

  it('denies every request that does not use TLS', () => {
    const { template } = stackWith((s) => new SecureBucket(s, 'Models'));
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('encrypts with the given key and bucket keys', () => {
    const { template } = stackWith((s) => {
      const key = new kms.Key(s, 'Key', { enableKeyRotation: true });
      new SecureBucket(s, 'Models', { encryptionKey: key, serverAccessLogsBucket: undefined });
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ BucketKeyEnabled: true, ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
    });
  });

  it('deletes the bucket with the stack only when told to', () => {
    const { template } = stackWith((s) => new SecureBucket(s, 'Scratch', { retainOnDelete: false }));
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.values(buckets).map((b) => b.DeletionPolicy)).toEqual(['Delete', 'Delete']);
  });

  it('reuses a given access-log bucket instead of creating one', () => {
    const { template } = stackWith((s) => {
      const logs = new SecureBucket(s, 'Logs');
      new SecureBucket(s, 'Models', { serverAccessLogsBucket: logs.bucket });
    });
    template.resourceCountIs('AWS::S3::Bucket', 3);
  });

  it('is cdk-nag AwsSolutions clean', () => {
    const { app } = stackWith((s) => new SecureBucket(s, 'Models'));
    expectNoNagFindings(app);
  });

  it('passes the Control Tower controls, acknowledging object lock and event notifications on each bucket and on the log bucket logging and SSE-S3', () => {
    const { app } = stackWith((s) => new SecureBucket(s, 'Models'));
    expectNoGuardFindings(app);
  });

  it('fails when a bucket allows ACLs: every bucket enforces bucket ownership (CT.S3.PR.5), with no AccessControl', () => {
    const { template } = stackWith((s) => new SecureBucket(s, 'Models'));
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets.map((b) => b.Properties.OwnershipControls)).toEqual([
      { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    ]);
    expect(buckets.map((b) => b.Properties.AccessControl)).toEqual([undefined, undefined]);
    // Log delivery is allowed by a bucket policy for the logging service instead (Enabling Amazon S3 server access logging).
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
  });

  it('fails when a versioned bucket has no lifecycle rule: incomplete multipart uploads are aborted after 7 days (CT.S3.PR.3, CT.S3.PR.6)', () => {
    const { template } = stackWith((s) => new SecureBucket(s, 'Models', { noncurrentVersionExpirationDays: 90 }));
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.anyValue(),
      LifecycleConfiguration: {
        Rules: [{ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' }],
      },
    });
  });

  it('encrypts with SSE-KMS (the aws/s3 key) when given no key, and the log bucket with SSE-S3, the only encryption log delivery supports', () => {
    const { template } = stackWith((s) => new SecureBucket(s, 'Models'));
    const algorithms = Object.values(template.findResources('AWS::S3::Bucket')).map(
      (b) => b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm,
    );
    expect(algorithms.sort()).toEqual(['AES256', 'aws:kms']);
  });

  it('logs into a given central bucket and creates no log bucket', () => {
    const { app, template } = stackWith((s) => {
      const central = s3.Bucket.fromBucketArn(s, 'Central', 'arn:aws:s3:::central-access-logs');
      new SecureBucket(s, 'Models', { serverAccessLogsBucket: central });
    });
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: 'central-access-logs', LogFilePrefix: 'access-logs/' },
    });
    expectNoGuardFindings(app);
  });
});

describe('SecureBucket in an app without our feature flags (a consumer of the npm package)', () => {
  it('delivers access logs under a bucket policy, not an ACL, without the app setting serverAccessLogsUseBucketPolicy', () => {
    // A plain App has none of the flags of our cdk.json; without the construct's own flag CDK throws here
    // ("Cannot enable log delivery to this bucket because the bucket's ACL has been set and can't be changed").
    const stack = new Stack(new App(), 'Consumer', { env: dummyEnv('tooling') });
    new SecureBucket(stack, 'Data');
    const template = Template.fromStack(stack);
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.AccessControl).toBeUndefined();
      expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    }
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
  });
});
