import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { createTestApp, dummyEnv, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
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
});
