export type { AwsClient } from './aws-client';
export { bundlePath, type BundleName } from './bundles';
export {
  buildEndpointDeployment,
  BUILD_REPORT_FILE,
  formatBuildSummary,
  PIPELINE_VARIABLES_FILE,
  shellQuote,
  stackSetParametersFileName,
  templateConfigurationFileName,
  type BuildEndpointDeploymentOptions,
  type EndpointBuildReport,
  type EndpointStackParameters,
  type StageDeployment,
} from './endpoint-deploy/build';
export {
  endpointBuildFromEnvironment,
  ENDPOINT_BUILD_ENVIRONMENT_VARIABLES,
  ENDPOINT_TEST_ENVIRONMENT_VARIABLES,
  parseEndpointBuildEnvironment,
  parseEndpointTestEnvironment,
  stagingTestFromEnvironment,
  type EndpointBuildClients,
  type EndpointBuildEnvironment,
  type EndpointBuildHooks,
  type EndpointTestEnvironment,
  type StagingTestClients,
  type StagingTestHooks,
} from './endpoint-deploy/environment';
export { formatStagingTestJUnit, writeStagingTestReports } from './endpoint-deploy/junit';
export { ENDPOINT_STACK_TAG_KEYS, stageConfigFileName, validateStageConfig, type StageConfig } from './endpoint-deploy/stage-config';
export {
  failedStagingTestReport,
  formatStagingTestSummary,
  runStagingTest,
  type AccountTestResult,
  type AwsCredentials,
  type CredentialsProvider,
  type InvocationResult,
  type RunStagingTestOptions,
  type StagingTestReport,
} from './endpoint-deploy/staging-test';
export {
  DEFAULT_STAGING_TEST_DEFINITION,
  loadStagingTestDefinition,
  MAX_INVOKE_ENDPOINT_BODY_BYTES,
  parseStagingTestDefinition,
  stagingTestPayload,
  type StagingTestDefinition,
  type StagingTestDefinitionInput,
} from './endpoint-deploy/staging-test-definition';
export {
  AccessDeniedError,
  AwsRequestRefusedError,
  ContainerImageNotPullableError,
  DeployRepositoryFileError,
  EndpointDeployEnvironmentError,
  NoApprovedModelPackageError,
  PromoteEnvironmentError,
} from './errors';
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
  PROJECT_ID_KEY,
  PROJECT_ID_TAG,
  PROJECT_NAME_KEY,
  PROJECT_NAME_TAG,
  PROMOTED_BY_KEY,
  REJECTED_BY_PROMOTION,
  SOURCE_MODEL_PACKAGE_ARN_KEY,
} from './promote/lineage';
export {
  buildCreateModelPackageInput,
  carriedModelPackageFields,
  clientTokenFor,
  promote,
  type PromoteClients,
  type PromoteCopyOptions,
  type PromoteOptions,
  type PromotionReport,
} from './promote/promote';
export { collectS3Uris, rewriteS3Uris } from './promote/s3-uris';
export type { RetryOptions, Sleep } from './private/retry';
