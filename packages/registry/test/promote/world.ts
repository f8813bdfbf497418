// One source registry, one target registry, S3 and ECR, all faked behind aws-sdk-client-mock.
import { BatchGetImageCommand, ECRClient } from '@aws-sdk/client-ecr';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { parseModelPackageGroupArn } from '../../src/model-registry/arn';
import { promote, type PromoteOptions } from '../../src/promote/promote';
import { FakeRegistry, FakeS3, fullModelPackageFields, noSleep, putFullModelPackageObjects, REGION, SOURCE_ACCOUNT, TARGET_ACCOUNT } from '../fakes';

export function promoteWorld() {
  const clients = {
    sourceSageMaker: new SageMakerClient({ region: REGION }),
    targetSageMaker: new SageMakerClient({ region: REGION }),
    s3: new S3Client({ region: REGION }),
    ecr: new ECRClient({ region: REGION }),
  };
  const mocks = {
    sourceSageMaker: mockClient(clients.sourceSageMaker),
    targetSageMaker: mockClient(clients.targetSageMaker),
    s3: mockClient(clients.s3),
    ecr: mockClient(clients.ecr),
  };
  const source = new FakeRegistry(SOURCE_ACCOUNT);
  source.addGroup('churn');
  source.install(mocks.sourceSageMaker);
  const target = new FakeRegistry(TARGET_ACCOUNT);
  target.install(mocks.targetSageMaker);
  const s3 = new FakeS3();
  s3.install(mocks.s3);
  mocks.ecr.on(BatchGetImageCommand).resolves({ images: [{ imageId: { imageTag: '1.0' } }], failures: [] });

  /** Adds a fully populated source version whose artifacts live under churn/<version>/. */
  const addSourceVersion = (approval: 'Approved' | 'Rejected' | 'PendingManualApproval', prefix: string) => {
    putFullModelPackageObjects(s3, prefix);
    return source.addPackage('churn', { ...fullModelPackageFields(prefix), ModelApprovalStatus: approval });
  };

  const run = (extra: Partial<PromoteOptions> = {}) =>
    promote({
      clients,
      sourceGroupArn: parseModelPackageGroupArn(source.groupArn('churn')),
      targetAccount: TARGET_ACCOUNT,
      targetGroupName: 'churn-prod',
      targetBucket: 'target-artifacts',
      projectId: 'p-abc123',
      projectName: 'churn',
      promotedBy: 'mlops-churn-promote',
      sleep: noSleep,
      ...extra,
    });

  const resetHistory = () => Object.values(mocks).forEach((m) => m.resetHistory());

  return { clients, mocks, source, target, s3, addSourceVersion, run, resetHistory };
}
