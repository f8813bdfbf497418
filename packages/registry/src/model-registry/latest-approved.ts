import {
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  type DescribeModelPackageCommandOutput,
  type ModelPackageSummary,
} from '@aws-sdk/client-sagemaker';
import type { AwsClient } from '../aws-client';
import { NoApprovedModelPackageError } from '../errors';
import { send } from '../private/aws';
import type { RetryOptions } from '../private/retry';
import { accountOfArn } from './arn';

/** Options of {@link latestApprovedModelPackage}. */
export interface LatestApprovedOptions {
  /**
   * How throttling and transient errors are retried.
   *
   * @default - 5 attempts, exponential backoff from 200 ms with jitter
   */
  readonly retry?: RetryOptions;
}

/**
 * Finds the newest approved model package of a group whose registration is Completed, and describes it.
 *
 * Passes `SortOrder: 'Descending'` explicitly: the API documents `Ascending` as the default, which
 * would return the oldest approved version. Pages are followed while they come back empty (the
 * approval filter is applied after paging), and the newest `CreationTime` of the first non-empty page
 * is taken rather than trusting the order blindly.
 *
 * Cost: one ListModelPackages call per page up to the first page holding an approved version, plus
 * one DescribeModelPackage — two calls when the newest version is approved, whatever the group size.
 *
 * @param sagemaker a SageMaker client (or anything with its `send`) in the group's region
 * @param group the group name, or its ARN (required when the group is in another account)
 * @throws NoApprovedModelPackageError when the group has no approved version
 */
export async function latestApprovedModelPackage(
  sagemaker: AwsClient,
  group: string,
  options: LatestApprovedOptions = {},
): Promise<DescribeModelPackageCommandOutput> {
  const account = accountOfArn(group) ?? 'of the caller';
  let nextToken: string | undefined;
  let newest: ModelPackageSummary | undefined;
  do {
    const page = await send(
      sagemaker,
      new ListModelPackagesCommand({
        ModelPackageGroupName: group,
        ModelApprovalStatus: 'Approved',
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        MaxResults: 100,
        NextToken: nextToken,
      }),
      { action: 'sagemaker:ListModelPackages', resource: group, account },
      options.retry,
    );
    newest = newestOf(page.ModelPackageSummaryList ?? []);
    nextToken = page.NextToken;
  } while (newest === undefined && nextToken);

  if (newest?.ModelPackageArn === undefined) {
    throw new NoApprovedModelPackageError(group);
  }
  return send(
    sagemaker,
    new DescribeModelPackageCommand({ ModelPackageName: newest.ModelPackageArn }),
    { action: 'sagemaker:DescribeModelPackage', resource: newest.ModelPackageArn, account },
    options.retry,
  );
}

function newestOf(summaries: readonly ModelPackageSummary[]): ModelPackageSummary | undefined {
  let newest: ModelPackageSummary | undefined;
  for (const summary of summaries) {
    // The filter is asked of the API; checking again costs nothing and guards against a bad page.
    if (summary.ModelApprovalStatus !== undefined && summary.ModelApprovalStatus !== 'Approved') {
      continue;
    }
    // Pending, InProgress, Failed or Deleting (botocore's sagemaker model, ModelPackageStatus): a
    // version still being registered, or whose registration failed, cannot be deployed or copied.
    if (summary.ModelPackageStatus !== undefined && summary.ModelPackageStatus !== 'Completed') {
      continue;
    }
    if (newest === undefined || timeOf(summary) > timeOf(newest)) {
      newest = summary;
    }
  }
  return newest;
}

function timeOf(summary: ModelPackageSummary): number {
  return summary.CreationTime ? new Date(summary.CreationTime).getTime() : Number.NEGATIVE_INFINITY;
}
