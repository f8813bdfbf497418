import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import { createTestApp, deadLetterTargets, dummyEnv, expectCfnLintClean, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { DeadLetterQueue } from '../src';

/** Two rules with CodePipeline targets (which add no queue policy of their own) dead-lettering into one queue. */
function pipelineRules(options: { key?: boolean; named?: boolean } = {}) {
  const app = createTestApp();
  const stack = new Stack(app, 'Test', { env: dummyEnv('tooling') });
  const key = options.key ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined;
  const dlq = new DeadLetterQueue(stack, 'Dlq', { encryptionKey: key });
  const pipeline = codepipeline.Pipeline.fromPipelineArn(stack, 'Pipeline', stack.formatArn({ service: 'codepipeline', resource: 'deploy' }));
  const rules = ['First', 'Second'].map(
    (id) =>
      new events.Rule(stack, id, {
        ruleName: options.named ? `deploy-${id.toLowerCase()}` : undefined,
        eventPattern: { source: ['aws.sagemaker'] },
        targets: [new targets.CodePipeline(pipeline, { deadLetterQueue: dlq.queue, retryAttempts: 2, maxEventAge: Duration.hours(1) })],
      }),
  );
  return { app, stack, dlq, rules };
}

/**
 * For every rule target with a dead-letter queue of this template, the queue policy statement that lets
 * EventBridge deliver there for exactly that rule (what EventBridge needs, eb-rule-dlq): the failed
 * deliveries that would land.
 */
function undeliverableDeadLetters(template: Record<string, any>): string[] {
  return deadLetterTargets(template)
    .filter((t) => !t.deliverable)
    .map((t) => `${t.ruleId} -> ${t.queueId}`);
}

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

  it('fails when EventBridge may not send the failed deliveries of a CodePipeline target: no queue policy without allowDeliveriesFrom', () => {
    // GIVEN rules whose CodePipeline targets use the queue, not yet allowed
    const { stack } = pipelineRules();

    // THEN nothing lets EventBridge deliver (CDK's CodePipeline target adds no queue statement)
    expect(undeliverableDeadLetters(Template.fromStack(stack).toJSON())).toHaveLength(2);
  });

  it('lets EventBridge send the failed deliveries of each rule, and only of that rule (aws:SourceArn, eb-rule-dlq)', () => {
    // GIVEN
    const { app, stack, dlq, rules } = pipelineRules();

    // WHEN
    for (const rule of rules) dlq.allowDeliveriesFrom(rule);
    dlq.allowDeliveriesFrom(rules[0]);

    // THEN
    const template = Template.fromStack(stack);
    expect(undeliverableDeadLetters(template.toJSON())).toEqual([]);
    const statements = template.findResources('AWS::SQS::QueuePolicy');
    const sends = Object.values(statements)[0].Properties.PolicyDocument.Statement.filter((s: any) => s.Action === 'sqs:SendMessage');
    expect(sends).toHaveLength(2);
    expectNoNagFindings(app);
  });

  it('lets EventBridge use the key of an encrypted queue for those rules only, without a circular dependency', async () => {
    // GIVEN
    const { stack, dlq, rules } = pipelineRules({ key: true, named: true });

    // WHEN
    for (const rule of rules) dlq.allowDeliveriesFrom(rule);

    // THEN the key policy names each rule by its ARN, built from the name (no reference to the rule)
    const template = Template.fromStack(stack);
    for (const name of ['deploy-first', 'deploy-second']) {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'events.amazonaws.com' },
              Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
              Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`:rule/${name}$`)])] } } },
            }),
          ]),
        },
      });
    }
    expect(JSON.stringify(template.findResources('AWS::KMS::Key'))).not.toMatch(/"Fn::GetAtt":\["(First|Second)|"Ref":"(First|Second)/);
    expect(undeliverableDeadLetters(template.toJSON())).toEqual([]);
    // cfn-lint reports circular dependencies (E3004), which CloudFormation would reject.
    await expectCfnLintClean(stack, ['eu-west-1']);
  });

  it('fails when the queue is encrypted and the rule has no literal name', () => {
    const { dlq, rules } = pipelineRules({ key: true });
    expect(() => dlq.allowDeliveriesFrom(rules[0])).toThrow(/needs a literal ruleName/);
  });
});
