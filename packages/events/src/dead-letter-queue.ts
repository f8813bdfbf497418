import { Duration, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  /**
   * Key that encrypts the messages; EventBridge must be allowed to use it.
   *
   * @default - SQS-managed encryption (SSE-SQS): EventBridge cannot send to a queue encrypted with the
   * AWS managed key alias/aws/sqs
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long undelivered events are kept for inspection and redrive.
   *
   * @default Duration.days(14)
   */
  readonly retentionPeriod?: Duration;
}

/**
 * An encrypted, TLS-only SQS queue that holds events a rule target could not receive.
 */
export class DeadLetterQueue extends Construct {
  public readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps = {}) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Resource', {
      encryption: props.encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue; a DLQ of a DLQ only moves the problem.',
    });
  }
}
