export { ConfigError, exitOnConfigError, issuesFromZod } from './errors';
export type { ConfigIssue, IssuesFromZodOptions } from './errors';

export {
  accountId,
  booleanParam,
  ENVIRONMENT_TYPES,
  environmentSchema,
  eventBusArn,
  iamRoleArn,
  intParam,
  isPlaceholderAccount,
  jsonParam,
  kmsKeyArn,
  listParam,
  modelPackageArn,
  modelPackageGroupArn,
  modelPackageGroupName,
  partition,
  partitionOfRegion,
  PARTITIONS,
  PLACEHOLDER_ACCOUNTS,
  region,
  resourceName,
  s3BucketArn,
  s3BucketName,
} from './primitives';
export type {
  Environment,
  IntParamOptions,
  ParsedEventBusArn,
  ParsedIamRoleArn,
  ParsedKmsKeyArn,
  ParsedModelPackageArn,
  ParsedModelPackageGroupArn,
  ParsedS3BucketArn,
  Partition,
  ResourceNameOptions,
} from './primitives';

export { endpointVariantName, HOSTING_INSTANCE_FAMILIES, hostingInstanceType } from './endpoint';
export {
  cdkBootstrapQualifier,
  emailAddress,
  permissionsBoundaryName,
  sagemakerProjectId,
  sagemakerProjectName,
  securityGroupId,
  ssmParameterName,
  subnetId,
} from './project';
export { codeCommitRepositoryName, connectionArn, gitBranchName, REPOSITORY_TYPES, repositoryOwnerAndName, repositoryRules, repositoryType } from './repository';
export type { GitBranchNameOptions, ParsedConnectionArn, RepositoryParameters, RepositoryRulesOptions, RepositoryType } from './repository';
export { loadModuleConfig, normalizeParameterName } from './loader';
export { defineResolver } from './cross-field';
export {
  assemblyTemplates,
  BOOTSTRAP_POLICIES,
  BOOTSTRAP_POLICY_KINDS,
  BOOTSTRAP_POLICY_TYPES,
  CFN_RESOURCE_ACTIONS,
  committedExecutionPolicy,
  executionPolicyDocument,
  executionPolicyGaps,
  policyAllows,
  resourcesOf,
  resourceTypesOf,
} from './bootstrap-policy';
export { DEPLOY_HANDLERS, HANDLER_PERMISSIONS } from './bootstrap/handler-permissions';
export type { HandlerOperation, ResourceTypeHandlers, SchemaSource } from './bootstrap/handler-permissions';
export { HANDLER_PERMISSION_EXCLUSIONS, handlerPermissionGaps } from './bootstrap/handler-coverage';
export type { HandlerExclusion, HandlerPermissionGaps, ResourceLike } from './bootstrap/handler-coverage';
export type { AssemblyTemplate, BootstrapPolicyKind, PolicyDocumentLike, PolicyStatement } from './bootstrap-policy';
export { createPolicyCommand, deployRoleSsmReadStep, executionPolicyArn, formatPrerequisites, printPrerequisites } from './prerequisites';
export type { AccountPrerequisites, BootstrapRequirement, ModulePrerequisites } from './prerequisites';
export type { CrossFieldChecks, ModuleResolver, ModuleResolverFunction } from './cross-field';
export { EXTRA_REGIONS_VARIABLE, KNOWN_REGIONS } from './regions';
export type { LoadAndResolveOptions, LoadedModuleConfig, LoadOptions, ModuleContext } from './loader';

export { moduleMetadataRefSchema, valueRefSchema } from './seedfarmer/value-ref';
export type { ModuleMetadataRef, ValueRef } from './seedfarmer/value-ref';
export { seedfarmerProjectSchema } from './seedfarmer/project';
export type { SeedfarmerProject } from './seedfarmer/project';
export { BUILD_TYPES, deploySpecSchema } from './seedfarmer/deployspec';
export type { BuildPhase, DeploySpec } from './seedfarmer/deployspec';
export { deploymentManifestSchema } from './seedfarmer/deployment-manifest';
export type {
  DeploymentGroup,
  DeploymentManifest,
  NetworkMapping,
  RegionMapping,
  TargetAccountMapping,
} from './seedfarmer/deployment-manifest';
export { moduleManifestSchema, moduleParameterSchema, parseModuleManifests } from './seedfarmer/module-manifest';
export type { ModuleManifest, ModuleParameter } from './seedfarmer/module-manifest';
export { parseDeploymentManifest, parseDeploySpec, parseSeedfarmerProject } from './seedfarmer/parse';
export { resolveModuleInvocation } from './seedfarmer/invocation';
export type { CodeBuildReference, ModuleInvocation, ResolveModuleInvocationArgs } from './seedfarmer/invocation';
