import { GetBucketEncryptionCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  CreatePipelineCommand,
  DeleteModelPackageCommand,
  ListModelPackagesCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { motoRequired, startMoto, type MotoCredentials, type MotoServer } from '@sagemaker-mlops/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsOf, createApprovedVersion, createBucket, REGION, SOURCE_ACCOUNT, TARGET_ACCOUNT } from './world';

/**
 * What moto 5.2 does NOT model as AWS does, each pinned by a test: the behaviour below stays covered
 * by the mocked unit tests (test/), and a failure here means moto changed, so coverage can move to
 * the emulator. The list is also in docs/adr/0008-emulator-integration-tests.md.
 */
describe.skipIf(!motoRequired())('moto gaps that keep mocked unit tests', () => {
  let moto: MotoServer;
  let source: MotoCredentials;
  let target: MotoCredentials;
  let versionArn: string;

  beforeAll(async () => {
    moto = await startMoto(REGION, { initialNoAuthActionCount: Number.MAX_SAFE_INTEGER, maxRequests: 500 });
    source = await moto.adminCredentials(SOURCE_ACCOUNT);
    target = await moto.adminCredentials(TARGET_ACCOUNT);
    await createBucket(moto, source, 'gaps-source', { 'model.tar.gz': 'weights' });
    versionArn = await createApprovedVersion(moto, source, 'gaps-churn', 'gaps-source', 'model.tar.gz');
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('accepts Tags on CreateModelPackage in a group, which SageMaker rejects (test/promote/promote.test.ts asserts none are sent)', async () => {
    // botocore sagemaker model, CreateModelPackageInput.Tags: "If you supply ModelPackageGroupName ... you cannot supply a tag argument."
    const created = await clientsOf(moto, source).sagemaker.send(
      new CreateModelPackageCommand({ ModelPackageGroupName: 'gaps-churn', Tags: [{ Key: 'k', Value: 'v' }], ModelApprovalStatus: 'PendingManualApproval' }),
    );
    expect(created.ModelPackageArn).toMatch(/model-package\/gaps-churn\/2$/);
  });

  it('does not resolve a cross-account ListModelPackages by group ARN (the promote tests read the source in its own account)', async () => {
    const page = await clientsOf(moto, target).sagemaker.send(
      new ListModelPackagesCommand({ ModelPackageGroupName: `arn:aws:sagemaker:${REGION}:${SOURCE_ACCOUNT}:model-package-group/gaps-churn` }),
    );
    expect(page.ModelPackageSummaryList).toEqual([]);
  });

  it('does not implement DeleteModelPackage (test/promote/cleanup.test.ts covers the deletion)', async () => {
    await expect(clientsOf(moto, source).sagemaker.send(new DeleteModelPackageCommand({ ModelPackageName: versionArn }))).rejects.toThrow();
  });

  it('answers ListPipelineExecutionSteps with HTTP 500', async () => {
    const sagemaker = new SageMakerClient(moto.clientConfig({ credentials: source }));
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: 'gaps-pipeline',
        RoleArn: `arn:aws:iam::${SOURCE_ACCOUNT}:role/gaps`,
        PipelineDefinition: JSON.stringify({ Version: '2020-12-01', Steps: [] }),
      }),
    );
    const execution = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: 'gaps-pipeline' }));
    await expect(
      sagemaker.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: execution.PipelineExecutionArn })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
  });

  it('authorizes GetBucketEncryption as s3:ListBucket, not s3:GetEncryptionConfiguration (the promote template test asserts that grant)', async () => {
    // GIVEN a role allowed exactly what AWS requires for GetBucketEncryption
    const arn = await moto.createRole(target, 'gaps-encryption-reader', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetEncryptionConfiguration', Resource: 'arn:aws:s3:::gaps-target' }],
    });
    const reader = await moto.assumeRole(target, arn);
    await createBucket(moto, target, 'gaps-target');
    await moto.enforceIam();
    try {
      // WHEN / THEN moto denies it
      await expect(new S3Client(moto.clientConfig({ credentials: reader })).send(new GetBucketEncryptionCommand({ Bucket: 'gaps-target' }))).rejects.toMatchObject({
        name: 'AccessDenied',
      });
    } finally {
      await moto.relaxIam();
    }
  });
});
