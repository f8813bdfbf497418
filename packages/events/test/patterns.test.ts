import { DUMMY_ACCOUNTS } from '@sagemaker-mlops/test-utils';
import { App, Stack, aws_codepipeline as codepipeline, aws_codepipeline_actions as actions, aws_s3 as s3 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  codeCommitBranchPush,
  gitPushTrigger,
  matchesEventPattern,
  modelPackageStateChange,
  pipelineExecutionStateChange,
  renderEventPattern,
  sageMakerPipelineExecutionStatusChange,
  sampleCodeCommitReferenceUpdated,
  sampleModelPackageStateChange,
  samplePipelineExecutionStateChange,
  sampleSageMakerPipelineExecutionStatusChange,
  schedule,
} from '../src';
import type { ModelApprovalStatus } from '../src';

const DEV = DUMMY_ACCOUNTS.source;
const SHARED = DUMMY_ACCOUNTS.tooling;
const REGION = 'eu-west-1';
const REPOSITORY_ARN = `arn:aws:codecommit:${REGION}:${DEV}:model-build`;

function modelEvent(status: ModelApprovalStatus, overrides: { account?: string; groupName?: string } = {}) {
  return sampleModelPackageStateChange({
    account: overrides.account ?? DEV,
    region: REGION,
    groupName: overrides.groupName ?? 'churn-model',
    status,
  });
}

function matches(pattern: Parameters<typeof renderEventPattern>[0], event: object): boolean {
  return matchesEventPattern(renderEventPattern(pattern), event);
}

describe('modelPackageStateChange', () => {
  it('renders the documented SageMaker pattern', () => {
    // WHEN
    const pattern = modelPackageStateChange({
      groupNames: ['churn-model'],
      sourceAccounts: [DEV],
      statuses: { include: ['Approved'] },
    });
    // THEN
    expect(renderEventPattern(pattern)).toEqual({
      source: ['aws.sagemaker'],
      'detail-type': ['SageMaker Model Package State Change'],
      account: [DEV],
      detail: { ModelPackageGroupName: ['churn-model'], ModelApprovalStatus: ['Approved'] },
    });
  });

  it('matches Approved and Rejected events with include, and nothing else', () => {
    // GIVEN
    const pattern = modelPackageStateChange({
      groupNames: ['churn-model'],
      sourceAccounts: [DEV],
      statuses: { include: ['Approved', 'Rejected'] },
    });
    // WHEN / THEN
    expect(matches(pattern, modelEvent('Approved'))).toBe(true);
    expect(matches(pattern, modelEvent('Rejected'))).toBe(true);
    expect(matches(pattern, modelEvent('PendingManualApproval'))).toBe(false);
    expect(matches(pattern, modelEvent('Approved', { groupName: 'fraud-model' }))).toBe(false);
    expect(matches(pattern, modelEvent('Approved', { account: SHARED }))).toBe(false);
  });

  it('renders exclude as anything-but and matches every other status', () => {
    // GIVEN
    const pattern = modelPackageStateChange({
      groupNames: ['churn-model'],
      statuses: { exclude: ['PendingManualApproval'] },
    });
    // THEN
    expect(pattern.detail).toEqual({
      ModelPackageGroupName: ['churn-model'],
      ModelApprovalStatus: [{ 'anything-but': ['PendingManualApproval'] }],
    });
    expect(matches(pattern, modelEvent('Approved'))).toBe(true);
    expect(matches(pattern, modelEvent('Rejected'))).toBe(true);
    expect(matches(pattern, modelEvent('PendingManualApproval'))).toBe(false);
  });

  it('matches every status and account when neither is restricted', () => {
    const pattern = modelPackageStateChange({ groupNames: ['churn-model', 'fraud-model'] });
    expect(pattern.account).toBeUndefined();
    expect(matches(pattern, modelEvent('PendingManualApproval', { account: SHARED }))).toBe(true);
    expect(matches(pattern, modelEvent('Approved', { groupName: 'fraud-model' }))).toBe(true);
    expect(matches(pattern, modelEvent('Approved', { groupName: 'other-model' }))).toBe(false);
  });

  it.each([
    ['groupNames is empty', { groupNames: [] }, /groupNames must not be empty/],
    ['the include list is empty', { groupNames: ['g'], statuses: { include: [] } }, /statuses\.include must not be empty/],
    ['the exclude list is empty', { groupNames: ['g'], statuses: { exclude: [] } }, /statuses\.exclude must not be empty/],
    ['sourceAccounts is empty', { groupNames: ['g'], sourceAccounts: [] }, /sourceAccounts must not be empty/],
    ['an account id is malformed', { groupNames: ['g'], sourceAccounts: ['1234'] }, /12-digit AWS account ids.*"1234"/],
    ['a status is unknown', { groupNames: ['g'], statuses: { include: ['APPROVED' as ModelApprovalStatus] } }, /unknown approval status.*APPROVED/],
  ])('fails when %s', (_name, options, message) => {
    expect(() => modelPackageStateChange(options)).toThrow(message);
  });
});

describe('codeCommitBranchPush', () => {
  it('matches a push to a listed branch of the repository only', () => {
    // GIVEN
    const pattern = codeCommitBranchPush({ repositoryArn: REPOSITORY_ARN, branches: ['main'] });
    const push = (branch: string, repositoryArn = REPOSITORY_ARN) =>
      sampleCodeCommitReferenceUpdated({ account: DEV, region: REGION, repositoryArn, branch });
    // WHEN / THEN
    expect(matches(pattern, push('main'))).toBe(true);
    expect(matches(pattern, push('feature/x'))).toBe(false);
    expect(matches(pattern, push('main', `arn:aws:codecommit:${REGION}:${DEV}:other-repo`))).toBe(false);
  });

  it('matches branch creation but not deletion or tags', () => {
    // GIVEN
    const pattern = codeCommitBranchPush({ repositoryArn: REPOSITORY_ARN, branches: ['main'] });
    const updated = sampleCodeCommitReferenceUpdated({ account: DEV, region: REGION, repositoryArn: REPOSITORY_ARN, branch: 'main' });
    // WHEN / THEN
    expect(matches(pattern, { ...updated, detail: { ...updated.detail, event: 'referenceCreated' } })).toBe(true);
    expect(matches(pattern, { ...updated, detail: { ...updated.detail, event: 'referenceDeleted' } })).toBe(false);
    expect(matches(pattern, { ...updated, detail: { ...updated.detail, referenceType: 'tag' } })).toBe(false);
  });

  it('fails when branches is empty', () => {
    expect(() => codeCommitBranchPush({ repositoryArn: REPOSITORY_ARN, branches: [] })).toThrow(/branches must not be empty/);
  });
});

describe('pipelineExecutionStateChange', () => {
  it('matches the listed states of the listed pipelines', () => {
    // GIVEN
    const pattern = pipelineExecutionStateChange({ pipelineNames: ['model-build'], states: ['FAILED', 'SUCCEEDED'] });
    const event = (pipelineName: string, state: 'FAILED' | 'SUCCEEDED' | 'STARTED') =>
      samplePipelineExecutionStateChange({ account: DEV, region: REGION, pipelineName, state });
    // WHEN / THEN
    expect(matches(pattern, event('model-build', 'FAILED'))).toBe(true);
    expect(matches(pattern, event('model-build', 'SUCCEEDED'))).toBe(true);
    expect(matches(pattern, event('model-build', 'STARTED'))).toBe(false);
    expect(matches(pattern, event('model-deploy', 'FAILED'))).toBe(false);
  });

  it('matches every state when states is omitted', () => {
    const pattern = pipelineExecutionStateChange({ pipelineNames: ['model-build'] });
    const started = samplePipelineExecutionStateChange({ account: DEV, region: REGION, pipelineName: 'model-build', state: 'STARTED' });
    expect(matches(pattern, started)).toBe(true);
  });

  it('fails when pipelineNames or states is empty', () => {
    expect(() => pipelineExecutionStateChange({ pipelineNames: [] })).toThrow(/pipelineNames must not be empty/);
    expect(() => pipelineExecutionStateChange({ pipelineNames: ['p'], states: [] })).toThrow(/states must not be empty/);
  });
});

describe('sageMakerPipelineExecutionStatusChange', () => {
  it('matches the listed statuses of the pipeline, by ARN', () => {
    // GIVEN
    const succeeded = sampleSageMakerPipelineExecutionStatusChange({
      account: DEV,
      region: REGION,
      pipelineName: 'ChurnTraining',
      status: 'Succeeded',
    });
    const pattern = sageMakerPipelineExecutionStatusChange({
      pipelineArns: [succeeded.detail.pipelineArn],
      statuses: ['Succeeded'],
    });
    const failed = sampleSageMakerPipelineExecutionStatusChange({ account: DEV, region: REGION, pipelineName: 'ChurnTraining', status: 'Failed' });
    const other = sampleSageMakerPipelineExecutionStatusChange({ account: DEV, region: REGION, pipelineName: 'Other', status: 'Succeeded' });
    // WHEN / THEN
    expect(matches(pattern, succeeded)).toBe(true);
    expect(matches(pattern, failed)).toBe(false);
    expect(matches(pattern, other)).toBe(false);
  });

  it('fails when pipelineArns is empty', () => {
    expect(() => sageMakerPipelineExecutionStatusChange({ pipelineArns: [] })).toThrow(/pipelineArns must not be empty/);
  });
});

describe('gitPushTrigger', () => {
  function sourceActions() {
    const stack = new Stack(new App(), 'Stack', { env: { account: DEV, region: REGION } });
    const output = new codepipeline.Artifact();
    const connection = new actions.CodeStarConnectionsSourceAction({
      actionName: 'Source',
      connectionArn: stack.formatArn({ service: 'codeconnections', resource: 'connection', resourceName: 'abc' }),
      owner: 'acme',
      repo: 'model-build',
      output,
    });
    const s3Source = new actions.S3SourceAction({
      actionName: 'S3',
      bucket: new s3.Bucket(stack, 'Bucket'),
      bucketKey: 'source.zip',
      output: new codepipeline.Artifact(),
    });
    return { stack, connection, s3Source };
  }

  it('filters pushes by branch and file path on a V2 pipeline', () => {
    // GIVEN
    const { stack, connection } = sourceActions();
    // WHEN
    const pipeline = new codepipeline.Pipeline(stack, 'Pipeline', {
      pipelineType: codepipeline.PipelineType.V2,
      stages: [
        { stageName: 'Source', actions: [connection] },
        {
          stageName: 'Approve',
          actions: [new actions.ManualApprovalAction({ actionName: 'Approve' })],
        },
      ],
      triggers: [gitPushTrigger({ sourceAction: connection, branches: ['main'], filePaths: ['pipelines/**'] })],
    });
    // THEN
    const template = Template.fromStack(Stack.of(pipeline));
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      PipelineType: 'V2',
      Triggers: [
        {
          ProviderType: 'CodeStarSourceConnection',
          GitConfiguration: {
            SourceActionName: 'Source',
            Push: [{ Branches: { Includes: ['main'] }, FilePaths: { Includes: ['pipelines/**'] } }],
          },
        },
      ],
    });
  });

  it('fails when the source action is not a CodeConnections action', () => {
    const { s3Source } = sourceActions();
    expect(() => gitPushTrigger({ sourceAction: s3Source, branches: ['main'] })).toThrow(/CodeStarConnectionsSourceAction.*"S3"/);
  });

  it('fails when branches is empty or longer than 8', () => {
    const { connection } = sourceActions();
    expect(() => gitPushTrigger({ sourceAction: connection, branches: [] })).toThrow(/branches must not be empty/);
    const nine = Array.from({ length: 9 }, (_, i) => `b${i}`);
    expect(() => gitPushTrigger({ sourceAction: connection, branches: nine })).toThrow(/at most 8/);
  });
});

describe('schedule', () => {
  it.each(['rate(1 day)', 'rate(5 minutes)', 'rate(12 hours)', 'cron(0 12 * * ? *)', 'cron(15 10 ? * MON-FRI *)'])(
    'accepts %s',
    (expression) => {
      expect(schedule(expression).expressionString).toBe(expression);
    },
  );

  it.each([
    ['a plural unit for 1', 'rate(1 days)', /singular unit for 1/],
    ['a singular unit above 1', 'rate(5 minute)', /plural unit otherwise/],
    ['a zero rate', 'rate(0 minutes)', /positive integer/],
    ['a 5-field cron', 'cron(0 12 * * ?)', /expected 6 fields.*received 5/],
    ['both day fields set', 'cron(0 12 * * MON *)', /exactly one of day-of-month and day-of-week/],
    ['something else', 'every day', /not a schedule expression/],
  ])('fails when the expression has %s', (_name, expression, message) => {
    expect(() => schedule(expression)).toThrow(message);
  });
});
