import { S3Client } from '@aws-sdk/client-s3';
import { CreateModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { PromoteEnvironmentError } from '../../src/errors';
import { formatPromotionSummary, parsePromoteEnvironment, promoteFromEnvironment } from '../../src/promote/environment';
import { noSleep, SOURCE_ACCOUNT, TARGET_ACCOUNT } from '../fakes';
import { promoteWorld } from './world';

const SOURCE_GROUP_ARN = `arn:aws:sagemaker:eu-west-1:${SOURCE_ACCOUNT}:model-package-group/churn`;
const valid = {
  SOURCE_MODEL_PACKAGE_GROUP_ARN: SOURCE_GROUP_ARN,
  TARGET_BUCKET_NAME: 'target-artifacts',
  PROMOTED_BY: 'mlops-churn-promote',
};

describe('parsePromoteEnvironment', () => {
  it('applies the defaults and treats empty values as unset', () => {
    const env = parsePromoteEnvironment({ ...valid, TARGET_MODEL_PACKAGE_GROUP_NAME: '', KMS_KEY_ARN: '', SAGEMAKER_PROJECT_ID: 'p-1' });

    expect(env).toMatchObject({
      sourceGroup: { account: SOURCE_ACCOUNT, region: 'eu-west-1', name: 'churn' },
      targetGroupName: 'churn',
      targetBucket: 'target-artifacts',
      projectId: 'p-1',
      reportPath: 'promotion-report.json',
    });
    expect(env.kmsKeyArn).toBeUndefined();
    expect(env.targetAccount).toBeUndefined();
  });

  it('fails when required variables are missing, listing each of them', () => {
    const error = (() => {
      try {
        parsePromoteEnvironment({});
      } catch (e) {
        return e;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(PromoteEnvironmentError);
    expect((error as PromoteEnvironmentError).problems).toEqual([
      'SOURCE_MODEL_PACKAGE_GROUP_ARN is missing: set it to the ARN of the source model package group',
      'TARGET_BUCKET_NAME is missing: set it to the name of the target bucket',
      "PROMOTED_BY is missing: set it to the promote module's stack name",
    ]);
  });

  it.each([
    ['SOURCE_MODEL_PACKAGE_GROUP_ARN', `arn:aws:sagemaker:eu-west-1:${SOURCE_ACCOUNT}:model-package/churn/1`, /Not a model package group ARN/],
    ['SOURCE_MODEL_PACKAGE_GROUP_ARN', 'arn:aws:sagemaker:eu-west-1:12345:model-package-group/churn', /Not a model package group ARN/],
    ['TARGET_BUCKET_NAME', 'Target_Bucket', /not a valid S3 bucket name/],
    ['TARGET_MODEL_PACKAGE_GROUP_NAME', 'churn_prod', /not a valid model package group name/],
    ['TARGET_ACCOUNT', '1111', /not a 12-digit AWS account id/],
    ['KMS_KEY_ARN', 'my-key', /not a KMS key ARN/],
  ])('fails when %s is %s', (name, value, message) => {
    expect(() => parsePromoteEnvironment({ ...valid, [name]: value })).toThrow(message);
    expect(() => parsePromoteEnvironment({ ...valid, [name]: value })).toThrow(new RegExp(`${name}`));
  });
});

describe('promoteFromEnvironment', () => {
  it('promotes into the caller account from STS, with the source SageMaker client in the source region', async () => {
    // GIVEN
    const world = promoteWorld();
    world.addSourceVersion('Approved', 'churn/v1');
    const sts = new STSClient({ region: 'eu-west-1' });
    mockClient(sts).on(GetCallerIdentityCommand).resolves({ Account: TARGET_ACCOUNT });
    const regions: string[] = [];

    // WHEN
    const { report, reportPath } = await promoteFromEnvironment(
      { ...valid, TARGET_MODEL_PACKAGE_GROUP_NAME: 'churn-prod', REPORT_PATH: 'out/report.json' },
      {
        sourceSageMaker: (region) => {
          regions.push(region);
          return world.clients.sourceSageMaker;
        },
        targetSageMaker: world.clients.targetSageMaker,
        s3: world.clients.s3,
        ecr: world.clients.ecr,
        sts,
      },
      { sleep: noSleep },
    );

    // THEN
    expect(regions).toEqual(['eu-west-1']);
    expect(reportPath).toBe('out/report.json');
    expect(report.status).toBe('promoted');
    expect(world.mocks.targetSageMaker).toHaveReceivedCommandWith(CreateModelPackageCommand, { ModelPackageGroupName: 'churn-prod' });
    expect(formatPromotionSummary(report)).toMatch(/^promoted: arn:aws:sagemaker:eu-west-1:444444444444:model-package\/churn\/1 -> .* \(11 objects copied, 0 already present, \d+ bytes copied server-side\)$/);
  });

  it('fails when the environment is invalid, before any AWS call', async () => {
    const sagemaker = mockClient(SageMakerClient);
    const s3 = mockClient(S3Client);

    await expect(
      promoteFromEnvironment({ ...valid, TARGET_BUCKET_NAME: '' }, {
        sourceSageMaker: () => new SageMakerClient({}),
        targetSageMaker: new SageMakerClient({}),
        s3: new S3Client({}),
        ecr: new SageMakerClient({}),
        sts: new STSClient({}),
      }),
    ).rejects.toThrow(/TARGET_BUCKET_NAME is missing/);
    expect(sagemaker).not.toHaveReceivedAnyCommand();
    expect(s3).not.toHaveReceivedAnyCommand();
    sagemaker.restore();
    s3.restore();
  });
});
