import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createTestApp, dummyEnv, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, it } from 'vitest';
import { DeadLetterQueue } from '../src';

describe('DeadLetterQueue', () => {
  it('is encrypted, TLS-only and keeps messages 14 days', () => {
    const app = createTestApp();
    const stack = new Stack(app, 'Test', { env: dummyEnv('tooling') });
    new DeadLetterQueue(stack, 'Dlq');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
    expectNoNagFindings(app);
  });
});

