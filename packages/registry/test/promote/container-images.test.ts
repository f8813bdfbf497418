import { BatchGetImageCommand, ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ContainerImageNotPullableError } from '../../src/errors';
import { checkContainerImages, parseEcrImage } from '../../src/promote/container-images';
import { awsError, fullModelPackageFields, noSleep, REGION, SOURCE_ACCOUNT, TARGET_ACCOUNT } from '../fakes';

function setup() {
  const client = new ECRClient({ region: REGION });
  const mock = mockClient(client);
  return { client, mock };
}

const image = (uri: string) => ({ InferenceSpecification: { Containers: [{ Image: uri }] } });

describe('parseEcrImage', () => {
  it('reads account, region, repository and tag', () => {
    expect(parseEcrImage('444444444444.dkr.ecr.eu-west-1.amazonaws.com/team/churn:1.0')).toMatchObject({
      account: '444444444444',
      region: 'eu-west-1',
      repository: 'team/churn',
      imageId: { imageTag: '1.0' },
    });
  });

  it('prefers the digest and defaults the tag to latest', () => {
    expect(parseEcrImage('444444444444.dkr.ecr.cn-north-1.amazonaws.com.cn/churn:1.0@sha256:abc')?.imageId).toEqual({ imageDigest: 'sha256:abc' });
    expect(parseEcrImage('444444444444.dkr.ecr.eu-west-1.amazonaws.com/churn')?.imageId).toEqual({ imageTag: 'latest' });
  });

  it('ignores images outside private ECR', () => {
    expect(parseEcrImage('public.ecr.aws/lambda/python:3.12')).toBeUndefined();
  });
});

describe('checkContainerImages', () => {
  it('checks that the target can pull a source-account image, with the source registry id', async () => {
    // GIVEN
    const { client, mock } = setup();
    mock.on(BatchGetImageCommand).resolves({ images: [{ imageId: { imageTag: '1.0' } }], failures: [] });

    // WHEN
    const checked = await checkContainerImages({
      ecr: client,
      describeOutput: fullModelPackageFields(),
      sourceAccount: SOURCE_ACCOUNT,
      targetAccount: TARGET_ACCOUNT,
    });

    // THEN only the source-account image is checked (once, though used twice); SageMaker's own is ignored
    expect(checked).toEqual([`${SOURCE_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/churn-inference:1.0`]);
    expect(mock).toHaveReceivedCommandTimes(BatchGetImageCommand, 1);
    expect(mock).toHaveReceivedCommandWith(BatchGetImageCommand, {
      registryId: SOURCE_ACCOUNT,
      repositoryName: 'churn-inference',
      imageIds: [{ imageTag: '1.0' }],
    });
  });

  it('fails when the source repository denies the target, naming the repository, account and actions', async () => {
    // GIVEN
    const { client, mock } = setup();
    mock.on(BatchGetImageCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform ecr:BatchGetImage', 400));

    // WHEN
    const error = await checkContainerImages({
      ecr: client,
      describeOutput: image(`${SOURCE_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/churn-inference:1.0`),
      sourceAccount: SOURCE_ACCOUNT,
      targetAccount: TARGET_ACCOUNT,
    }).catch((e: unknown) => e);

    // THEN
    expect(error).toBeInstanceOf(ContainerImageNotPullableError);
    const message = (error as Error).message;
    expect(message).toContain('churn-inference');
    expect(message).toContain(`account ${SOURCE_ACCOUNT}`);
    expect(message).toContain(`iam::${TARGET_ACCOUNT}:root`);
    expect(message).toMatch(/ecr:BatchGetImage, ecr:GetDownloadUrlForLayer and ecr:BatchCheckLayerAvailability/);
    expect(message).toMatch(/cross-account replication/);
  });

  it('fails when the repository does not exist', async () => {
    const { client, mock } = setup();
    mock.on(BatchGetImageCommand).rejects(awsError('RepositoryNotFoundException', 'repository does not exist'));

    await expect(
      checkContainerImages({
        ecr: client,
        describeOutput: image(`${SOURCE_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/gone:1`),
        sourceAccount: SOURCE_ACCOUNT,
        targetAccount: TARGET_ACCOUNT,
      }),
    ).rejects.toThrow(/RepositoryNotFoundException/);
  });

  it('fails when the image is not in the repository', async () => {
    const { client, mock } = setup();
    mock.on(BatchGetImageCommand).resolves({ images: [], failures: [{ failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }] });

    await expect(
      checkContainerImages({
        ecr: client,
        describeOutput: image(`${SOURCE_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/churn:9`),
        sourceAccount: SOURCE_ACCOUNT,
        targetAccount: TARGET_ACCOUNT,
      }),
    ).rejects.toThrow(/ImageNotFound Requested image not found/);
  });

  it('leaves images of other accounts alone', async () => {
    const { client, mock } = setup();

    const checked = await checkContainerImages({
      ecr: client,
      describeOutput: image(`763104351884.dkr.ecr.${REGION}.amazonaws.com/pytorch-inference:2.1-cpu-py310`),
      sourceAccount: SOURCE_ACCOUNT,
      targetAccount: TARGET_ACCOUNT,
    });

    expect(checked).toEqual([]);
    expect(mock).not.toHaveReceivedAnyCommand();
  });

  it('asks ECR in the image region when given a client per region, retrying throttling', async () => {
    // GIVEN
    const { client, mock } = setup();
    mock
      .on(BatchGetImageCommand)
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves({ images: [{}], failures: [] });
    const regions: string[] = [];

    // WHEN
    await checkContainerImages({
      ecr: (region) => {
        regions.push(region);
        return client;
      },
      describeOutput: image(`${SOURCE_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/churn:1`),
      sourceAccount: SOURCE_ACCOUNT,
      targetAccount: TARGET_ACCOUNT,
      retry: { sleep: noSleep },
    });

    // THEN
    expect(regions).toEqual(['us-east-1']);
    expect(mock).toHaveReceivedCommandTimes(BatchGetImageCommand, 2);
  });
});
