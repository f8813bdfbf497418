import { policyAllows, type PolicyDocumentLike } from '../bootstrap-policy';
import { DEPLOY_HANDLERS, HANDLER_PERMISSIONS, type HandlerOperation } from './handler-permissions';

/** The properties of one template resource, as far as the exclusions are concerned. */
type Properties = Readonly<Record<string, unknown>>;

/**
 * Handler permissions that a policy need not grant. A schema lists what a handler may call for any
 * configuration of the type; most feature APIs are called only when the template sets that feature, so each
 * exclusion names the condition under which it holds (`holds`, given the resource's properties) and why.
 * `authorizedBy` marks names that are API operations rather than IAM actions: the IAM actions that authorize
 * them are required instead.
 */
export interface HandlerExclusion {
  readonly actions: readonly string[];
  readonly reason: string;
  /** Whether the exclusion holds for a resource with these properties. @default always */
  readonly holds?: (properties: Properties) => boolean;
  /** The IAM actions that authorize `actions` (which are API operation names), required in their place. */
  readonly authorizedBy?: readonly string[];
}

/** A resource that sets none of the named top-level properties. */
const setsNone =
  (...names: string[]) =>
  (properties: Properties) =>
    names.every((name) => properties[name] === undefined);
/** Whether a property's value mentions the text anywhere (nested structures, intrinsic functions). */
const mentions = (properties: Properties, name: string, text: string) => JSON.stringify(properties[name] ?? null).includes(text);

/**
 * The deliberate exclusions, per resource type, shared by every check of a policy against
 * {@link HANDLER_PERMISSIONS}: the bootstrap execution policies and project-template's launch role.
 */
export const HANDLER_PERMISSION_EXCLUSIONS: Readonly<Record<string, readonly HandlerExclusion[]>> = {
  'AWS::ApplicationAutoScaling::ScalableTarget': [
    { actions: ['application-autoscaling:PutScheduledAction', 'application-autoscaling:DeleteScheduledAction'], reason: 'scheduled actions only (ScheduledActions)', holds: setsNone('ScheduledActions') },
    {
      actions: ['lambda:GetProvisionedConcurrencyConfig', 'lambda:PutProvisionedConcurrencyConfig', 'lambda:DeleteProvisionedConcurrencyConfig'],
      reason: 'Lambda provisioned concurrency targets only (ServiceNamespace lambda); the endpoints scale SageMaker variants',
      holds: (p) => p.ServiceNamespace !== 'lambda',
    },
  ],
  'AWS::CodeCommit::Repository': [
    { actions: ['codecommit:PutRepositoryTriggers'], reason: 'repository triggers only (Triggers)', holds: setsNone('Triggers') },
    { actions: ['codecommit:UpdateRepositoryEncryptionKey'], reason: 'a customer managed key only (KmsKeyId)', holds: setsNone('KmsKeyId') },
    { actions: ['s3:GetObjectVersion'], reason: 'a versioned seed object only (Code.S3.ObjectVersion)', holds: (p) => !mentions(p, 'Code', 'ObjectVersion') },
  ],
  'AWS::CodePipeline::Pipeline': [
    {
      actions: ['codepipeline:DisableStageTransition', 'codepipeline:EnableStageTransition'],
      reason: 'disabled inbound transitions only (DisableInboundStageTransitions)',
      holds: setsNone('DisableInboundStageTransitions'),
    },
    { actions: ['codepipeline:StartPipelineExecution'], reason: 'restart on update only (RestartExecutionOnUpdate: true)', holds: (p) => p.RestartExecutionOnUpdate !== true },
    { actions: ['codestar-connections:PassConnection'], reason: 'a CodeConnections source action only (ConnectionArn)', holds: (p) => !mentions(p, 'Stages', 'ConnectionArn') },
  ],
  'AWS::ECR::Repository': [
    {
      actions: ['kms:DescribeKey', 'kms:CreateGrant', 'kms:RetireGrant'],
      reason: 'KMS encryption only (EncryptionConfiguration.EncryptionType KMS)',
      holds: (p) => !mentions(p, 'EncryptionConfiguration', '"KMS"'),
    },
  ],
  'AWS::IAM::Policy': [
    {
      actions: ['iam:GetUserPolicy', 'iam:PutUserPolicy', 'iam:DeleteUserPolicy', 'iam:GetGroupPolicy', 'iam:PutGroupPolicy', 'iam:DeleteGroupPolicy'],
      reason: 'policies of IAM users and groups only (Users, Groups); the templates attach policies to roles, and the policies manage roles only',
      holds: setsNone('Users', 'Groups'),
    },
  ],
  'AWS::IAM::Role': [
    {
      actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
      reason: 'managed policies only (ManagedPolicyArns); the delete handler detaches only what ListAttachedRolePolicies returns',
      holds: setsNone('ManagedPolicyArns'),
    },
  ],
  'AWS::KMS::Key': [
    { actions: ['kms:DisableKey', 'kms:EnableKey'], reason: 'a disabled key only (Enabled: false)', holds: (p) => p.Enabled !== false },
    { actions: ['kms:DisableKeyRotation'], reason: 'rotation turned off only (EnableKeyRotation: false); the keys rotate', holds: (p) => p.EnableKeyRotation !== false },
  ],
  'AWS::Lambda::Function': [
    {
      actions: ['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'ec2:DescribeNetworkInterfaces'],
      reason: 'functions in a VPC only (VpcConfig)',
      holds: setsNone('VpcConfig'),
    },
    { actions: ['elasticfilesystem:DescribeMountTargets'], reason: 'EFS mounts only (FileSystemConfigs)', holds: setsNone('FileSystemConfigs') },
    { actions: ['kms:CreateGrant', 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], reason: 'environment encryption with a customer managed key only (KmsKeyArn)', holds: setsNone('KmsKeyArn') },
    {
      actions: ['lambda:GetCodeSigningConfig', 'lambda:PutFunctionCodeSigningConfig', 'lambda:DeleteFunctionCodeSigningConfig'],
      reason: 'code signing only (CodeSigningConfigArn)',
      holds: setsNone('CodeSigningConfigArn'),
    },
    { actions: ['lambda:GetLayerVersion'], reason: 'Lambda layers only (Layers)', holds: setsNone('Layers') },
    { actions: ['lambda:PutRuntimeManagementConfig'], reason: 'runtime management only (RuntimeManagementConfig)', holds: setsNone('RuntimeManagementConfig') },
    { actions: ['s3:GetObjectVersion'], reason: 'a versioned code object only (Code.S3ObjectVersion)', holds: (p) => !mentions(p, 'Code', 'S3ObjectVersion') },
  ],
  'AWS::Logs::LogGroup': [
    {
      actions: ['logs:PutDataProtectionPolicy', 'logs:CreateLogDelivery', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'firehose:TagDeliveryStream', 's3:REST.PUT.OBJECT'],
      reason: 'a data protection policy and its audit destinations only (DataProtectionPolicy); s3:REST.PUT.OBJECT is not an IAM action',
      holds: setsNone('DataProtectionPolicy'),
    },
  ],
  'AWS::S3::Bucket': [
    { actions: ['s3:PutAnalyticsConfiguration', 's3:DeleteBucketAnalyticsConfiguration'], reason: 'storage class analysis only (AnalyticsConfigurations)', holds: setsNone('AnalyticsConfigurations') },
    { actions: ['s3:PutBucketCORS', 's3:DeleteBucketCors'], reason: 'CORS rules only (CorsConfiguration)', holds: setsNone('CorsConfiguration') },
    { actions: ['s3:PutInventoryConfiguration'], reason: 'S3 Inventory only (InventoryConfigurations)', holds: setsNone('InventoryConfigurations') },
    { actions: ['s3:PutMetricsConfiguration', 's3:DeleteBucketMetricsConfiguration'], reason: 'request metrics only (MetricsConfigurations)', holds: setsNone('MetricsConfigurations') },
    { actions: ['s3:PutBucketReplication', 's3:PutReplicationConfiguration', 's3:DeleteBucketReplication'], reason: 'replication only (ReplicationConfiguration)', holds: setsNone('ReplicationConfiguration') },
    { actions: ['s3:PutBucketWebsite', 's3:DeleteBucketWebsite'], reason: 'website hosting only (WebsiteConfiguration)', holds: setsNone('WebsiteConfiguration') },
    { actions: ['s3:PutAccelerateConfiguration'], reason: 'transfer acceleration only (AccelerateConfiguration)', holds: setsNone('AccelerateConfiguration') },
    {
      actions: ['s3:PutBucketObjectLockConfiguration', 's3:PutObjectLockConfiguration'],
      reason: 'Object Lock only (ObjectLockEnabled, ObjectLockConfiguration)',
      holds: setsNone('ObjectLockConfiguration', 'ObjectLockEnabled'),
    },
    { actions: ['s3:PutIntelligentTieringConfiguration'], reason: 'Intelligent-Tiering archive configurations only (IntelligentTieringConfigurations)', holds: setsNone('IntelligentTieringConfigurations') },
    {
      actions: [
        's3:CreateBucketMetadataTableConfiguration', 's3:DeleteBucketMetadataTableConfiguration', 's3:UpdateBucketMetadataJournalTableConfiguration',
        's3:UpdateBucketMetadataInventoryTableConfiguration', 's3tables:CreateNamespace', 's3tables:CreateTable', 's3tables:CreateTableBucket', 's3tables:GetTable',
        's3tables:PutTableEncryption', 's3tables:PutTablePolicy', 's3tables:GetTableMetadataLocation', 's3tables:UpdateTableMetadataLocation',
      ],
      reason: 'S3 Metadata tables only (MetadataTableConfiguration, MetadataConfiguration)',
      holds: setsNone('MetadataTableConfiguration', 'MetadataConfiguration'),
    },
    {
      actions: ['s3:PutObjectAcl', 's3:PutBucketAcl'],
      reason: 'a canned ACL only (AccessControl); the buckets enforce bucket-owner ownership with ACLs disabled',
      holds: setsNone('AccessControl'),
    },
    { actions: ['s3:PutBucketNotification'], reason: 'event notifications only (NotificationConfiguration)', holds: setsNone('NotificationConfiguration') },
    {
      actions: ['s3:DeleteObject'],
      reason: 'no bucket property calls for deleting objects at creation; granting object deletion on every bucket would let a deploy destroy data',
    },
    {
      actions: ['s3:DeleteBucketEncryption', 's3:DeleteBucketLifecycle'],
      reason: 'API operations, authorized by s3:PutEncryptionConfiguration and s3:PutLifecycleConfiguration (Amazon S3 API Reference, DeleteBucketEncryption, DeleteBucketLifecycle)',
      authorizedBy: ['s3:PutEncryptionConfiguration', 's3:PutLifecycleConfiguration'],
    },
  ],
  'AWS::ServiceCatalog::CloudFormationProduct': [
    {
      actions: ['codestar-connections:PassConnection', 'codestar-connections:UseConnection', 'codestar-connections:GetConnection'],
      reason: 'a product synced from a repository only (SourceConnection)',
      holds: setsNone('SourceConnection'),
    },
    {
      actions: ['cloudformation:GetTemplate'],
      reason: "a version imported from a stack only (Info.ImportFromPhysicalId); the product loads its template from the asset's URL",
      holds: (p) => !mentions(p, 'ProvisioningArtifactParameters', 'ImportFromPhysicalId'),
    },
  ],
  'AWS::ServiceCatalog::PortfolioPrincipalAssociation': [
    {
      actions: ['iam:GetUser', 'iam:GetGroup'],
      reason: 'IAM user and group principals only; the principals are roles (portfolio_principal_arns is a list of role ARNs, /mlops/role/lead names a role)',
      holds: (p) => !/:(user|group)\//.test(JSON.stringify(p.PrincipalARN ?? null)),
    },
  ],
  'AWS::SNS::Topic': [
    { actions: ['sns:Subscribe', 'sns:Unsubscribe'], reason: 'inline subscriptions only (Subscription); subscriptions are AWS::SNS::Subscription resources', holds: setsNone('Subscription') },
    { actions: ['sns:PutDataProtectionPolicy'], reason: 'a data protection policy only (DataProtectionPolicy)', holds: setsNone('DataProtectionPolicy') },
  ],
};

/** A resource of a template, or a resource type alone (then every exclusion of the type holds). */
export interface ResourceLike {
  readonly Type: string;
  readonly Properties?: Properties;
}

/** What {@link handlerPermissionGaps} found. */
export interface HandlerPermissionGaps {
  /** The types whose schema publishes no handlers (or that {@link HANDLER_PERMISSIONS} lacks): checked against nothing. */
  readonly withoutHandlers: string[];
  /** Per type, the handler permissions the policy does not allow and no exclusion covers. */
  readonly missing: Record<string, string[]>;
}

/**
 * The published create, update and delete permissions of the resources' types that the policy's Allow
 * statements do not grant (wildcards such as `sagemaker:Describe*` count), less {@link HANDLER_PERMISSION_EXCLUSIONS}
 * that hold for each resource. Resource ARNs and conditions are not evaluated.
 */
export function handlerPermissionGaps(
  resources: readonly ResourceLike[],
  policy: PolicyDocumentLike,
  options: { readonly operations?: readonly HandlerOperation[] } = {},
): HandlerPermissionGaps {
  const allows = policyAllows(policy);
  const withoutHandlers = new Set<string>();
  const missing: Record<string, Set<string>> = {};
  for (const resource of resources) {
    const handlers = HANDLER_PERMISSIONS[resource.Type]?.handlers;
    if (!handlers) {
      withoutHandlers.add(resource.Type);
      continue;
    }
    const listed = (options.operations ?? DEPLOY_HANDLERS).flatMap((operation) => handlers[operation] ?? []);
    const exclusions = (HANDLER_PERMISSION_EXCLUSIONS[resource.Type] ?? []).filter((e) => !e.holds || e.holds(resource.Properties ?? {}));
    const excluded = new Set(exclusions.flatMap((e) => e.actions));
    const required = [
      ...listed.filter((a) => !excluded.has(a)),
      ...exclusions.filter((e) => e.actions.some((a) => listed.includes(a))).flatMap((e) => e.authorizedBy ?? []),
    ];
    for (const action of required) {
      if (allows(action)) continue;
      (missing[resource.Type] ??= new Set()).add(action);
    }
  }
  return {
    withoutHandlers: [...withoutHandlers].sort(),
    missing: Object.fromEntries(Object.entries(missing).map(([type, actions]) => [type, [...actions].sort()])),
  };
}
