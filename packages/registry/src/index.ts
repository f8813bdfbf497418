export type { AwsClient } from './aws-client';
export { bundlePath, type BundleName } from './bundles';
export { AccessDeniedError, ContainerImageNotPullableError, NoApprovedModelPackageError, PromoteEnvironmentError } from './errors';
export { parseModelPackageGroupArn, type ModelPackageGroupRef } from './model-registry/arn';
export { latestApprovedModelPackage, type LatestApprovedOptions } from './model-registry/latest-approved';
export { listModelPackages } from './model-registry/list';
export { cleanupPromotedPackages, type CleanupPromotedPackagesOptions, type CleanupResult } from './promote/cleanup';
export {
  handleCleanupEvent,
  type CleanupHandlerDependencies,
  type CleanupResourceEvent,
  type CleanupResourceResponse,
} from './promote/cleanup-handler';
export {
  checkContainerImages,
  collectContainerImages,
  parseEcrImage,
  type CheckContainerImagesOptions,
  type EcrClientSource,
  type EcrImageRef,
} from './promote/container-images';
export {
  copyArtifacts,
  PROMOTED_SOURCE_ETAG_METADATA_KEY,
  type ArtifactCopy,
  type CopyArtifactsOptions,
  type CopyArtifactsResult,
} from './promote/copy-artifacts';
export {
  formatPromotionSummary,
  parsePromoteEnvironment,
  promoteFromEnvironment,
  PROMOTE_ENVIRONMENT_VARIABLES,
  type PromoteEnvironment,
  type PromoteEnvironmentClients,
  type PromoteEnvironmentHooks,
} from './promote/environment';
export {
  CREATED_BY_TAG,
  PROJECT_ID_TAG,
  PROJECT_NAME_TAG,
  PROMOTED_BY_KEY,
  REJECTED_BY_PROMOTION,
  SOURCE_MODEL_PACKAGE_ARN_KEY,
} from './promote/lineage';
export {
  buildCreateModelPackageInput,
  clientTokenFor,
  promote,
  type PromoteClients,
  type PromoteCopyOptions,
  type PromoteOptions,
  type PromotionReport,
} from './promote/promote';
export { collectS3Uris, rewriteS3Uris } from './promote/s3-uris';
export type { RetryOptions, Sleep } from './private/retry';
