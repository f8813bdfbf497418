import { DUMMY_ACCOUNTS } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import {
  sampleCodeCommitReferenceUpdated,
  sampleModelPackageStateChange,
  samplePipelineExecutionStateChange,
  sampleSageMakerPipelineExecutionStatusChange,
} from '../src';

const ACCOUNT = DUMMY_ACCOUNTS.tooling;
const REGION = 'eu-west-1';
const ENVELOPE_KEYS = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'];

describe('sampleModelPackageStateChange', () => {
  it('has the envelope and detail fields SageMaker emits', () => {
    // WHEN
    const event = sampleModelPackageStateChange({ account: ACCOUNT, region: REGION, groupName: 'Churn-Model', status: 'Approved', version: 3 });
    // THEN
    expect(Object.keys(event)).toEqual(ENVELOPE_KEYS);
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'SageMaker Model Package State Change',
      source: 'aws.sagemaker',
      account: ACCOUNT,
      region: REGION,
      resources: [`arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/churn-model/3`],
      detail: {
        ModelPackageGroupName: 'Churn-Model',
        ModelPackageVersion: 3,
        ModelPackageArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/churn-model/3`,
        ModelPackageName: 'Churn-Model',
        ModelApprovalStatus: 'Approved',
        ModelPackageStatus: 'Completed',
        CertifyForMarketplace: false,
      },
    });
    expect(event.detail.InferenceSpecification.Containers[0].ImageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(event.detail.InferenceSpecification.Containers[0].ModelDataUrl).toMatch(/^s3:\/\/.+\/model\.tar\.gz$/);
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('is deterministic and defaults to version 1', () => {
    const options = { account: ACCOUNT, region: REGION, groupName: 'g', status: 'Rejected' as const };
    expect(sampleModelPackageStateChange(options)).toEqual(sampleModelPackageStateChange(options));
    expect(sampleModelPackageStateChange(options).detail.ModelPackageVersion).toBe(1);
  });

  it('uses the partition of the region in ARNs', () => {
    const event = sampleModelPackageStateChange({ account: ACCOUNT, region: 'cn-north-1', groupName: 'g', status: 'Approved' });
    expect(event.detail.ModelPackageArn).toMatch(/^arn:aws-cn:sagemaker:cn-north-1:/);
  });
});

describe('sampleCodeCommitReferenceUpdated', () => {
  it('describes a push to the branch', () => {
    // WHEN
    const repositoryArn = `arn:aws:codecommit:${REGION}:${ACCOUNT}:model-build`;
    const event = sampleCodeCommitReferenceUpdated({ account: ACCOUNT, region: REGION, repositoryArn, branch: 'main' });
    // THEN
    expect(Object.keys(event)).toEqual(ENVELOPE_KEYS);
    expect(event).toMatchObject({
      source: 'aws.codecommit',
      'detail-type': 'CodeCommit Repository State Change',
      resources: [repositoryArn],
      detail: {
        event: 'referenceUpdated',
        referenceType: 'branch',
        referenceName: 'main',
        referenceFullName: 'refs/heads/main',
        repositoryName: 'model-build',
      },
    });
    expect(event.detail.commitId).toMatch(/^[0-9a-f]{40}$/);
    expect(event.detail.oldCommitId).not.toBe(event.detail.commitId);
  });

  it('fails when the repository ARN is not a CodeCommit ARN', () => {
    expect(() =>
      sampleCodeCommitReferenceUpdated({ account: ACCOUNT, region: REGION, repositoryArn: 'model-build', branch: 'main' }),
    ).toThrow(/repositoryArn must look like arn:<partition>:codecommit/);
  });
});

describe('samplePipelineExecutionStateChange', () => {
  it('carries the CodePipeline detail fields', () => {
    const event = samplePipelineExecutionStateChange({ account: ACCOUNT, region: REGION, pipelineName: 'deploy', state: 'SUCCEEDED', executionId: 'exec-1' });
    expect(Object.keys(event)).toEqual(ENVELOPE_KEYS);
    expect(event).toMatchObject({
      source: 'aws.codepipeline',
      resources: [`arn:aws:codepipeline:${REGION}:${ACCOUNT}:deploy`],
      detail: { pipeline: 'deploy', 'execution-id': 'exec-1', state: 'SUCCEEDED', version: 1, 'pipeline-execution-attempt': 1 },
    });
    expect(event.detail['execution-trigger']['trigger-type']).toBe('StartPipelineExecution');
  });
});

describe('sampleSageMakerPipelineExecutionStatusChange', () => {
  it('lists the pipeline and execution ARNs as resources and ends terminal executions', () => {
    const event = sampleSageMakerPipelineExecutionStatusChange({ account: ACCOUNT, region: REGION, pipelineName: 'Training', status: 'Failed', executionId: 'abc123' });
    const pipelineArn = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:pipeline/training`;
    expect(event.resources).toEqual([pipelineArn, `${pipelineArn}/execution/abc123`]);
    expect(event.detail).toMatchObject({ currentPipelineExecutionStatus: 'Failed', previousPipelineExecutionStatus: 'Executing', pipelineArn });
    expect(event.detail.executionEndTime).toBeDefined();
  });

  it('has no end time while executing', () => {
    const event = sampleSageMakerPipelineExecutionStatusChange({ account: ACCOUNT, region: REGION, pipelineName: 'Training', status: 'Executing' });
    expect(event.detail.executionEndTime).toBeUndefined();
  });

  it('fails when time is not an ISO timestamp', () => {
    expect(() =>
      sampleSageMakerPipelineExecutionStatusChange({ account: ACCOUNT, region: REGION, pipelineName: 'p', status: 'Executing', time: 'yesterday' }),
    ).toThrow(/ISO-8601/);
  });
});
