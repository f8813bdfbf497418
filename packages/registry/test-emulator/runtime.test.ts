import { DeleteObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutBucketEncryptionCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { STSClient } from '@aws-sdk/client-sts';
import { motoRequired, startMoto, type MotoCredentials, type MotoServer } from '@sagemaker-mlops/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyArtifacts } from '../src/promote/copy-artifacts';
import { promote } from '../src/promote/promote';
import { runStagingTest } from '../src/endpoint-deploy/staging-test';
import { clientsOf, createApprovedVersion, createBucket, REGION, SOURCE_ACCOUNT, STAGING_ACCOUNT, TARGET_ACCOUNT } from './world';

const noSleep = async () => undefined;

/**
 * The runtime code of this package, unchanged, on SDK clients pointed at moto (endpoint override),
 * for what the mocked unit tests can only assume: what S3 and SageMaker answer.
 */
describe.skipIf(!motoRequired())('registry runtime against the AWS emulator', () => {
  let moto: MotoServer;
  let source: MotoCredentials;
  let target: MotoCredentials;

  beforeAll(async () => {
    moto = await startMoto(REGION, { maxRequests: 1500 });
    source = await moto.adminCredentials(SOURCE_ACCOUNT);
    target = await moto.adminCredentials(TARGET_ACCOUNT);
    await createBucket(moto, source, 'runtime-source', {
      'model/model.tar.gz': 'weights',
      'model/code/inference.py': 'def handler(): pass',
      'model/code/requirements.txt': 'xgboost',
    });
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('copies a prefix server-side, then copies only what is missing after a partial loss', async () => {
    // GIVEN
    await createBucket(moto, target, 'runtime-target-copy');
    const s3 = clientsOf(moto, target).s3;
    const copy = () =>
      copyArtifacts({
        s3,
        uris: ['s3://runtime-source/model/model.tar.gz', 's3://runtime-source/model/code/'],
        targetBucket: 'runtime-target-copy',
        sourceAccount: SOURCE_ACCOUNT,
        targetAccount: TARGET_ACCOUNT,
        retry: { attempts: 1 },
      });
    const first = await copy();
    await s3.send(new DeleteObjectCommand({ Bucket: 'runtime-target-copy', Key: 'model/code/requirements.txt' }));

    // WHEN
    const second = await copy();

    // THEN
    expect(first.copied.map((c) => c.targetUri).sort()).toEqual([
      's3://runtime-target-copy/model/code/inference.py',
      's3://runtime-target-copy/model/code/requirements.txt',
      's3://runtime-target-copy/model/model.tar.gz',
    ]);
    expect(second.copied.map((c) => c.targetUri)).toEqual(['s3://runtime-target-copy/model/code/requirements.txt']);
    expect(second.skipped).toHaveLength(2);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'runtime-target-copy', Key: 'model/model.tar.gz' }));
    expect(head.Metadata?.['promoted-source-etag']).toBeDefined();
  });

  it('fails when the target bucket encrypts with a customer managed key, at once, naming the key and kms_key_arn', async () => {
    // GIVEN a target bucket whose default encryption is a customer managed key, and no kms_key_arn
    await createBucket(moto, target, 'runtime-target-cmk');
    const s3 = clientsOf(moto, target).s3;
    const key = `arn:aws:kms:${REGION}:${TARGET_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'runtime-target-cmk',
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key } }] },
      }),
    );

    // WHEN / THEN moto answers GetBucketEncryption as S3 does, and nothing is copied
    await expect(
      copyArtifacts({
        s3,
        uris: ['s3://runtime-source/model/model.tar.gz'],
        targetBucket: 'runtime-target-cmk',
        sourceAccount: SOURCE_ACCOUNT,
        targetAccount: TARGET_ACCOUNT,
        retry: { attempts: 1 },
      }),
    ).rejects.toThrow(new RegExp(`${key}.*kms_key_arn`));
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'runtime-target-cmk' }))).KeyCount ?? 0).toBe(0);
  });

  it('fails when a source object is archived: the 403 S3 answers is reported as such, not as access denied', async () => {
    // GIVEN an artifact in S3 Glacier Flexible Retrieval, which CopyObject refuses with 403 ObjectNotInActiveTierError
    const { s3: sourceS3 } = clientsOf(moto, source);
    await sourceS3.send(new PutObjectCommand({ Bucket: 'runtime-source', Key: 'archived/model.tar.gz', Body: 'old weights', StorageClass: 'GLACIER' }));
    await createBucket(moto, target, 'runtime-target-archived');

    // WHEN
    const error = await copyArtifacts({
      s3: clientsOf(moto, target).s3,
      uris: ['s3://runtime-source/archived/model.tar.gz'],
      targetBucket: 'runtime-target-archived',
      sourceAccount: SOURCE_ACCOUNT,
      targetAccount: TARGET_ACCOUNT,
      retry: { attempts: 1 },
    }).catch((e: unknown) => e as Error);

    // THEN
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toMatchObject({ name: 'AccessDeniedError' });
    expect((error as Error).message).toMatch(/ObjectNotInActiveTierError/);
    expect((error as Error).message).not.toMatch(/grant/i);
  });

  it('registers the promoted version with what moto accepts of CreateModelPackage, and reports it promoted once', async () => {
    // GIVEN a source group in the source account, read there (moto does not resolve a cross-account read by ARN)
    const sourceArn = await createApprovedVersion(moto, source, 'runtime-churn', 'runtime-source', 'model/model.tar.gz');
    await createBucket(moto, target, 'runtime-target-promote');
    const run = () =>
      promote({
        clients: {
          sourceSageMaker: clientsOf(moto, source).sagemaker,
          targetSageMaker: clientsOf(moto, target).sagemaker,
          s3: clientsOf(moto, target).s3,
          ecr: () => {
            throw new Error('no source-account image: ECR is not called');
          },
        },
        sourceGroupArn: { arn: `arn:aws:sagemaker:${REGION}:${SOURCE_ACCOUNT}:model-package-group/runtime-churn`, account: SOURCE_ACCOUNT, region: REGION, name: 'runtime-churn' },
        targetAccount: TARGET_ACCOUNT,
        targetGroupName: 'runtime-churn',
        targetBucket: 'runtime-target-promote',
        projectId: 'p-abc123',
        projectName: 'churn',
        promotedBy: 'runtime-test',
        retry: { attempts: 1 },
      });

    // WHEN
    const first = await run();
    const second = await run();

    // THEN
    expect(first).toMatchObject({ status: 'promoted', sourceModelPackageArn: sourceArn, createdModelPackageGroup: true });
    expect(second).toMatchObject({ status: 'already-promoted', targetModelPackageArn: first.targetModelPackageArn });
  });

  it('fails when the stage account has no endpoint: the staging test names it and passes nothing', async () => {
    // GIVEN a test role in the stage account, and no endpoint there
    const staging = await moto.adminCredentials(STAGING_ACCOUNT);
    await moto.createRole(staging, 'runtime-endpoint-test', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['sagemaker:DescribeEndpoint', 'sagemaker:InvokeEndpoint'], Resource: '*' }],
    });

    // WHEN
    const report = await runStagingTest({
      sts: new STSClient(moto.clientConfig({ credentials: target })),
      sagemakerFor: (credentials) => new SageMakerClient(moto.clientConfig({ credentials: credentials as never })),
      runtimeFor: (credentials) => new SageMakerRuntimeClient(moto.clientConfig({ credentials: credentials as never })),
      accounts: [STAGING_ACCOUNT],
      region: REGION,
      endpointName: 'churn-staging',
      testRoleName: 'runtime-endpoint-test',
      modelPackageArn: `arn:aws:sagemaker:${REGION}:${TARGET_ACCOUNT}:model-package/runtime-churn/1`,
      definition: { contentType: 'text/csv', payload: '1,2,3', invocations: 1 },
      sourceDir: __dirname,
      sleep: noSleep,
      inServiceTimeoutMs: 1000,
    });

    // THEN
    expect(report.passed).toBe(false);
    expect(report.accounts[0]).toMatchObject({ account: STAGING_ACCOUNT, passed: false, failure: expect.stringMatching(/churn-staging/) });
  });
});
