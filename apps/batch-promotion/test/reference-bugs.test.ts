import { Template } from 'aws-cdk-lib/assertions';
import { batchInferencePipeline } from '@sagemaker-mlops/pipelines';
import { describe, expect, it } from 'vitest';
import { MULTI_ACCOUNT, synth } from './fixtures';

/**
 * The reference's defects (anchors §3.5) that the other test files do not already show: #2 (URLs), #3 (side effects),
 * #7 (wait helper) and #8 (retraining) are in packages/pipelines/test/pipeline-promotion and test/seed.test.ts, #5 in
 * test/seed.test.ts, #6 and #9 in test/stage-template.test.ts.
 */
describe('reference defects', () => {
  const VPC = { vpc_subnet_ids: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], vpc_security_group_ids: ['sg-0123456789abcdef0'] };

  it('#1: reads no SSM parameter by a derived name; the VPC ids of the configuration reach the definition and the stage role', () => {
    const { stack } = synth({ ...MULTI_ACCOUNT, ...VPC });
    const stage = Template.fromStack(stack.template.stageStack).toJSON();
    expect(JSON.stringify(stage)).not.toMatch(/AWS::SSM::Parameter|sagemaker-domain-sg|private-subnets-ids/);
    const create = Object.values(stage.Resources as Record<string, any>)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .find((s: any) => s.Sid === 'CreateNetworkInterfacesInTheVpc');
    expect(JSON.stringify(create.Resource)).toContain(':subnet/subnet-0123456789abcdef1');
    const build = Template.fromStack(stack).findResources('AWS::CodeBuild::Project');
    expect(JSON.stringify(build)).toContain('subnet-0123456789abcdef0');
  });

  it('#4: registers the model awaiting approval, not auto-Approved', () => {
    const definition = batchInferencePipeline({ region: 'eu-west-1' }).definition() as unknown as { Parameters: Array<{ Name: string; DefaultValue?: unknown }> };
    expect(definition.Parameters.find((p) => p.Name === 'ModelApprovalStatus')?.DefaultValue).toBe('PendingManualApproval');
  });

  it('#9: the schedule runs as its own role, not as the SageMaker execution role', () => {
    const { stack } = synth(MULTI_ACCOUNT);
    const stage = Template.fromStack(stack.template.stageStack);
    const [rule] = Object.values(stage.findResources('AWS::Events::Rule'));
    expect(rule.Properties.Targets[0].RoleArn['Fn::GetAtt'][0]).toMatch(/^ScheduleRole/);
  });
});
