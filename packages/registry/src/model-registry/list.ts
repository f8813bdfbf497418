import { ListModelPackagesCommand, type ModelPackageSummary } from '@aws-sdk/client-sagemaker';
import type { AwsClient } from '../aws-client';
import { send } from '../private/aws';
import type { RetryOptions } from '../private/retry';
import { accountOfArn } from './arn';

/**
 * Lists every version of a model package group, whatever its approval status, following NextToken.
 *
 * @param sagemaker a SageMaker client (or anything with its `send`) in the group's region
 * @param group the group name, or its ARN for a group in another account
 * @param account the account that owns the group, used in access-denied messages
 */
export async function listModelPackages(
  sagemaker: AwsClient,
  group: string,
  account?: string,
  retry?: RetryOptions,
): Promise<ModelPackageSummary[]> {
  const summaries: ModelPackageSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await send(
      sagemaker,
      new ListModelPackagesCommand({ ModelPackageGroupName: group, MaxResults: 100, NextToken: nextToken }),
      { action: 'sagemaker:ListModelPackages', resource: group, account: account ?? accountOfArn(group) ?? 'of the caller' },
      retry,
    );
    summaries.push(...(page.ModelPackageSummaryList ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return summaries;
}
