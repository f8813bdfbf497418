import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { createTestApp, DUMMY_ACCOUNTS, dummyEnv } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { grantSageMakerPipelineExecution, grantSageMakerPipelineUpsert } from '../src';

const GROUP = 'churn-p-abc123';

function build() {
  const app = createTestApp();
  const stack = new Stack(app, 'Pipeline', { env: dummyEnv('tooling') });
  const execution = new iam.Role(stack, 'Execution', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const build = new iam.Role(stack, 'Build', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
  const group = { modelPackageGroupArn: stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: GROUP }), modelPackageGroupName: GROUP };
  const executionResources = grantSageMakerPipelineExecution(execution, group);
  const upsertResources = grantSageMakerPipelineUpsert(build, { ...group, pipelineName: 'churn-pipeline', executionRole: execution });
  return { stack, execution, build, executionResources, upsertResources, template: Template.fromStack(stack) };
}

/** `arn:<partition>:<service>:<region>:<account>:<rest>` as CDK renders it in a template. */
const arnOf = (service: string, rest: string, account: string = DUMMY_ACCOUNTS.tooling) =>
  ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:${dummyEnv('tooling').region}:${account}:${rest}`]] });

describe('grantSageMakerPipelineExecution', () => {
  it('lets the jobs run, register into the one group, log, pull images and pass the role only to SageMaker', () => {
    const { template, stack, execution } = build();
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(execution.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Sid: 'RunPipelineJobs',
            Action: Match.arrayWith(['sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreateTransformJob', 'sagemaker:CreateModel']),
            Resource: ['training-job', 'processing-job', 'transform-job', 'model'].map((r) => arnOf('sagemaker', `${r}/*`)),
          }),
          Match.objectLike({ Sid: 'RegisterIntoTheGroup', Action: Match.arrayWith(['sagemaker:CreateModelPackage']), Resource: [arnOf('sagemaker', `model-package-group/${GROUP}`), arnOf('sagemaker', `model-package/${GROUP}/*`)] }),
          Match.objectLike({ Sid: 'JobLogs', Resource: arnOf('logs', 'log-group:/aws/sagemaker/*') }),
          Match.objectLike({ Sid: 'PullImagesToken', Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
          Match.objectLike({ Sid: 'JobMetrics', Action: 'cloudwatch:PutMetricData', Condition: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } } }),
          Match.objectLike({ Sid: 'PullImages', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecr:${dummyEnv('tooling').region}:*:repository/*`]] } }),
          Match.objectLike({
            Sid: 'PassSelfToJobs',
            Action: 'iam:PassRole',
            Resource: { 'Fn::GetAtt': [stack.getLogicalId(execution.node.defaultChild as iam.CfnRole), 'Arn'] },
            Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
          }),
        ],
      },
    });
  });

  it('returns the wildcard resources it granted, for the caller\'s acknowledgements', () => {
    const { stack, executionResources } = build();
    expect(executionResources.jobs).toHaveLength(4);
    expect(stack.resolve(executionResources.modelPackages)).toEqual(arnOf('sagemaker', `model-package/${GROUP}/*`));
    expect(stack.resolve(executionResources.jobLogs)).toEqual(arnOf('logs', 'log-group:/aws/sagemaker/*'));
  });
});

describe('grantSageMakerPipelineUpsert', () => {
  it('lets the build upsert, start and watch the one pipeline, read the group and pass the execution role only to SageMaker', () => {
    const { template, stack, execution, build: buildRole, upsertResources } = build();
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(buildRole.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Sid: 'UpsertAndStartThePipeline',
            Action: Match.arrayWith(['sagemaker:CreatePipeline', 'sagemaker:UpdatePipeline', 'sagemaker:StartPipelineExecution']),
            Resource: [arnOf('sagemaker', 'pipeline/churn-pipeline'), arnOf('sagemaker', 'pipeline/churn-pipeline/execution/*')],
          }),
          Match.objectLike({ Sid: 'ReadTheGroup', Action: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:ListModelPackages', 'sagemaker:DescribeModelPackage'] }),
          Match.objectLike({
            Sid: 'PassExecutionRole',
            Action: 'iam:PassRole',
            Resource: { 'Fn::GetAtt': [stack.getLogicalId(execution.node.defaultChild as iam.CfnRole), 'Arn'] },
            Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
          }),
        ],
      },
    });
    expect(stack.resolve(upsertResources.executions)).toEqual(arnOf('sagemaker', 'pipeline/churn-pipeline/execution/*'));
  });
});
