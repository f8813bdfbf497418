import { App, Duration, Stack, aws_events as events, aws_sqs as sqs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  CrossAccountEventBus,
  EventForwardingRule,
  allowPutEventsFrom,
  matchesEventPattern,
  modelPackageStateChange,
  sampleModelPackageStateChange,
} from '../src';
import { createTestApp, DUMMY_ACCOUNTS, expectNoNagFindings } from '@sagemaker-mlops/test-utils';

const SOURCE = DUMMY_ACCOUNTS.source;
const TARGET = DUMMY_ACCOUNTS.tooling;
const OTHER_SOURCE = DUMMY_ACCOUNTS.staging;
const REGION = 'eu-west-1';
const TARGET_BUS_ARN = `arn:aws:events:${REGION}:${TARGET}:event-bus/mlops-model-events`;

function newStack(app = new App()): Stack {
  return new Stack(app, 'Stack', { env: { account: SOURCE, region: REGION } });
}

function forward(stack: Stack, overrides: Partial<ConstructorParameters<typeof EventForwardingRule>[2]> = {}) {
  return new EventForwardingRule(stack, 'Forward', {
    eventPattern: modelPackageStateChange({ groupNames: ['churn-model'], statuses: { include: ['Approved', 'Rejected'] } }),
    targetEventBusArn: TARGET_BUS_ARN,
    ...overrides,
  });
}

describe('EventForwardingRule', () => {
  it('targets the bus with the role, a retry policy and the dead-letter queue', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    forward(stack);
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.sagemaker'],
        'detail-type': ['SageMaker Model Package State Change'],
        detail: { ModelPackageGroupName: ['churn-model'], ModelApprovalStatus: ['Approved', 'Rejected'] },
      },
      Targets: [
        {
          Arn: TARGET_BUS_ARN,
          Id: 'Target0',
          RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ForwardRole'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ForwardDeadLetterQueue'), 'Arn'] } },
        },
      ],
    });
  });

  it('lets the role do nothing but events:PutEvents on that one bus', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    forward(stack);
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: TARGET_BUS_ARN }],
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': SOURCE } },
          },
        ],
      },
      ManagedPolicyArns: Match.absent(),
    });
  });

  it('creates an encrypted, TLS-only dead-letter queue that only the rule may write to', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    forward(stack);
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^ForwardRule'), 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it('uses the given queue, retry policy, bus, name and description', () => {
    // GIVEN
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'SharedDlq', { enforceSSL: true });
    const bus = new events.EventBus(stack, 'LocalBus', { eventBusName: 'local' });
    // WHEN
    const forwarding = forward(stack, {
      deadLetterQueue: queue,
      retryAttempts: 10,
      maxEventAge: Duration.hours(2),
      eventBus: bus,
      ruleName: 'forward-model-approvals',
      description: 'Forwards model approvals to the shared account',
    });
    // THEN
    expect(forwarding.deadLetterQueue).toBe(queue);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'forward-model-approvals',
      Description: 'Forwards model approvals to the shared account',
      EventBusName: { Ref: Match.stringLikeRegexp('^LocalBus') },
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SharedDlq'), 'Arn'] } },
        }),
      ],
    });
  });

  it('deploys a pattern that matches the events it is meant to forward', () => {
    // GIVEN
    const stack = newStack();
    forward(stack);
    const rule = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0];
    const pattern = rule.Properties.EventPattern as object;
    const event = (status: 'Approved' | 'PendingManualApproval') =>
      sampleModelPackageStateChange({ account: SOURCE, region: REGION, groupName: 'churn-model', status });
    // WHEN / THEN
    expect(matchesEventPattern(pattern, event('Approved'))).toBe(true);
    expect(matchesEventPattern(pattern, event('PendingManualApproval'))).toBe(false);
  });

  it('has no cdk-nag AwsSolutions findings', () => {
    // GIVEN
    const app = createTestApp();
    forward(newStack(app));
    // WHEN / THEN
    expectNoNagFindings(app);
  });

  it.each([
    ['retryAttempts is above 185', { retryAttempts: 186 }, /retryAttempts must be an integer from 0 to 185, received 186/],
    ['retryAttempts is negative', { retryAttempts: -1 }, /retryAttempts must be an integer/],
    ['retryAttempts is fractional', { retryAttempts: 1.5 }, /retryAttempts must be an integer/],
    ['maxEventAge is under a minute', { maxEventAge: Duration.seconds(30) }, /maxEventAge must be between 60 seconds and 24 hours/],
    ['maxEventAge is over a day', { maxEventAge: Duration.hours(25) }, /maxEventAge must be between/],
    ['targetEventBusArn is not a bus ARN', { targetEventBusArn: 'mlops-model-events' }, /targetEventBusArn must be an event bus ARN/],
  ])('fails when %s', (_name, overrides, message) => {
    expect(() => forward(newStack(), overrides)).toThrow(message);
  });
});

describe('CrossAccountEventBus', () => {
  function targetStack(app = new App()): Stack {
    return new Stack(app, 'Target', { env: { account: TARGET, region: REGION } });
  }

  it('creates the bus with one PutEvents statement per source account', () => {
    // GIVEN
    const stack = targetStack();
    // WHEN
    new CrossAccountEventBus(stack, 'Bus', { eventBusName: 'mlops-model-events', sourceAccounts: [SOURCE, OTHER_SOURCE] });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'mlops-model-events' });
    template.resourceCountIs('AWS::Events::EventBusPolicy', 2);
    for (const account of [SOURCE, OTHER_SOURCE]) {
      template.hasResourceProperties('AWS::Events::EventBusPolicy', {
        EventBusName: { Ref: Match.stringLikeRegexp('^BusEventBus') },
        Statement: {
          Sid: `cdk-AllowPutEventsFrom${account}`,
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]] } },
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BusEventBus'), 'Arn'] },
        },
      });
    }
    template.resourceCountIs('AWS::Events::Archive', 0);
  });

  it('archives the forwarded events when archiveRetention is set', () => {
    // GIVEN
    const stack = targetStack();
    // WHEN
    const bus = new CrossAccountEventBus(stack, 'Bus', {
      eventBusName: 'mlops-model-events',
      sourceAccounts: [SOURCE],
      archiveRetention: Duration.days(30),
    });
    // THEN
    expect(bus.archive).toBeDefined();
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: 30,
      EventPattern: { account: [SOURCE] },
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BusEventBus'), 'Arn'] },
    });
  });

  it('has no cdk-nag AwsSolutions findings', () => {
    // GIVEN
    const app = createTestApp();
    new CrossAccountEventBus(targetStack(app), 'Bus', { eventBusName: 'mlops-model-events', sourceAccounts: [SOURCE] });
    // WHEN / THEN
    expectNoNagFindings(app);
  });

  it.each([
    ['sourceAccounts is empty', [], /sourceAccounts must not be empty/],
    ['an account is listed twice', [SOURCE, SOURCE], new RegExp(`lists \\["${SOURCE}"\\] more than once`)],
    ['an account id is malformed', ['12345'], /12-digit AWS account ids/],
  ])('fails when %s', (_name, sourceAccounts, message) => {
    expect(() => new CrossAccountEventBus(targetStack(), 'Bus', { eventBusName: 'b', sourceAccounts })).toThrow(message);
  });
});

describe('allowPutEventsFrom', () => {
  it('adds one bus policy statement per account to an existing bus', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Target', { env: { account: TARGET, region: REGION } });
    const bus = events.EventBus.fromEventBusName(stack, 'Existing', 'existing-bus');
    // WHEN
    const policies = allowPutEventsFrom(bus, [SOURCE, OTHER_SOURCE]);
    // THEN
    expect(policies).toHaveLength(2);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::EventBusPolicy', 2);
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      EventBusName: 'existing-bus',
      StatementId: `AllowPutEventsFrom${OTHER_SOURCE}`,
      Statement: {
        Sid: `AllowPutEventsFrom${OTHER_SOURCE}`,
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${OTHER_SOURCE}:root`]] } },
        Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':event-bus/existing-bus$')])] },
      },
    });
  });

  it('fails when sourceAccounts is empty', () => {
    const stack = new Stack(new App(), 'Target', { env: { account: TARGET, region: REGION } });
    const bus = events.EventBus.fromEventBusName(stack, 'Existing', 'existing-bus');
    expect(() => allowPutEventsFrom(bus, [])).toThrow(/allowPutEventsFrom: sourceAccounts must not be empty/);
  });
});
