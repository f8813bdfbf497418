import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { matchesEventPattern, sampleModelPackageStateChange } from '@sagemaker-mlops/events';
import { DUMMY_ACCOUNTS, DUMMY_REGION, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { PIPELINE_PARAMETERS, synth } from './fixtures';

const withBus = { ...PIPELINE_PARAMETERS, event_bus_name: 'mlops-registry' };

describe('promote pipeline stack', () => {
  const { app, stack } = synth(withBus);
  const template = Template.fromStack(stack);

  it('is named <project>-<deployment>-<module> as Seedfarmer expects', () => {
    expect(stack.stackName).toBe('mlops-test-promote-pipeline');
    expect(stack.account).toBe(DUMMY_ACCOUNTS.tooling);
  });

  it('triggers on Approved and Rejected packages of the source group from the source account only', () => {
    const pattern = new Capture();
    template.hasResourceProperties('AWS::Events::Rule', { EventBusName: 'mlops-registry', EventPattern: pattern });
    expect(pattern.asObject()).toEqual({
      source: ['aws.sagemaker'],
      'detail-type': ['SageMaker Model Package State Change'],
      account: [DUMMY_ACCOUNTS.source],
      detail: { ModelPackageGroupName: ['churn-model'], ModelApprovalStatus: ['Approved', 'Rejected'] },
    });
    const event = (over: Partial<Parameters<typeof sampleModelPackageStateChange>[0]>) =>
      sampleModelPackageStateChange({ account: DUMMY_ACCOUNTS.source, region: DUMMY_REGION, groupName: 'churn-model', status: 'Approved', ...over });
    expect(matchesEventPattern(pattern.asObject(), event({ status: 'Approved' }))).toBe(true);
    expect(matchesEventPattern(pattern.asObject(), event({ status: 'Rejected' }))).toBe(true);
    expect(matchesEventPattern(pattern.asObject(), event({ status: 'PendingManualApproval' }))).toBe(false);
    expect(matchesEventPattern(pattern.asObject(), event({ groupName: 'other-model' }))).toBe(false);
    expect(matchesEventPattern(pattern.asObject(), event({ account: DUMMY_ACCOUNTS.prod }))).toBe(false);
  });

  it('retries delivery and dead-letters what it cannot deliver', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: Match.anyValue() },
          RoleArn: Match.anyValue(),
        }),
      ],
    });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
  });

  it('queues executions so that two events in quick succession both run, in order', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', { PipelineType: 'V2', ExecutionMode: 'QUEUED' });
  });

  it('runs Source then Promote, with a source that never polls', () => {
    const stages = new Capture();
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', { Stages: stages });
    const value = stages.asArray();
    expect(value.map((s: any) => s.Name)).toEqual(['Source', 'Promote']);
    expect(value[0].Actions[0]).toMatchObject({ ActionTypeId: { Provider: 'S3' }, Configuration: { PollForSourceChanges: false } });
    expect(value[1].Actions[0]).toMatchObject({ ActionTypeId: { Provider: 'CodeBuild' } });
  });

  it('runs the bundled promote tool and installs nothing at run time', () => {
    const project = Object.values(template.findResources('AWS::CodeBuild::Project'))[0];
    const spec = JSON.parse(project.Properties.Source.BuildSpec);
    expect(spec.phases.build.commands).toEqual(['node ./index.cjs']);
    expect(JSON.stringify(spec)).not.toMatch(/npm|pip|cdk /);
    const vars = Object.fromEntries(project.Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));
    expect(vars).toMatchObject({
      SOURCE_MODEL_PACKAGE_GROUP_ARN: PIPELINE_PARAMETERS.source_model_package_group_arn,
      TARGET_BUCKET_NAME: 'mlops-model-artifacts-target',
      TARGET_MODEL_PACKAGE_GROUP_NAME: 'churn-model',
      PROMOTED_BY: 'mlops-test-promote-pipeline',
    });
  });

  it('reads only the one source group, and writes only the target group', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ReadSourceRegistry',
            Action: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:ListModelPackages', 'sagemaker:DescribeModelPackage'],
            Resource: [
              PIPELINE_PARAMETERS.source_model_package_group_arn,
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:${DUMMY_REGION}:${DUMMY_ACCOUNTS.source}:model-package/churn-model/*`]] },
            ],
          }),
          Match.objectLike({
            Sid: 'ReadSourceArtifacts',
            Resource: '*',
            Condition: { StringEquals: { 's3:ResourceAccount': DUMMY_ACCOUNTS.source } },
          }),
        ]),
      },
    });
    expect(policies).not.toContain('"Action":"*"');
    expect(policies).not.toMatch(/iam:PassRole/);
    // The pipeline assumes only its own action roles; nothing assumes CDK bootstrap roles.
    expect(policies).not.toMatch(/cdk-[a-z0-9*]+-(deploy|cfn-exec)/);
    const assumed = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) =>
      p.Properties.PolicyDocument.Statement.filter((s: any) => s.Action === 'sts:AssumeRole').map((s: any) => s.Resource),
    );
    for (const resource of assumed) expect(resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/ActionRole/), 'Arn'] });
  });

  it('may tag the target group it creates, but no model package version', () => {
    // A version of a group takes the group's tags: CreateModelPackage refuses Tags there (botocore's
    // sagemaker model, CreateModelPackageInput.Tags), so the promote tool never tags a version.
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const tagging = statements.filter((s: any) => [s.Action].flat().includes('sagemaker:AddTags'));
    expect(tagging).toEqual([
      expect.objectContaining({
        Sid: 'TagTargetGroup',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:model-package-group/churn-model`]] },
      }),
    ]);
  });

  it('may read the default encryption of the target bucket, and of no other bucket', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const reading = statements.filter((s: any) => [s.Action].flat().includes('s3:GetEncryptionConfiguration'));
    expect(reading).toEqual([
      expect.objectContaining({
        Sid: 'ReadTargetBucketEncryption',
        Action: 's3:GetEncryptionConfiguration',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${PIPELINE_PARAMETERS.target_bucket_name}`]] },
      }),
    ]);
  });

  it('outputs the pipeline and the rule, and all of them as Seedfarmer metadata', () => {
    for (const name of ['PipelineArn', 'PipelineName', 'EventRuleArn', 'EventRuleName', 'PromoteRoleArn', 'metadata']) template.hasOutput(name, {});
    const metadata = template.findOutputs('metadata').metadata.Value;
    expect(JSON.stringify(metadata)).toMatch(/PipelineArn.*PipelineName.*EventRuleArn.*EventRuleName/);
  });

  it('keeps promoted packages when the module is destroyed, by default', () => {
    template.hasResourceProperties('Custom::PromotionCleanup', {
      TargetModelPackageGroupName: 'churn-model',
      PromotedBy: 'mlops-test-promote-pipeline',
      RetainOnDelete: 'true',
    });
  });

  it('is cdk-nag AwsSolutions clean', () => {
    expectNoNagFindings(app);
  });
});

describe('promote pipeline stack without an event bus', () => {
  const { app, stack } = synth({ ...PIPELINE_PARAMETERS, retain_on_delete: 'False', target_model_package_group_name: 'churn-prod' });
  const template = Template.fromStack(stack);

  it('has no rule and no rule outputs', () => {
    template.resourceCountIs('AWS::Events::Rule', 0);
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(['PipelineArn', 'PipelineName', 'PromoteRoleArn', 'metadata']);
  });

  it('removes what it promoted when retain_on_delete is false', () => {
    template.hasResourceProperties('Custom::PromotionCleanup', { TargetModelPackageGroupName: 'churn-prod', RetainOnDelete: 'false' });
  });

  it('is cdk-nag AwsSolutions clean', () => {
    expectNoNagFindings(app);
  });
});

describe('promote pipeline stack with a KMS key, project tags and a permissions boundary', () => {
  const key = `arn:aws:kms:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const { stack } = synth({
    ...PIPELINE_PARAMETERS,
    kms_key_arn: key,
    sagemaker_project_id: 'p-abc123',
    sagemaker_project_name: 'churn',
    permissions_boundary_name: 'mlops-boundary',
  });
  const template = Template.fromStack(stack);

  it('encrypts copies with the key and lets the tool use it', () => {
    const project = Object.values(template.findResources('AWS::CodeBuild::Project'))[0];
    expect(project.Properties.Environment.EnvironmentVariables).toEqual(expect.arrayContaining([{ Name: 'KMS_KEY_ARN', Type: 'PLAINTEXT', Value: key }]));
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['kms:Decrypt', 'kms:Encrypt']), Resource: key })]) },
    });
  });

  it('tags resources with the SageMaker project', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Tags: Match.arrayWith([{ Key: 'sagemaker:project-id', Value: 'p-abc123' }, { Key: 'sagemaker:project-name', Value: 'churn' }]),
    });
  });

  it('puts every role under the permissions boundary', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) expect(JSON.stringify(role.Properties.PermissionsBoundary)).toContain('policy/mlops-boundary');
  });
});
