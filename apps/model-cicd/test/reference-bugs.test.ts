import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PARAMETERS, synth } from './fixtures';

// anchors §2.5: each of the reference's defects, as the behaviour that replaces it.
describe('reference defects, fixed', () => {
  const { stack } = synth({
    ...PARAMETERS,
    approval_email_addresses: ['ml-approvers@example.com'],
    vpc_subnet_ids_parameter: '/network/private-subnet-ids',
    vpc_security_group_ids_parameter: '/network/endpoint-sg-ids',
  });
  const stage = stack.stages[1];
  const all = [stack, ...stack.stages.flatMap((s) => [s.pipelines, s.buildAccount])].map((s) => Template.fromStack(s));

  it('1. has no Lambda trigger at all (the reference\'s handler(event) fails every invocation): the rule targets the pipeline', () => {
    for (const template of all) template.resourceCountIs('AWS::Lambda::Function', 0);
    const pipelineId = stage.pipelines.getLogicalId(stage.pipelines.deployPipeline.node.defaultChild as never);
    const rules = Object.values(Template.fromStack(stage.pipelines).findResources('AWS::Events::Rule'));
    const trigger = rules.find((r) => JSON.stringify(r.Properties.Targets).includes(pipelineId));
    expect(trigger?.Properties.EventPattern.detail.ModelApprovalStatus).toEqual(['Approved', 'Rejected']);
  });

  it('9. encrypts every SNS topic with KMS and has no SageMaker full-access policy', () => {
    const topics = all.flatMap((t) => Object.values(t.findResources('AWS::SNS::Topic')));
    expect(topics.length).toBeGreaterThan(0);
    for (const topic of topics) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    for (const template of all) expect(JSON.stringify(template.toJSON())).not.toContain('AmazonSageMakerFullAccess');
  });

  it('10. takes the endpoint VPC from the configured SSM parameter names, not undocumented fixed ones', () => {
    const endpoint = JSON.stringify(Template.fromStack(stage.pipelines.template.endpointStack).toJSON());
    expect(endpoint).toContain('/network/private-subnet-ids');
    expect(endpoint).toContain('/network/endpoint-sg-ids');
    expect(endpoint).not.toMatch(/\/vpc\/subnets\/private\/ids|\/vpc\/sg\/id/);
  });

  it('6. destroys the model artifacts only when retain_on_delete is false', () => {
    const { stack: destroying } = synth({ ...PARAMETERS, retain_on_delete: false });
    Template.fromStack(destroying.stages[1].buildAccount).hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Delete',
      Properties: { BucketName: destroying.config.groups[1].names.artifactsBucket },
    });
  });
});
