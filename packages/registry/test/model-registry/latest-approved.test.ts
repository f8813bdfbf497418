import { DescribeModelPackageCommand, ListModelPackagesCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { NoApprovedModelPackageError } from '../../src/errors';
import { latestApprovedModelPackage } from '../../src/model-registry/latest-approved';
import { FakeRegistry, noSleep, REGION, SOURCE_ACCOUNT } from '../fakes';

function setup() {
  const client = new SageMakerClient({ region: REGION });
  const mock = mockClient(client);
  const registry = new FakeRegistry(SOURCE_ACCOUNT);
  registry.addGroup('churn');
  registry.install(mock);
  return { client, mock, registry };
}

describe('latestApprovedModelPackage', () => {
  it('asks for approved packages sorted by CreationTime, explicitly Descending', async () => {
    // GIVEN an old and a new approved version
    const { client, mock, registry } = setup();
    registry.addPackage('churn', { ModelApprovalStatus: 'Approved' });
    const newest = registry.addPackage('churn', { ModelApprovalStatus: 'Approved' });

    // WHEN
    const found = await latestApprovedModelPackage(client, 'churn');

    // THEN the newest is returned, because the sort order was asked for (the API default is Ascending)
    expect(found.ModelPackageArn).toBe(newest.ModelPackageArn);
    expect(mock).toHaveReceivedCommandWith(ListModelPackagesCommand, {
      ModelPackageGroupName: 'churn',
      ModelApprovalStatus: 'Approved',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
    });
    expect(mock).toHaveReceivedCommandWith(DescribeModelPackageCommand, { ModelPackageName: newest.ModelPackageArn });
  });

  it('follows NextToken past empty pages to the first page holding an approved version', async () => {
    // GIVEN 250 versions, only the oldest approved, pages of 100 filtered after paging
    const { client, mock, registry } = setup();
    const oldest = registry.addPackage('churn', { ModelApprovalStatus: 'Approved' });
    for (let i = 0; i < 249; i++) {
      registry.addPackage('churn', { ModelApprovalStatus: i % 2 === 0 ? 'Rejected' : 'PendingManualApproval' });
    }

    // WHEN
    const found = await latestApprovedModelPackage(client, 'churn');

    // THEN three list calls (two empty pages, then the last) and one describe
    expect(found.ModelPackageArn).toBe(oldest.ModelPackageArn);
    expect(mock).toHaveReceivedCommandTimes(ListModelPackagesCommand, 3);
    expect(mock).toHaveReceivedNthCommandWith(ListModelPackagesCommand, 2, { NextToken: '100' });
    expect(mock).toHaveReceivedCommandTimes(DescribeModelPackageCommand, 1);
  });

  it('needs two calls in a group of 10,000 versions when the newest is approved', async () => {
    const { client, mock, registry } = setup();
    for (let i = 0; i < 10_000; i++) {
      registry.addPackage('churn', { ModelApprovalStatus: 'Approved' });
    }

    await latestApprovedModelPackage(client, 'churn');

    expect(mock.calls()).toHaveLength(2);
  });

  it('takes the newest CreationTime within a page, whatever the order of the page', async () => {
    // GIVEN a page that is not in the promised order
    const client = new SageMakerClient({ region: REGION });
    const mock = mockClient(client);
    const arn = (v: number) => `arn:aws:sagemaker:eu-west-1:444444444444:model-package/churn/${v}`;
    mock.on(ListModelPackagesCommand).resolves({
      ModelPackageSummaryList: [
        { ModelPackageArn: arn(1), ModelPackageGroupName: 'churn', CreationTime: new Date('2026-01-01'), ModelPackageStatus: 'Completed', ModelApprovalStatus: 'Approved' },
        { ModelPackageArn: arn(3), ModelPackageGroupName: 'churn', CreationTime: new Date('2026-03-01'), ModelPackageStatus: 'Completed', ModelApprovalStatus: 'Approved' },
        { ModelPackageArn: arn(2), ModelPackageGroupName: 'churn', CreationTime: new Date('2026-02-01'), ModelPackageStatus: 'Completed', ModelApprovalStatus: 'Approved' },
      ],
    });
    mock.on(DescribeModelPackageCommand).resolves({ ModelPackageArn: arn(3), ModelPackageName: 'churn', CreationTime: new Date(), ModelPackageStatus: 'Completed', ModelPackageStatusDetails: undefined });

    // WHEN
    await latestApprovedModelPackage(client, 'churn');

    // THEN
    expect(mock).toHaveReceivedCommandWith(DescribeModelPackageCommand, { ModelPackageName: arn(3) });
  });

  it('skips approved versions whose ModelPackageStatus is not Completed', async () => {
    // GIVEN a completed approved version, then newer approved ones still in progress or failed
    const { client, registry } = setup();
    const completed = registry.addPackage('churn', { ModelApprovalStatus: 'Approved' });
    registry.addPackage('churn', { ModelApprovalStatus: 'Approved', ModelPackageStatus: 'Failed' });
    registry.addPackage('churn', { ModelApprovalStatus: 'Approved', ModelPackageStatus: 'InProgress' });
    registry.addPackage('churn', { ModelApprovalStatus: 'Approved', ModelPackageStatus: 'Pending' });

    // WHEN
    const found = await latestApprovedModelPackage(client, 'churn');

    // THEN
    expect(found.ModelPackageArn).toBe(completed.ModelPackageArn);
  });

  it('fails when no approved version is Completed, saying so', async () => {
    const { client, registry } = setup();
    registry.addPackage('churn', { ModelApprovalStatus: 'Approved', ModelPackageStatus: 'Failed' });

    await expect(latestApprovedModelPackage(client, 'churn')).rejects.toThrow(NoApprovedModelPackageError);
    await expect(latestApprovedModelPackage(client, 'churn')).rejects.toThrow(/Completed/);
  });

  it('passes a group ARN through as the group name (cross-account)', async () => {
    const { client, mock, registry } = setup();
    registry.addPackage('churn', { ModelApprovalStatus: 'Approved' });
    const arn = registry.groupArn('churn');

    await latestApprovedModelPackage(client, arn);

    expect(mock).toHaveReceivedCommandWith(ListModelPackagesCommand, { ModelPackageGroupName: arn });
  });

  it('fails when the group has no approved version, naming the group and what to do', async () => {
    // GIVEN versions that are all pending or rejected
    const { client, mock, registry } = setup();
    registry.addPackage('churn', { ModelApprovalStatus: 'PendingManualApproval' });
    registry.addPackage('churn', { ModelApprovalStatus: 'Rejected' });

    // WHEN / THEN
    const error = await latestApprovedModelPackage(client, registry.groupArn('churn')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoApprovedModelPackageError);
    expect((error as Error).message).toContain(registry.groupArn('churn'));
    expect((error as Error).message).toMatch(/Approve a model package version/);
    expect(mock).not.toHaveReceivedCommand(DescribeModelPackageCommand);
  });

  it('fails when the group is empty', async () => {
    const { client } = setup();
    await expect(latestApprovedModelPackage(client, 'churn')).rejects.toThrow(NoApprovedModelPackageError);
  });

  it('retries a throttled list call', async () => {
    const { client, mock, registry } = setup();
    const pkg = registry.addPackage('churn', { ModelApprovalStatus: 'Approved' });
    let first = true;
    mock.on(ListModelPackagesCommand).callsFake(() => {
      if (first) {
        first = false;
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
      }
      return { ModelPackageSummaryList: [{ ModelPackageArn: pkg.ModelPackageArn, CreationTime: pkg.CreationTime, ModelApprovalStatus: 'Approved' }] };
    });

    const found = await latestApprovedModelPackage(client, 'churn', { retry: { sleep: noSleep } });

    expect(found.ModelPackageArn).toBe(pkg.ModelPackageArn);
    expect(mock).toHaveReceivedCommandTimes(ListModelPackagesCommand, 2);
  });
});
