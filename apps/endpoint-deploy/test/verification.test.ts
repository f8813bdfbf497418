import { Template } from 'aws-cdk-lib/assertions';
import { DUMMY_REGION, expectCfnLintClean, TARGET_REGIONS_METADATA_KEY } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { MULTI_ACCOUNT, synth } from './fixtures';

type Resources = Record<string, { Type: string; Properties: any }>;
const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const deployActions = (resources: Resources) => {
  const [[, pipeline]] = ofType(resources, 'AWS::CodePipeline::Pipeline');
  const stage = (name: string) => pipeline.Properties.Stages.find((s: any) => s.Name === name).Actions[0];
  return { staging: stage('DeployStaging'), prod: stage('DeployProd') };
};

describe('endpoint-deploy against what AWS enforces (issue 7)', () => {
  const { stack } = synth({ ...MULTI_ACCOUNT, approval_email_addresses: ['ml-approvers@example.com'] });
  const resources = Template.fromStack(stack).toJSON().Resources as Resources;

  it('lets EventBridge dead-letter the failed deliveries of each trigger rule, for that rule only (defect 10, eb-rule-dlq)', () => {
    const rules = ofType(resources, 'AWS::Events::Rule');
    expect(rules).toHaveLength(2);
    const [[, policy]] = ofType(resources, 'AWS::SQS::QueuePolicy');
    for (const [ruleId, rule] of rules) {
      const queueId = rule.Properties.Targets[0].DeadLetterConfig.Arn['Fn::GetAtt'][0];
      expect(policy.Properties.Queues).toEqual([{ Ref: queueId }]);
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
        }),
      );
    }
  });

  it('key policies trust events.amazonaws.com only for the named rules (defect 13a)', () => {
    // In template order, which follows the construct tree, not the order the rules matter in.
    const ruleNames = ofType(resources, 'AWS::Events::Rule').map(([, r]) => r.Properties.Name).sort();
    expect(ruleNames).toEqual(['churn-p-abc123def456-model-state', 'churn-p-abc123def456-repo-push']);
    const eventsStatements = ofType(resources, 'AWS::KMS::Key').flatMap(([, key]) =>
      key.Properties.KeyPolicy.Statement.filter((s: any) => JSON.stringify(s.Principal).includes('events.amazonaws.com')),
    );
    expect(eventsStatements).toHaveLength(2);
    const trusted = eventsStatements.map((statement: any) => {
      const sourceArn = JSON.stringify(statement.Condition.ArnEquals['aws:SourceArn']);
      expect(sourceArn).toMatch(new RegExp(`:events:${DUMMY_REGION}:\\d{12}:rule/[^"]+"`));
      return ruleNames.find((name) => sourceArn.includes(`:rule/${name}"`));
    });
    expect(trusted.sort()).toEqual(ruleNames);
  });

  it('replaces a failed staging stack, and only updates prod (defect 12)', () => {
    const { staging, prod } = deployActions(resources);
    expect(staging.Configuration.ActionMode).toBe('REPLACE_ON_FAILURE');
    expect(prod.Configuration.ActionMode).toBe('CREATE_UPDATE');
  });

  it('passes the CloudFormation execution role as a literal ARN (cfn-lint E3703 rejects the Fn::Join of a partition reference)', () => {
    const { staging, prod } = deployActions(resources);
    for (const action of [staging, prod]) expect(action.Configuration.RoleArn).toMatch(/^arn:aws:iam::\d{12}:role\/cdk-hnb659fds-cfn-exec-role-\d{12}-/);
  });

  it('records every stage region for the cfn-lint gate', () => {
    const { stack: crossRegion } = synth({ ...MULTI_ACCOUNT, staging_region: 'us-east-2', prod_region: 'ap-southeast-2' });
    expect(Template.fromStack(crossRegion).toJSON().Metadata[TARGET_REGIONS_METADATA_KEY]).toEqual(['ap-southeast-2', DUMMY_REGION, 'us-east-2'].sort());
  });

  it('is clean under cfn-lint in the module region and every stage region, nested template included', async () => {
    const { stack: crossRegion } = synth({
      ...MULTI_ACCOUNT,
      staging_region: 'us-east-2',
      prod_region: 'ap-southeast-2',
      autoscaling_min_capacity: 2,
      autoscaling_max_capacity: 4,
      autoscaling_target_invocations: 200,
    });
    const result = await expectCfnLintClean(crossRegion);
    if (!result.skipped) {
      expect(result.regions).toEqual(['ap-southeast-2', DUMMY_REGION, 'us-east-2'].sort());
      expect(result.templates.some((t) => /assembly-.*EndpointTemplate/.test(t))).toBe(true);
    }
  });
});
