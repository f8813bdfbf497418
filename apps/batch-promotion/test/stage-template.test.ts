import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { Template, Match } from 'aws-cdk-lib/assertions';
import { inlineDefinition, renderForCloudFormation, batchInferencePipeline, Placeholder } from '@sagemaker-mlops/pipelines';
import { createTestApp, DUMMY_ACCOUNTS, DUMMY_REGION, expectCfnLintClean, expectNoGuardFindings, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { BatchStageStack, PIPELINE_STAGE_PARAMETERS } from '../src/stage/batch-stage-stack';

const RELEASE_BUCKET = `p-abc123def456-dev-artifacts-${DUMMY_ACCOUNTS.tooling}`;

function stageStack(extra: Partial<ConstructorParameters<typeof BatchStageStack>[2]> = {}) {
  const app = createTestApp();
  const stack = new BatchStageStack(app, 'Stage', {
    projectName: 'abalone',
    projectId: 'p-abc123def456',
    stageNames: ['preprod', 'prod'],
    devAccount: DUMMY_ACCOUNTS.tooling,
    devRegion: DUMMY_REGION,
    releaseBucketName: RELEASE_BUCKET,
    modelPackageGroupName: 'abalone-p-abc123def456',
    ...extra,
  });
  return { app, stack, template: Template.fromStack(stack) };
}

const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });

describe('the stage template (pre-prod and prod)', () => {
  const { app, stack, template } = stageStack();
  const json = template.toJSON();

  it('is parameterized: the stage, the definition key, every stage value of the pipeline, the schedule, no bootstrap', () => {
    expect(Object.keys(json.Parameters).sort()).toEqual(
      ['StageName', 'PipelineDefinitionKey', ...PIPELINE_STAGE_PARAMETERS, 'InputDataBucket', 'BatchDataBucket', 'ScheduleExpression', 'CreateModelPackageGroup'].sort(),
    );
    expect(json.Parameters.StageName.AllowedValues).toEqual(['preprod', 'prod']);
    expect(json.Rules).toBeUndefined();
    expect(JSON.stringify(json)).not.toContain('cdk-hnb659fds-assets');
  });

  it('creates the SageMaker pipeline <name>-<id>-<stage>-pipeline from the rendered definition in the dev bucket', () => {
    template.hasResourceProperties('AWS::SageMaker::Pipeline', {
      PipelineName: join('abalone-p-abc123def456-', { Ref: 'StageName' }, '-pipeline'),
      PipelineDefinition: { PipelineDefinitionS3Location: { Bucket: RELEASE_BUCKET, Key: { Ref: 'PipelineDefinitionKey' } } },
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ExecutionRole'), 'Arn'] },
    });
  });

  it('schedules the pipeline with every stage parameter, through a role that may only start this pipeline', () => {
    const [rule] = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rule.Properties.ScheduleExpression).toEqual({ Ref: 'ScheduleExpression' });
    const [target] = rule.Properties.Targets;
    expect(target.SageMakerPipelineParameters.PipelineParameterList).toEqual(PIPELINE_STAGE_PARAMETERS.map((name) => ({ Name: name, Value: { Ref: name } })));
    expect(target.SageMakerPipelineParameters.PipelineParameterList.map((p: { Name: string }) => p.Name)).toEqual(expect.arrayContaining(['BatchDataUrl', 'InputDataUrl']));
    expect(target.DeadLetterConfig.Arn['Fn::GetAtt'][0]).toMatch(/^ScheduleDeadLetters/);
    const roleId = target.RoleArn['Fn::GetAtt'][0];
    const role = json.Resources[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' } })]);
    expect(role.Properties.Policies).toEqual([
      {
        PolicyName: 'StartPipeline',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'StartThisPipeline', Effect: 'Allow', Action: 'sagemaker:StartPipelineExecution', Resource: target.Arn }],
        },
      },
    ]);
    expect(JSON.stringify(target.Arn)).toContain(':pipeline/abalone-p-abc123def456-');
    // No other policy is attached to the schedule role.
    expect(Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))).toEqual([]);
  });

  it('gives the execution role what the jobs need, PassRole on itself only, and no managed policies', () => {
    const [[roleId, role]] = Object.entries(template.findResources('AWS::IAM::Role')).filter(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('sagemaker.amazonaws.com'));
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId));
    const statements = policy.Properties.PolicyDocument.Statement as Array<{ Sid: string; Action: string | string[]; Resource: unknown; Condition?: unknown }>;
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.PassRoleToSageMakerJobs).toEqual({
      Sid: 'PassRoleToSageMakerJobs',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: join('arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/abalone-p-abc123def456-', { Ref: 'StageName' }, '-sm-execution'),
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    expect(bySid.RunPipelineJobs.Action).toEqual(expect.arrayContaining(['sagemaker:CreateProcessingJob', 'sagemaker:CreateTrainingJob', 'sagemaker:CreateTransformJob']));
    expect(bySid.RegisterModelVersions.Action).toContain('sagemaker:CreateModelPackage');
    expect(JSON.stringify(bySid.RegisterModelVersions.Resource)).toContain('model-package-group/abalone-p-abc123def456');
    expect(bySid.ReadPromotedCode).toMatchObject({ Action: 's3:GetObject', Condition: { StringEquals: { 's3:ResourceAccount': DUMMY_ACCOUNTS.tooling } } });
    // Only the code: the definition is read by CloudFormation's role (the type's handler permissions).
    expect(JSON.stringify(bySid.ReadPromotedCode.Resource)).toMatch(new RegExp(`:s3:::${RELEASE_BUCKET}/releases/code/\\*"`));
    expect(JSON.stringify(bySid.ReadInputData.Resource)).toContain('InputDataBucket');
    expect(JSON.stringify(bySid.ReadInputData.Resource)).toContain('BatchDataBucket');
    const actions = statements.flatMap((s) => ([] as string[]).concat(s.Action));
    expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
    expect(actions).not.toContain('sagemaker:CreateModelPackageGroup');
  });

  it('builds the seed\'s dashboard: executions succeeded and failed over 7 days, duration in minutes, schedule invocations', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboard.Properties.DashboardName).toEqual(join('abalone-p-abc123def456-', { Ref: 'StageName' }, '-dashboard'));
    const body = JSON.stringify(stack.resolve(dashboard.Properties.DashboardBody));
    for (const metric of ['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionDuration', 'Invocations', 'FailedInvocations']) expect(body).toContain(metric);
    expect(body).toContain('AWS/Sagemaker/ModelBuildingPipeline');
    expect(body).toContain('m1/60000');
    expect(body).toContain('604800');
    expect(body).toContain('AWS/Events');
  });

  it('alarms on a failed execution into a KMS-encrypted topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Sagemaker/ModelBuildingPipeline',
      MetricName: 'ExecutionFailed',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
  });

  it('encrypts the artifacts with a rotating key, retains them and the model package group, which it creates on request', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResource('AWS::S3::Bucket', {
      Properties: { BucketName: join('p-abc123def456-', { Ref: 'StageName' }, '-artifacts-', { Ref: 'AWS::AccountId' }), VersioningConfiguration: { Status: 'Enabled' } },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::SageMaker::ModelPackageGroup', {
      Properties: { ModelPackageGroupName: 'abalone-p-abc123def456' },
      DeletionPolicy: 'Retain',
      Condition: 'CreatesModelPackageGroup',
    });
    const { template: destroyed } = stageStack({ retainOnDelete: false });
    destroyed.hasResource('AWS::SageMaker::ModelPackageGroup', { DeletionPolicy: 'Delete' });
  });

  it('tags its resources with the project and the stage (Environment)', () => {
    const tags = template.findResources('AWS::SageMaker::Pipeline');
    expect(Object.values(tags)[0].Properties.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'sagemaker:project-name', Value: 'abalone' },
        { Key: 'sagemaker:project-id', Value: 'p-abc123def456' },
        { Key: 'Environment', Value: { Ref: 'StageName' } },
      ]),
    );
  });

  it('is cdk-nag AwsSolutions clean', () => expectNoNagFindings(stack));
  it('passes every Control Tower control or acknowledges it on one resource', () => expectNoGuardFindings(app));
  it('is cfn-lint clean in the stage regions', async () => {
    await expectCfnLintClean(stack, [DUMMY_REGION, 'us-east-1']);
  });
});

describe('the stage template with the VPC as SSM parameter names', () => {
  const names = { subnetIds: '/mlops/vpc/private-subnet-ids', securityGroupIds: '/mlops/vpc/sagemaker-sg-ids' };
  const { app, stack, template } = stageStack({ vpcParameterNames: names });
  const json = template.toJSON();

  it('declares SSM-typed list parameters whose defaults are the configured names ("Reference existing resources and Systems Manager parameters with CloudFormation-supplied parameter types")', () => {
    expect(json.Parameters.VpcSubnetIds).toMatchObject({ Type: 'AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>', Default: names.subnetIds });
    expect(json.Parameters.VpcSecurityGroupIds).toMatchObject({ Type: 'AWS::SSM::Parameter::Value<List<AWS::EC2::SecurityGroup::Id>>', Default: names.securityGroupIds });
    // No name is derived from the stage (the reference read /{env}/sagemaker-domain-sg).
    expect(JSON.stringify(json.Parameters)).not.toMatch(/StageName.*sagemaker-domain/);
  });

  it('lets the execution role create network interfaces only in the resolved subnets and security groups', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const exact = statements.find((s: any) => s.Sid === 'CreateNetworkInterfacesInTheVpc');
    expect(exact.Action).toBe('ec2:CreateNetworkInterface');
    const resource = JSON.stringify(exact.Resource);
    expect(exact.Resource['Fn::Split'][0]).toBe(',');
    expect(resource).toContain('{"Ref":"VpcSubnetIds"}');
    expect(resource).toContain('{"Ref":"VpcSecurityGroupIds"}');
    // Fn::Join's delimiter is a literal: the ids are exact, partition, region and account open (a RAM-shared subnet
    // belongs to another account anyway).
    expect(resource).toContain('"arn:*:ec2:*:*:subnet/",{"Fn::Join":[",arn:*:ec2:*:*:subnet/",{"Ref":"VpcSubnetIds"}]}');
    expect(resource).toContain('"arn:*:ec2:*:*:security-group/",{"Fn::Join":[",arn:*:ec2:*:*:security-group/",{"Ref":"VpcSecurityGroupIds"}]}');
    expect(statements.find((s: any) => s.Sid === 'ManageNetworkInterfaces').Action).toContain('ec2:DeleteNetworkInterface');
  });

  it('has no EC2 permissions without a VPC', () => {
    const { template: plain } = stageStack();
    expect(JSON.stringify(plain.findResources('AWS::IAM::Policy'))).not.toContain('ec2:');
  });

  it('is cdk-nag AwsSolutions clean', () => expectNoNagFindings(stack));
  it('passes every Control Tower control or acknowledges it on one resource', () => expectNoGuardFindings(app));

  it('is cfn-lint clean in the stage regions, as synthesized and with the definition inlined by the Build step', async () => {
    await expectCfnLintClean(stack, [DUMMY_REGION, 'us-east-1']);
    // What the Build step deploys: the same template, the definition inlined over the resolved VPC lists.
    const vpcPlaceholders = { subnets: [Placeholder.of('VpcSubnetIds').toString()], securityGroupIds: [Placeholder.of('VpcSecurityGroupIds').toString()] };
    const pipeline = batchInferencePipeline({ name: 'abalone-p-abc123def456-preprod-pipeline', region: DUMMY_REGION, vpc: vpcPlaceholders, codePrefix: Placeholder.of('CodePrefix') });
    const joined = (p: string) => ({ 'Fn::Join': ['","', { Ref: p }] });
    const sub = renderForCloudFormation(pipeline, {
      SageMakerRoleArn: `arn:aws:iam::${DUMMY_ACCOUNTS.staging}:role/abalone-p-abc123def456-preprod-sm-execution`,
      ArtifactBucket: `p-abc123def456-preprod-artifacts-${DUMMY_ACCOUNTS.staging}`,
      ModelPackageGroupName: 'abalone-p-abc123def456',
      CodePrefix: `s3://${RELEASE_BUCKET}/releases/code/0123456789abcdef`,
      VpcSubnetIds: joined('VpcSubnetIds'),
      VpcSecurityGroupIds: joined('VpcSecurityGroupIds'),
    });
    const inlined = inlineDefinition(JSON.stringify(json), sub);
    if (!('template' in inlined)) throw new Error(inlined.problem);
    expect(inlined.removedParameters).toEqual(['PipelineDefinitionKey']);
    const parsed = JSON.parse(inlined.template);
    const [pipelineResource] = Object.values(parsed.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::SageMaker::Pipeline');
    expect(pipelineResource.Properties.PipelineDefinition).toEqual({ PipelineDefinitionBody: sub });
    const dir = mkdtempSync(joinPath(tmpdir(), 'inlined-stage-'));
    writeFileSync(joinPath(dir, 'manifest.json'), '{}');
    writeFileSync(joinPath(dir, 'StageInlined.template.json'), inlined.template);
    await expectCfnLintClean(dir, [DUMMY_REGION, 'us-east-1']);
  });
});
