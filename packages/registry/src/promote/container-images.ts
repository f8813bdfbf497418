import { BatchGetImageCommand, type ImageIdentifier } from '@aws-sdk/client-ecr';
import type { AwsClient } from '../aws-client';
import { ContainerImageNotPullableError } from '../errors';
import { send } from '../private/aws';
import { errorNameOf, isAccessDenied, type RetryOptions } from '../private/retry';

/** An ECR client, or a function giving the ECR client of a region (images may live in another region). */
export type EcrClientSource = AwsClient | ((region: string) => AwsClient);

/** Options of {@link checkContainerImages}. */
export interface CheckContainerImagesOptions {
  /** ECR client(s) calling with the target account's credentials. */
  readonly ecr: EcrClientSource;
  /** The source model package description. */
  readonly describeOutput: unknown;
  /** The account the package comes from: only its private images are checked. */
  readonly sourceAccount: string;
  /** The account that will deploy the promoted package. */
  readonly targetAccount: string;
  /**
   * How throttling and transient errors are retried.
   *
   * @default - 5 attempts, exponential backoff from 200 ms with jitter
   */
  readonly retry?: RetryOptions;
}

/** A private ECR image URI split into its parts. */
export interface EcrImageRef {
  /** The image URI as written. */
  readonly uri: string;
  /** The registry (account) id. */
  readonly account: string;
  /** The registry region. */
  readonly region: string;
  /** The repository name. */
  readonly repository: string;
  /** The image tag or digest. */
  readonly imageId: ImageIdentifier;
}

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?::([^@]+))?(?:@(.+))?$/;

/** Parses a private ECR image URI, or returns undefined for any other image (public registries, Docker Hub). */
export function parseEcrImage(uri: string): EcrImageRef | undefined {
  const match = ECR_IMAGE.exec(uri);
  if (!match) {
    return undefined;
  }
  const [, account, region, repository, tag, digest] = match;
  const imageId: ImageIdentifier = digest !== undefined ? { imageDigest: digest } : { imageTag: tag ?? 'latest' };
  return { uri, account, region, repository, imageId };
}

/** Every container `Image` of an inference specification (main and additional ones), deduplicated. */
export function collectContainerImages(describeOutput: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'Image' && typeof child === 'string') {
          found.add(child);
        } else if (key !== '$metadata') {
          visit(child);
        }
      }
    }
  };
  const description = describeOutput as { InferenceSpecification?: unknown; AdditionalInferenceSpecifications?: unknown };
  visit(description.InferenceSpecification);
  visit(description.AdditionalInferenceSpecifications);
  return [...found];
}

/**
 * Checks that every image of the source account's private ECR can be pulled from the target account.
 *
 * Calls ECR BatchGetImage with the target account's credentials on each such repository. Images of
 * other accounts (SageMaker's and the Deep Learning Containers' registries) are not checked: AWS
 * makes them pullable from every account.
 *
 * @returns the images that were checked
 * @throws ContainerImageNotPullableError naming the repository, the account and the repository
 * policy actions (or the replication) the target account needs
 */
export async function checkContainerImages(options: CheckContainerImagesOptions): Promise<string[]> {
  if (options.sourceAccount === options.targetAccount) {
    return [];
  }
  const images = collectContainerImages(options.describeOutput)
    .map(parseEcrImage)
    .filter((image): image is EcrImageRef => image !== undefined && image.account === options.sourceAccount);
  for (const image of images) {
    await checkImage(image, options);
  }
  return images.map((image) => image.uri);
}

async function checkImage(image: EcrImageRef, options: CheckContainerImagesOptions): Promise<void> {
  const ecr = typeof options.ecr === 'function' ? options.ecr(image.region) : options.ecr;
  const fix =
    `Either add a repository policy to ${image.repository} (account ${image.account}, region ${image.region}) allowing ` +
    `principal arn:<partition>:iam::${options.targetAccount}:root the actions ecr:BatchGetImage, ` +
    'ecr:GetDownloadUrlForLayer and ecr:BatchCheckLayerAvailability (and allow them in the IAM policies of the ' +
    `target account's roles), or set up ECR cross-account replication of ${image.repository} to account ` +
    `${options.targetAccount} and re-register the source package with the replicated image.`;
  let response;
  try {
    response = await send(
      ecr,
      new BatchGetImageCommand({ registryId: image.account, repositoryName: image.repository, imageIds: [image.imageId] }),
      { action: 'ecr:BatchGetImage', resource: image.uri, account: image.account },
      options.retry,
    );
  } catch (error) {
    const name = errorNameOf(error);
    if (isAccessDenied(error) || name === 'RepositoryNotFoundException' || name === 'RegistryNotFoundException') {
      throw new ContainerImageNotPullableError(
        `Container image ${image.uri} is in the private ECR repository ${image.repository} of the source account ` +
          `${image.account}, which account ${options.targetAccount} cannot pull from (${name ?? 'access denied'}). ${fix}`,
        image.uri,
        error,
      );
    }
    throw error;
  }
  const failure = response.failures?.[0];
  if (failure !== undefined || (response.images ?? []).length === 0) {
    throw new ContainerImageNotPullableError(
      `Container image ${image.uri} cannot be pulled by account ${options.targetAccount}: ` +
        `${failure?.failureCode ?? 'ImageNotFound'} ${failure?.failureReason ?? ''}`.trim() +
        '. The model package references an image that is missing or inaccessible; push it again or re-register the package.',
      image.uri,
    );
  }
}
