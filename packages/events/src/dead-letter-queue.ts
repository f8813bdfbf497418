import { Duration, Names, Stack, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  /**
   * Key that encrypts the messages. {@link DeadLetterQueue.allowDeliveriesFrom} lets EventBridge use it
   * for each rule that dead-letters here, and for nothing else.
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
 *
 * EventBridge writes to a dead-letter queue with its own service principal, so the queue policy (and
 * the key policy of an SSE-KMS queue) must allow `events.amazonaws.com`, limited to the rule by
 * `aws:SourceArn` ("Using dead-letter queues to process undelivered events", Amazon EventBridge User
 * Guide, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html). Some CDK targets add
 * the queue statement themselves, `targets.CodePipeline` does not: call {@link allowDeliveriesFrom}
 * for every rule whose targets use this queue.
 */
export class DeadLetterQueue extends Construct {
  public readonly queue: sqs.Queue;
  private readonly encryptionKey?: kms.IKey;
  private readonly allowed = new Set<string>();

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps = {}) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.queue = new sqs.Queue(this, 'Resource', {
      encryption: props.encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
    });
    Validations.of(this.queue).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue; a DLQ of a DLQ only moves the problem.' },
      // The AWS Control Tower control CT.SQS.PR.1 (acknowledgeControl of @sagemaker-mlops/constructs, which this
      // package cannot import).
      {
        id: 'cdk-validator-cfnguard::sqs_dlq_check',
        reason: 'CT.SQS.PR.1: this queue is itself the dead-letter queue; a DLQ of a DLQ only moves the problem.',
      },
    );
  }

  /**
   * Lets EventBridge dead-letter the failed deliveries of `rule` into this queue: `sqs:SendMessage` for
   * `events.amazonaws.com` where `aws:SourceArn` is the rule's ARN, and, for a queue encrypted with a
   * customer managed key, `kms:GenerateDataKey`/`kms:Decrypt` on that key under the same condition.
   *
   * The key policy cannot reference the rule (the rule references the queue, the queue the key: a
   * circular dependency), so for an encrypted queue the rule must have a literal `ruleName`; its ARN
   * is then built from the name.
   *
   * @throws Error when the queue is encrypted with a key and the rule has no literal name.
   */
  public allowDeliveriesFrom(rule: events.Rule): void {
    const id = Names.nodeUniqueId(rule.node);
    if (this.allowed.has(id)) return;
    this.allowed.add(id);
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `EventBridgeDeadLetters${id}`.slice(0, 100),
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': events.CfnRule.arnForRule(rule) } },
      }),
    );
    if (!this.encryptionKey) return;
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `EventBridgeDeadLetters${id}`.slice(0, 100),
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        // What SQS calls on the sender's behalf for an SSE-KMS queue.
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        // In a key policy, "*" is the key itself.
        resources: ['*'],
        conditions: { ArnEquals: { 'aws:SourceArn': literalRuleArn(rule) } },
      }),
      true,
    );
  }
}

/** The rule's ARN built from its literal name (and event bus), without referencing the rule. */
function literalRuleArn(rule: events.Rule): string {
  const cfn = rule.node.defaultChild as events.CfnRule;
  if (cfn.name === undefined || Token.isUnresolved(cfn.name)) {
    throw new Error(
      `DeadLetterQueue.allowDeliveriesFrom: rule ${rule.node.path} needs a literal ruleName: the key policy of an encrypted ` +
        'dead-letter queue names the rule by ARN and cannot reference it (rule -> queue -> key -> rule would be circular).',
    );
  }
  const bus = cfn.eventBusName;
  // Rules on a custom bus have ARNs rule/<bus>/<name>, on the default bus rule/<name>. A bus name may be a
  // reference (a bus of the same stack): the bus does not depend on the key.
  const onCustomBus = bus !== undefined && bus !== 'default';
  return Stack.of(rule).formatArn({ service: 'events', resource: 'rule', resourceName: onCustomBus ? `${bus}/${cfn.name}` : cfn.name });
}
