import { Template } from 'aws-cdk-lib/assertions';
import { DUMMY_ACCOUNTS, DUMMY_REGION, expectCfnLintClean } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { PIPELINE_PARAMETERS, synth, TARGET_BUS_ARN } from './fixtures';

type Resources = Record<string, { Type: string; Properties: any }>;
const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('promote pipeline against what AWS enforces (issue 7)', () => {
  const { stack } = synth({ ...PIPELINE_PARAMETERS, event_bus_name: 'mlops-registry' });
  const resources = Template.fromStack(stack).toJSON().Resources as Resources;
  const [[ruleId, rule]] = ofType(resources, 'AWS::Events::Rule');

  it('lets EventBridge dead-letter the failed deliveries of the rule, for that rule only (defect 10, eb-rule-dlq)', () => {
    const queueId = rule.Properties.Targets[0].DeadLetterConfig.Arn['Fn::GetAtt'][0];
    const policies = ofType(resources, 'AWS::SQS::QueuePolicy').filter(([, p]) => p.Properties.Queues.some((q: any) => q.Ref === queueId));
    expect(policies).toHaveLength(1);
    expect(policies[0][1].Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
      }),
    );
  });

  it('the key policy trusts events.amazonaws.com only for the rule, by its ARN on the bus (defect 13a)', () => {
    const name = rule.Properties.Name as string;
    expect(name).toMatch(/^[-_.A-Za-z0-9]{1,64}$/);
    const statements = ofType(resources, 'AWS::KMS::Key').flatMap(([, key]) =>
      key.Properties.KeyPolicy.Statement.filter((s: any) => JSON.stringify(s.Principal).includes('events.amazonaws.com')),
    );
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toEqual(['kms:GenerateDataKey', 'kms:Decrypt']);
    expect(JSON.stringify(statements[0].Condition.ArnEquals['aws:SourceArn'])).toMatch(
      new RegExp(`:events:${DUMMY_REGION}:\\d{12}:rule/mlops-registry/${name}"`),
    );
  });
});

describe('every component is clean under cfn-lint in its region', () => {
  it.each([
    ['pipeline', { ...PIPELINE_PARAMETERS, event_bus_name: 'mlops-registry' }, undefined],
    ['event-bus', { component: 'event-bus', event_bus_name: 'mlops-registry', source_accounts: [DUMMY_ACCOUNTS.source] }, undefined],
    [
      'source-account',
      { component: 'source-account', model_package_group_name: 'churn-model', target_accounts: [DUMMY_ACCOUNTS.tooling], target_event_bus_arn: TARGET_BUS_ARN },
      DUMMY_ACCOUNTS.source,
    ],
  ] as const)('%s', async (_component, parameters, account) => {
    const { stack } = synth(parameters, account);
    const result = await expectCfnLintClean(stack);
    if (!result.skipped) expect(result.regions).toEqual([DUMMY_REGION]);
  });
});
