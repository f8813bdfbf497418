import { Stack } from 'aws-cdk-lib';
import { createTestApp, guardFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { DeadLetterQueue } from '../src';

describe('DeadLetterQueue and the AWS Control Tower controls', () => {
  it('acknowledges CT.SQS.PR.1 (a DLQ of its own) on its queue only, with the reason', () => {
    // GIVEN
    const app = createTestApp();
    const stack = new Stack(app, 'Test');
    // WHEN
    new DeadLetterQueue(stack, 'Dlq');
    // THEN
    expect(guardFindings(app)).toEqual([]);
    const acknowledged = stack.node
      .findChild('Dlq')
      .node.findChild('Resource')
      .node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules')
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acknowledged).toContainEqual(['cdk-validator-cfnguard::sqs_dlq_check', expect.stringMatching(/itself the dead-letter queue/)]);
  });
});
