import {
  DeleteModelPackageCommand,
  DeleteModelPackageGroupCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { cleanupPromotedPackages } from '../../src/promote/cleanup';
import { handleCleanupEvent, type CleanupResourceEvent } from '../../src/promote/cleanup-handler';
import { awsError, FakeRegistry, noSleep, REGION, TARGET_ACCOUNT } from '../fakes';

const PROMOTER = 'mlops-churn-promote';

function setup(groupTags = [{ Key: 'mlops:created-by', Value: PROMOTER }]) {
  const client = new SageMakerClient({ region: REGION });
  const mock = mockClient(client);
  const registry = new FakeRegistry(TARGET_ACCOUNT);
  registry.addGroup('churn-prod', groupTags);
  registry.install(mock);
  const promoted = (by = PROMOTER) =>
    registry.addPackage('churn-prod', { ModelApprovalStatus: 'Approved', CustomerMetadataProperties: { 'mlops:promoted-by': by } });
  return { client, mock, registry, promoted };
}

const event = (RequestType: CleanupResourceEvent['RequestType'], RetainOnDelete: unknown): CleanupResourceEvent => ({
  RequestType,
  PhysicalResourceId: RequestType === 'Create' ? undefined : `promoted-model-packages:${PROMOTER}:churn-prod`,
  ResourceProperties: { TargetModelPackageGroupName: 'churn-prod', PromotedBy: PROMOTER, RetainOnDelete },
});

describe('cleanupPromotedPackages', () => {
  it('deletes its own packages and its own group once empty', async () => {
    // GIVEN
    const { client, mock, registry, promoted } = setup();
    const a = promoted();
    const b = promoted();

    // WHEN
    const result = await cleanupPromotedPackages({ sagemaker: client, targetGroupName: 'churn-prod', promotedBy: PROMOTER, sleep: noSleep });

    // THEN
    expect(result).toEqual({ deletedModelPackages: [a.ModelPackageArn, b.ModelPackageArn], deletedModelPackageGroup: true });
    expect(mock).toHaveReceivedCommandWith(DeleteModelPackageGroupCommand, { ModelPackageGroupName: 'churn-prod' });
    expect(registry.groups.has('churn-prod')).toBe(false);
  });

  it('keeps packages promoted by someone else, and therefore the group', async () => {
    const { client, mock, registry, promoted } = setup();
    const mine = promoted();
    const theirs = promoted('another-stack');
    registry.addPackage('churn-prod', { ModelApprovalStatus: 'Approved' });

    const result = await cleanupPromotedPackages({ sagemaker: client, targetGroupName: 'churn-prod', promotedBy: PROMOTER });

    expect(result).toEqual({ deletedModelPackages: [mine.ModelPackageArn], deletedModelPackageGroup: false });
    expect(mock).toHaveReceivedCommandTimes(DeleteModelPackageCommand, 1);
    expect(registry.find(theirs.ModelPackageArn)).toBeDefined();
    expect(mock).not.toHaveReceivedCommand(DeleteModelPackageGroupCommand);
  });

  it('keeps a group it did not create', async () => {
    const { client, mock, promoted } = setup([{ Key: 'mlops:created-by', Value: 'someone-else' }]);
    promoted();

    const result = await cleanupPromotedPackages({ sagemaker: client, targetGroupName: 'churn-prod', promotedBy: PROMOTER });

    expect(result.deletedModelPackageGroup).toBe(false);
    expect(mock).not.toHaveReceivedCommand(DeleteModelPackageGroupCommand);
  });

  it('retries deleting the group while the package deletions complete', async () => {
    const { client, mock, promoted } = setup();
    promoted();
    mock.on(DeleteModelPackageGroupCommand).rejectsOnce(awsError('ConflictException', 'group still has packages')).resolves({});

    const result = await cleanupPromotedPackages({ sagemaker: client, targetGroupName: 'churn-prod', promotedBy: PROMOTER, sleep: noSleep });

    expect(result.deletedModelPackageGroup).toBe(true);
    expect(mock).toHaveReceivedCommandTimes(DeleteModelPackageGroupCommand, 2);
  });

  it('does nothing when the group does not exist', async () => {
    const client = new SageMakerClient({ region: REGION });
    const mock = mockClient(client);
    new FakeRegistry(TARGET_ACCOUNT).install(mock);

    const result = await cleanupPromotedPackages({ sagemaker: client, targetGroupName: 'churn-prod', promotedBy: PROMOTER });

    expect(result).toEqual({ deletedModelPackages: [], deletedModelPackageGroup: false });
  });
});

describe('handleCleanupEvent', () => {
  it('does nothing on Create and returns a stable physical id', async () => {
    const { client, mock, promoted } = setup();
    promoted();

    const response = await handleCleanupEvent(event('Create', 'false'), { sagemaker: client });

    expect(response).toEqual({ PhysicalResourceId: `promoted-model-packages:${PROMOTER}:churn-prod` });
    expect((await handleCleanupEvent(event('Update', 'false'), { sagemaker: client })).PhysicalResourceId).toBe(response.PhysicalResourceId);
    expect(mock).not.toHaveReceivedAnyCommand();
  });

  it('keeps everything on Delete when RetainOnDelete is true', async () => {
    const { client, mock, registry, promoted } = setup();
    promoted();

    await handleCleanupEvent(event('Delete', 'true'), { sagemaker: client });

    expect(mock).not.toHaveReceivedCommand(DeleteModelPackageCommand);
    expect(mock).not.toHaveReceivedCommand(DeleteModelPackageGroupCommand);
    expect(registry.packages).toHaveLength(1);
  });

  it('deletes its own packages and group on Delete when RetainOnDelete is false', async () => {
    const { client, registry, promoted } = setup();
    promoted();
    const theirs = promoted('another-stack');

    const response = await handleCleanupEvent(event('Delete', 'false'), { sagemaker: client, sleep: noSleep });

    expect(registry.packages.map((p) => p.ModelPackageArn)).toEqual([theirs.ModelPackageArn]);
    expect(response).toEqual({
      PhysicalResourceId: `promoted-model-packages:${PROMOTER}:churn-prod`,
      Data: { DeletedModelPackageCount: '1', DeletedModelPackageGroup: 'false' },
    });
  });

  it('answers with a count that fits the 4096-byte custom resource response, however many packages it deletes', async () => {
    // GIVEN 300 promoted packages: their ARNs alone would take about 23 KB
    const { client, registry, promoted } = setup();
    for (let i = 0; i < 300; i++) promoted();

    // WHEN
    const response = await handleCleanupEvent(event('Delete', 'false'), { sagemaker: client, sleep: noSleep });

    // THEN (CloudFormation User Guide, "Custom resource response objects": the body can't exceed 4096 bytes)
    expect(registry.packages).toHaveLength(0);
    expect(response.Data).toEqual({ DeletedModelPackageCount: '300', DeletedModelPackageGroup: 'true' });
    const body = JSON.stringify({
      Status: 'SUCCESS',
      Reason: 'See the details in CloudWatch Log Stream: 2026/12/02/[$LATEST]0123456789abcdef0123456789abcdef',
      StackId: `arn:aws:cloudformation:${REGION}:${TARGET_ACCOUNT}:stack/mlops-prod-promote-pipeline/01234567-89ab-cdef-0123-456789abcdef`,
      RequestId: '01234567-89ab-cdef-0123-456789abcdef',
      LogicalResourceId: 'PromotionCleanupResource0123ABCD',
      ...response,
    });
    expect(Buffer.byteLength(body)).toBeLessThan(4096);
  });

  it('fails when RetainOnDelete is not a boolean, naming the property', async () => {
    const { client } = setup();
    await expect(handleCleanupEvent(event('Create', 'yes'), { sagemaker: client })).rejects.toThrow(/RetainOnDelete must be 'true' or 'false', got "yes"/);
  });

  it('fails when the group name is missing', async () => {
    const { client } = setup();
    const bad = { ...event('Create', 'true'), ResourceProperties: { PromotedBy: PROMOTER, RetainOnDelete: 'true' } };
    await expect(handleCleanupEvent(bad, { sagemaker: client })).rejects.toThrow(/TargetModelPackageGroupName must be a non-empty string/);
  });

  it('lets a rollback delete a resource whose Create was rejected', async () => {
    const { client, mock } = setup();
    const response = await handleCleanupEvent(event('Delete', 'maybe'), { sagemaker: client });
    expect(response.PhysicalResourceId).toBe(`promoted-model-packages:${PROMOTER}:churn-prod`);
    expect(mock).not.toHaveReceivedAnyCommand();
  });
});
