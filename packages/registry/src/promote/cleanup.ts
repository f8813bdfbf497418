import {
  DeleteModelPackageCommand,
  DeleteModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListTagsCommand,
  type Tag,
} from '@aws-sdk/client-sagemaker';
import type { AwsClient } from '../aws-client';
import { listModelPackages } from '../model-registry/list';
import { isNotFound, send } from '../private/aws';
import { errorNameOf, isTransientAwsError, type RetryOptions, type Sleep } from '../private/retry';
import { CREATED_BY_TAG, PROMOTED_BY_KEY } from './lineage';

/** Options of {@link cleanupPromotedPackages}. */
export interface CleanupPromotedPackagesOptions {
  /** SageMaker in the target account and region. */
  readonly sagemaker: AwsClient;
  /** The target model package group. */
  readonly targetGroupName: string;
  /** The promoter whose packages (and group) are removed; others are left alone. */
  readonly promotedBy: string;
  /**
   * The target account, for access-denied messages.
   *
   * @default - "of the caller"
   */
  readonly account?: string;
  /**
   * How retries wait; injected so tests do not wait.
   *
   * @default - setTimeout
   */
  readonly sleep?: Sleep;
  /**
   * How throttling and transient errors are retried (`sleep` above takes precedence).
   *
   * @default - 5 attempts, exponential backoff from 200 ms with jitter
   */
  readonly retry?: RetryOptions;
}

/** What {@link cleanupPromotedPackages} deleted. */
export interface CleanupResult {
  /** ARNs of the deleted model packages. */
  readonly deletedModelPackages: string[];
  /** True when the group was deleted too. */
  readonly deletedModelPackageGroup: boolean;
}

/**
 * Deletes the packages a promoter registered in the target group, then the group itself when that
 * promoter created it and nothing else is left in it.
 *
 * Used when the promote module is destroyed with `retain_on_delete=false`. Packages registered by
 * anyone else, and a group someone else created, are never touched.
 */
export async function cleanupPromotedPackages(options: CleanupPromotedPackagesOptions): Promise<CleanupResult> {
  const retry: RetryOptions = { ...options.retry, ...(options.sleep !== undefined ? { sleep: options.sleep } : {}) };
  const account = options.account ?? 'of the caller';
  const group = options.targetGroupName;
  let groupArn: string | undefined;
  try {
    const described = await send(
      options.sagemaker,
      new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group }),
      { action: 'sagemaker:DescribeModelPackageGroup', resource: group, account },
      retry,
    );
    groupArn = described.ModelPackageGroupArn;
  } catch (error) {
    if (isNotFound(error)) {
      return { deletedModelPackages: [], deletedModelPackageGroup: false };
    }
    throw error;
  }

  const summaries = await listModelPackages(options.sagemaker, group, account, retry);
  const deletedModelPackages: string[] = [];
  let othersRemain = false;
  for (const summary of summaries) {
    const arn = summary.ModelPackageArn;
    if (arn === undefined) {
      continue;
    }
    let described;
    try {
      described = await send(
        options.sagemaker,
        new DescribeModelPackageCommand({ ModelPackageName: arn }),
        { action: 'sagemaker:DescribeModelPackage', resource: arn, account },
        retry,
      );
    } catch (error) {
      // Deleted since the listing (e.g. by a previous, interrupted cleanup).
      if (isNotFound(error)) {
        continue;
      }
      throw error;
    }
    if (described.CustomerMetadataProperties?.[PROMOTED_BY_KEY] !== options.promotedBy) {
      othersRemain = true;
      continue;
    }
    await send(
      options.sagemaker,
      new DeleteModelPackageCommand({ ModelPackageName: arn }),
      { action: 'sagemaker:DeleteModelPackage', resource: arn, account },
      retry,
    );
    deletedModelPackages.push(arn);
  }

  if (othersRemain || groupArn === undefined) {
    return { deletedModelPackages, deletedModelPackageGroup: false };
  }
  const tags = await send(
    options.sagemaker,
    new ListTagsCommand({ ResourceArn: groupArn }),
    { action: 'sagemaker:ListTags', resource: groupArn, account },
    retry,
  );
  if (!createdBy(tags.Tags ?? [], options.promotedBy)) {
    return { deletedModelPackages, deletedModelPackageGroup: false };
  }
  await send(
    options.sagemaker,
    new DeleteModelPackageGroupCommand({ ModelPackageGroupName: group }),
    { action: 'sagemaker:DeleteModelPackageGroup', resource: groupArn, account },
    {
      // Package deletion is asynchronous: the group reports a conflict until its packages are gone.
      attempts: 8,
      ...retry,
      retryIf: (error) => isTransientAwsError(error) || errorNameOf(error) === 'ConflictException',
    },
  );
  return { deletedModelPackages, deletedModelPackageGroup: true };
}

function createdBy(tags: readonly Tag[], promotedBy: string): boolean {
  return tags.some((tag) => tag.Key === CREATED_BY_TAG && tag.Value === promotedBy);
}
