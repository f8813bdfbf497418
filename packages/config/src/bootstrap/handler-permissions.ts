/**
 * What CloudFormation's resource handlers call, per resource type and handler: the `handlers.<op>.permissions`
 * of the resource type schemas AWS publishes in the CloudFormation registry ("Resource type schema", AWS
 * CloudFormation CLI User Guide; `aws cloudformation describe-type --type RESOURCE --type-name <type>`).
 *
 * AWS does not publish every schema in a public repository, so each entry names the copy it was read from:
 * the registry's schemas as vendored by pulumi/pulumi-aws-native (`aws-cloudformation-schema/`) and
 * hashicorp/terraform-provider-awscc (`internal/service/cloudformation/schemas/`), or the type's own
 * aws-cloudformation/aws-cloudformation-resource-providers-* repository, at the commit read. Types whose schema
 * has no `handlers` (legacy types CloudFormation still provisions without a registry handler) say so; for them
 * {@link CFN_RESOURCE_ACTIONS} is the only list.
 *
 * Data, transcribed from those files: do not edit a list without re-reading its source (and updating `commit`).
 */

/** The handler operations CloudFormation runs on a stack create, update or delete. */
export const DEPLOY_HANDLERS = ['create', 'update', 'delete'] as const;
export type HandlerOperation = 'create' | 'read' | 'update' | 'delete';

/** Where a type's schema was read. */
export interface SchemaSource {
  /** GitHub `owner/name`. */
  readonly repository: string;
  /** The schema file in that repository. */
  readonly path: string;
  /** The commit the lists were read at. */
  readonly commit: string;
}

/** The published handler permissions of one resource type. */
export interface ResourceTypeHandlers {
  readonly source: SchemaSource;
  /** The schema's `handlers`, or `undefined` when the schema has none (see `note`). */
  readonly handlers: Partial<Record<HandlerOperation, readonly string[]>> | undefined;
  /** Why `handlers` is missing. */
  readonly note?: string;
}

/** Every resource type the apps' templates use (the keys of `CFN_RESOURCE_ACTIONS` but `Custom::*`). */
export const HANDLER_PERMISSIONS: Readonly<Record<string, ResourceTypeHandlers>> = {
  'AWS::ApplicationAutoScaling::ScalableTarget': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-applicationautoscaling-scalabletarget.json', commit: '001da55c4665088a12bc4c36c051838a252eb4b3' },
    handlers: {
      create: ['application-autoscaling:DescribeScalableTargets', 'application-autoscaling:RegisterScalableTarget', 'application-autoscaling:DescribeScheduledActions', 'application-autoscaling:PutScheduledAction', 'application-autoscaling:TagResource', 'application-autoscaling:ListTagsForResource', 'iam:PassRole', 'iam:CreateServiceLinkedRole', 'cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms', 'lambda:GetProvisionedConcurrencyConfig', 'lambda:PutProvisionedConcurrencyConfig', 'lambda:DeleteProvisionedConcurrencyConfig'],
      read: ['application-autoscaling:DescribeScalableTargets', 'application-autoscaling:DescribeScheduledActions', 'application-autoscaling:ListTagsForResource'],
      update: ['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:DescribeScalableTargets', 'application-autoscaling:DescribeScheduledActions', 'application-autoscaling:DeleteScheduledAction', 'application-autoscaling:PutScheduledAction', 'application-autoscaling:TagResource', 'application-autoscaling:UntagResource', 'application-autoscaling:ListTagsForResource', 'cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms', 'lambda:GetProvisionedConcurrencyConfig', 'lambda:PutProvisionedConcurrencyConfig', 'lambda:DeleteProvisionedConcurrencyConfig'],
      delete: ['application-autoscaling:DeregisterScalableTarget'],
    },
  },
  'AWS::ApplicationAutoScaling::ScalingPolicy': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-applicationautoscaling-scalingpolicy.json', commit: '13b012f6d16c13006e372abf897858b2b2847765' },
    handlers: {
      create: ['application-autoscaling:DescribeScalingPolicies', 'application-autoscaling:PutScalingPolicy', 'cloudwatch:GetMetricData'],
      read: ['application-autoscaling:DescribeScalingPolicies'],
      update: ['application-autoscaling:DescribeScalingPolicies', 'application-autoscaling:PutScalingPolicy', 'cloudwatch:GetMetricData'],
      delete: ['application-autoscaling:DescribeScalingPolicies', 'application-autoscaling:DeleteScalingPolicy'],
    },
  },
  'AWS::CloudWatch::Alarm': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-cloudwatch-alarm.json', commit: '11ac7b3942424e3c4863677b2a6ead0de2ab37bc' },
    handlers: {
      create: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:TagResource'],
      read: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
      update: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:TagResource', 'cloudwatch:UntagResource'],
      delete: ['cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms'],
    },
  },
  'AWS::CloudWatch::Dashboard': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-cloudwatch-dashboard.json', commit: '786d4b3a5199e2aee1019214aca0cb1f69928952' },
    handlers: {
      create: ['cloudwatch:PutDashboard', 'cloudwatch:GetDashboard'],
      read: ['cloudwatch:GetDashboard'],
      update: ['cloudwatch:PutDashboard'],
      delete: ['cloudwatch:DeleteDashboards', 'cloudwatch:GetDashboard'],
    },
  },
  'AWS::CodeBuild::Project': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-codebuild-project.json', commit: '30650477b658f7cd096cd9baac218a61f160e959' },
    handlers: undefined,
    note: 'the registry schema has no handlers (a legacy type without a registry resource provider; not in hashicorp/terraform-provider-awscc either)',
  },
  'AWS::CodeBuild::ReportGroup': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-codebuild-reportgroup.json', commit: '0415032d58a2d206ed9fe68c7de8f17a5b18876f' },
    handlers: {
      create: ['codebuild:CreateReportGroup'],
      read: ['codebuild:BatchGetReportGroups'],
      update: ['codebuild:UpdateReportGroup'],
      delete: ['codebuild:BatchGetReportGroups', 'codebuild:DeleteReportGroup'],
    },
  },
  'AWS::CodeCommit::Repository': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-codecommit-repository.json', commit: 'd729621ecf74b5798900fb4b068560c6f471c0c4' },
    handlers: {
      create: ['codecommit:CreateRepository', 'codecommit:PutRepositoryTriggers', 'codecommit:CreateCommit', 'codecommit:TagResource', 's3:GetObject', 's3:GetObjectVersion'],
      read: ['codecommit:ListRepositories', 'codecommit:GetRepository', 'codecommit:GetRepositoryTriggers', 'codecommit:ListTagsForResource'],
      update: ['codecommit:UpdateRepositoryName', 'codecommit:UpdateRepositoryDescription', 'codecommit:UpdateRepositoryEncryptionKey', 'codecommit:PutRepositoryTriggers', 'codecommit:TagResource', 'codecommit:UntagResource'],
      delete: ['codecommit:ListRepositories', 'codecommit:DeleteRepository'],
    },
  },
  'AWS::CodePipeline::Pipeline': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-codepipeline-pipeline.json', commit: '458296638122073d78d331cdd0eee6bf73c27cf3' },
    handlers: {
      create: ['iam:GetRole', 'iam:PassRole', 'codepipeline:GetPipeline', 'codepipeline:CreatePipeline', 'codepipeline:DisableStageTransition', 'codepipeline:GetPipelineState', 'codepipeline:TagResource', 'codestar-connections:PassConnection'],
      read: ['codepipeline:GetPipeline', 'codepipeline:ListTagsForResource', 'codepipeline:GetPipelineState'],
      update: ['iam:GetRole', 'iam:PassRole', 'codepipeline:EnableStageTransition', 'codepipeline:StartPipelineExecution', 'codepipeline:GetPipeline', 'codepipeline:UpdatePipeline', 'codepipeline:GetPipelineState', 'codepipeline:DisableStageTransition', 'codepipeline:TagResource', 'codepipeline:UntagResource', 'codestar-connections:PassConnection'],
      delete: ['codepipeline:GetPipeline', 'codepipeline:DeletePipeline'],
    },
  },
  'AWS::ECR::Repository': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-ecr-repository.json', commit: '00f8ac71305bfae18b1579f1bf363c75849461a4' },
    handlers: {
      create: ['ecr:CreateRepository', 'ecr:PutLifecyclePolicy', 'ecr:SetRepositoryPolicy', 'ecr:TagResource', 'kms:DescribeKey', 'kms:CreateGrant', 'kms:RetireGrant'],
      read: ['ecr:DescribeRepositories', 'ecr:GetLifecyclePolicy', 'ecr:GetRepositoryPolicy', 'ecr:ListTagsForResource'],
      update: ['ecr:DescribeRepositories', 'ecr:PutLifecyclePolicy', 'ecr:SetRepositoryPolicy', 'ecr:ListTagsForResource', 'ecr:TagResource', 'ecr:UntagResource', 'ecr:DeleteLifecyclePolicy', 'ecr:DeleteRepositoryPolicy', 'ecr:PutImageScanningConfiguration', 'ecr:PutImageTagMutability', 'kms:DescribeKey', 'kms:CreateGrant', 'kms:RetireGrant'],
      delete: ['ecr:DeleteRepository', 'kms:RetireGrant'],
    },
  },
  'AWS::Events::EventBus': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-events-eventbus.json', commit: '1266304294b7a412f9284343f78b483aba7149ff' },
    handlers: {
      create: ['events:CreateEventBus', 'events:DescribeEventBus', 'events:PutPermission', 'events:ListTagsForResource', 'events:TagResource'],
      read: ['events:DescribeEventBus', 'events:ListTagsForResource'],
      update: ['events:TagResource', 'events:UntagResource', 'events:PutPermission', 'events:DescribeEventBus'],
      delete: ['events:DescribeEventBus', 'events:DeleteEventBus'],
    },
  },
  'AWS::Events::EventBusPolicy': {
    source: { repository: 'hashicorp/terraform-provider-awscc', path: 'internal/service/cloudformation/schemas/AWS_Events_EventBusPolicy.json', commit: '3095c59f17d13b9c52ce418d2ede615131855d08' },
    handlers: {
      create: ['events:DescribeEventBus', 'events:PutPermission'],
      read: ['events:DescribeEventBus'],
      update: ['events:DescribeEventBus', 'events:PutPermission'],
      delete: ['events:DescribeEventBus', 'events:RemovePermission'],
    },
  },
  'AWS::Events::Rule': {
    source: { repository: 'aws-cloudformation/aws-cloudformation-resource-providers-events', path: 'aws-events-rule/aws-events-rule.json', commit: '0b8e716bec060d30d4ece96c4e2ef3e5481e814d' },
    handlers: {
      create: ['events:PutRule', 'events:PutTargets'],
      read: ['events:DescribeRule', 'events:ListTargetsByRule'],
      update: ['events:PutRule', 'events:RemoveTargets', 'events:PutTargets'],
      delete: ['events:DeleteRule', 'events:RemoveTargets', 'events:ListTargetsByRule'],
    },
  },
  'AWS::IAM::Policy': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-iam-policy.json', commit: '4d2f3e4a6f33f20451788bc3b13c5825b5557bce' },
    handlers: {
      create: ['iam:GetUserPolicy', 'iam:GetRolePolicy', 'iam:GetGroupPolicy', 'iam:PutUserPolicy', 'iam:PutRolePolicy', 'iam:PutGroupPolicy'],
      update: ['iam:PutUserPolicy', 'iam:PutRolePolicy', 'iam:PutGroupPolicy', 'iam:DeleteRolePolicy', 'iam:DeleteUserPolicy', 'iam:DeleteGroupPolicy'],
      delete: ['iam:DeleteRolePolicy', 'iam:DeleteUserPolicy', 'iam:DeleteGroupPolicy'],
    },
  },
  'AWS::IAM::Role': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-iam-role.json', commit: '0c61db28c612841d62fd56bff23e762d412d75e6' },
    handlers: {
      create: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies', 'iam:GetRolePolicy'],
      read: ['iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies', 'iam:GetRolePolicy'],
      update: ['iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy', 'iam:DetachRolePolicy', 'iam:AttachRolePolicy', 'iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePolicy', 'iam:PutRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies', 'iam:GetRolePolicy'],
      delete: ['iam:DeleteRole', 'iam:DetachRolePolicy', 'iam:DeleteRolePolicy', 'iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
    },
  },
  'AWS::KMS::Alias': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-kms-alias.json', commit: '15fdcf3d618638fd3fc9c764af9fd0a9f5611648' },
    handlers: {
      create: ['kms:CreateAlias'],
      read: ['kms:ListAliases'],
      update: ['kms:UpdateAlias'],
      delete: ['kms:DeleteAlias'],
    },
  },
  'AWS::KMS::Key': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-kms-key.json', commit: '2d2b0f94fc897948eacde018696a9db2484f95b8' },
    handlers: {
      create: ['kms:CreateKey', 'kms:EnableKeyRotation', 'kms:DisableKey', 'kms:TagResource', 'kms:PutKeyPolicy'],
      read: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
      update: ['kms:DescribeKey', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:EnableKey', 'kms:EnableKeyRotation', 'kms:PutKeyPolicy', 'kms:TagResource', 'kms:UntagResource', 'kms:UpdateKeyDescription', 'kms:ListResourceTags'],
      delete: ['kms:DescribeKey', 'kms:ScheduleKeyDeletion'],
    },
  },
  'AWS::Lambda::Function': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-lambda-function.json', commit: '01ce6712afed21870a0804771789420176618ff0' },
    handlers: {
      create: ['lambda:CreateFunction', 'lambda:GetFunction', 'lambda:PutFunctionConcurrency', 'iam:PassRole', 's3:GetObject', 's3:GetObjectVersion', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'elasticfilesystem:DescribeMountTargets', 'kms:CreateGrant', 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'lambda:GetCodeSigningConfig', 'lambda:GetFunctionCodeSigningConfig', 'lambda:GetLayerVersion', 'lambda:GetRuntimeManagementConfig', 'lambda:PutRuntimeManagementConfig', 'lambda:TagResource'],
      read: ['lambda:GetFunction', 'lambda:GetFunctionCodeSigningConfig'],
      update: ['lambda:DeleteFunctionConcurrency', 'lambda:GetFunction', 'lambda:PutFunctionConcurrency', 'lambda:ListTags', 'lambda:TagResource', 'lambda:UntagResource', 'lambda:UpdateFunctionConfiguration', 'lambda:UpdateFunctionCode', 'iam:PassRole', 's3:GetObject', 's3:GetObjectVersion', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'elasticfilesystem:DescribeMountTargets', 'kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey', 'lambda:GetRuntimeManagementConfig', 'lambda:PutRuntimeManagementConfig', 'lambda:PutFunctionCodeSigningConfig', 'lambda:DeleteFunctionCodeSigningConfig', 'lambda:GetCodeSigningConfig', 'lambda:GetFunctionCodeSigningConfig'],
      delete: ['lambda:DeleteFunction', 'lambda:GetFunction', 'ec2:DescribeNetworkInterfaces'],
    },
  },
  'AWS::Logs::LogGroup': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-logs-loggroup.json', commit: '07626e6c92e44587cfb62449cbb6ba8eb9c5f554' },
    handlers: {
      create: ['logs:DescribeLogGroups', 'logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:TagResource', 'logs:GetDataProtectionPolicy', 'logs:PutDataProtectionPolicy', 'logs:CreateLogDelivery', 's3:REST.PUT.OBJECT', 'firehose:TagDeliveryStream', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies'],
      read: ['logs:DescribeLogGroups', 'logs:ListTagsForResource', 'logs:GetDataProtectionPolicy'],
      update: ['logs:DescribeLogGroups', 'logs:AssociateKmsKey', 'logs:DisassociateKmsKey', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:TagResource', 'logs:UntagResource', 'logs:GetDataProtectionPolicy', 'logs:PutDataProtectionPolicy', 'logs:CreateLogDelivery', 's3:REST.PUT.OBJECT', 'firehose:TagDeliveryStream'],
      delete: ['logs:DescribeLogGroups', 'logs:DeleteLogGroup', 'logs:DeleteDataProtectionPolicy'],
    },
  },
  'AWS::S3::Bucket': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-s3-bucket.json', commit: '01e4de1ab22ad1b59a63103c5f6cc80952869912' },
    handlers: {
      create: ['s3:CreateBucket', 's3:PutBucketTagging', 's3:PutAnalyticsConfiguration', 's3:PutEncryptionConfiguration', 's3:PutBucketCORS', 's3:PutInventoryConfiguration', 's3:PutLifecycleConfiguration', 's3:PutMetricsConfiguration', 's3:PutBucketNotification', 's3:PutBucketReplication', 's3:PutBucketWebsite', 's3:PutAccelerateConfiguration', 's3:PutBucketPublicAccessBlock', 's3:PutReplicationConfiguration', 's3:PutObjectAcl', 's3:PutBucketObjectLockConfiguration', 's3:GetBucketAcl', 's3:ListBucket', 'iam:PassRole', 's3:DeleteObject', 's3:PutBucketLogging', 's3:PutBucketVersioning', 's3:PutObjectLockConfiguration', 's3:PutBucketOwnershipControls', 's3:PutIntelligentTieringConfiguration', 's3:GetBucketMetadataTableConfiguration', 's3:CreateBucketMetadataTableConfiguration', 's3tables:CreateNamespace', 's3tables:CreateTable', 's3tables:CreateTableBucket', 's3tables:GetTable', 's3tables:PutTableEncryption', 's3tables:PutTablePolicy', 's3tables:GetTableMetadataLocation', 's3tables:UpdateTableMetadataLocation'],
      read: ['s3:GetAccelerateConfiguration', 's3:GetLifecycleConfiguration', 's3:GetBucketPublicAccessBlock', 's3:GetAnalyticsConfiguration', 's3:GetBucketCORS', 's3:GetEncryptionConfiguration', 's3:GetInventoryConfiguration', 's3:GetBucketLogging', 's3:GetMetricsConfiguration', 's3:GetBucketNotification', 's3:GetBucketVersioning', 's3:GetReplicationConfiguration', 'S3:GetBucketWebsite', 's3:GetBucketObjectLockConfiguration', 's3:GetBucketTagging', 's3:GetBucketOwnershipControls', 's3:GetIntelligentTieringConfiguration', 's3:GetBucketMetadataTableConfiguration', 's3:ListBucket'],
      update: ['s3:PutBucketAcl', 's3:PutBucketTagging', 's3:PutAnalyticsConfiguration', 's3:PutEncryptionConfiguration', 's3:PutBucketCORS', 's3:PutInventoryConfiguration', 's3:PutLifecycleConfiguration', 's3:PutMetricsConfiguration', 's3:PutBucketNotification', 's3:PutBucketReplication', 's3:PutBucketWebsite', 's3:PutAccelerateConfiguration', 's3:GetBucketMetadataTableConfiguration', 's3:DeleteBucketMetadataTableConfiguration', 's3:CreateBucketMetadataTableConfiguration', 's3:UpdateBucketMetadataJournalTableConfiguration', 's3:UpdateBucketMetadataInventoryTableConfiguration', 's3tables:CreateNamespace', 's3tables:CreateTable', 's3tables:CreateTableBucket', 's3tables:GetTable', 's3tables:PutTableEncryption', 's3tables:PutTablePolicy', 's3tables:GetTableMetadataLocation', 's3tables:UpdateTableMetadataLocation', 's3:PutBucketPublicAccessBlock', 's3:PutReplicationConfiguration', 's3:PutBucketOwnershipControls', 's3:PutIntelligentTieringConfiguration', 's3:DeleteBucketWebsite', 's3:PutBucketLogging', 's3:PutBucketVersioning', 's3:PutObjectLockConfiguration', 's3:PutBucketObjectLockConfiguration', 's3:DeleteBucketAnalyticsConfiguration', 's3:DeleteBucketCors', 's3:DeleteBucketMetricsConfiguration', 's3:DeleteBucketEncryption', 's3:DeleteBucketLifecycle', 's3:DeleteBucketReplication', 'iam:PassRole', 's3:ListBucket'],
      delete: ['s3:DeleteBucket', 's3:ListBucket'],
    },
  },
  'AWS::S3::BucketPolicy': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-s3-bucketpolicy.json', commit: '157c65b430f326a0d10054e92cc1ed0fefce83c7' },
    handlers: {
      create: ['s3:GetBucketPolicy', 's3:PutBucketPolicy'],
      read: ['s3:GetBucketPolicy'],
      update: ['s3:GetBucketPolicy', 's3:PutBucketPolicy'],
      delete: ['s3:GetBucketPolicy', 's3:DeleteBucketPolicy'],
    },
  },
  'AWS::SageMaker::Endpoint': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-sagemaker-endpoint.json', commit: '650b565e4a7ae631c06d95dcc7c5ff7a6095f647' },
    handlers: {
      create: ['sagemaker:CreateEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:AddTags'],
      read: ['sagemaker:DescribeEndpoint', 'sagemaker:ListTags'],
      update: ['sagemaker:UpdateEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:AddTags', 'sagemaker:DeleteTags'],
      delete: ['sagemaker:DeleteEndpoint', 'sagemaker:DescribeEndpoint'],
    },
  },
  'AWS::SageMaker::EndpointConfig': {
    source: { repository: 'hashicorp/terraform-provider-awscc', path: 'internal/service/cloudformation/schemas/AWS_SageMaker_EndpointConfig.json', commit: 'df64caa6969bf80fe0b8b36d1b81aa74af742ce9' },
    handlers: {
      create: ['sagemaker:CreateEndpointConfig', 'sagemaker:AddTags', 'iam:PassRole', 'kms:DescribeKey'],
      read: ['sagemaker:DescribeEndpointConfig', 'sagemaker:ListTags'],
      update: ['sagemaker:AddTags', 'sagemaker:DeleteTags'],
      delete: ['sagemaker:DeleteEndpointConfig'],
    },
  },
  'AWS::SageMaker::Model': {
    source: { repository: 'hashicorp/terraform-provider-awscc', path: 'internal/service/cloudformation/schemas/AWS_SageMaker_Model.json', commit: '5120b3762eca05a01d96553844609df2b6931f7b' },
    handlers: {
      create: ['iam:PassRole', 'sagemaker:AddTags', 'sagemaker:CreateModel'],
      read: ['sagemaker:DescribeModel', 'sagemaker:ListTags'],
      update: ['sagemaker:AddTags', 'sagemaker:DeleteTags'],
      delete: ['sagemaker:DeleteModel'],
    },
  },
  'AWS::SageMaker::ModelPackageGroup': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-sagemaker-modelpackagegroup.json', commit: '30a616b52c9fde86df137f557e58a20831ad9bf1' },
    handlers: {
      create: ['sagemaker:CreateModelPackageGroup', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:GetModelPackageGroupPolicy', 'sagemaker:PutModelPackageGroupPolicy', 'sagemaker:ListTags', 'sagemaker:AddTags'],
      read: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:GetModelPackageGroupPolicy', 'sagemaker:PutModelPackageGroupPolicy', 'sagemaker:ListTags'],
      update: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:GetModelPackageGroupPolicy', 'sagemaker:DeleteModelPackageGroupPolicy', 'sagemaker:PutModelPackageGroupPolicy', 'sagemaker:ListTags', 'sagemaker:AddTags', 'sagemaker:DeleteTags'],
      delete: ['sagemaker:DeleteModelPackageGroup', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:GetModelPackageGroupPolicy', 'sagemaker:DeleteModelPackageGroupPolicy'],
    },
  },
  'AWS::SageMaker::Pipeline': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-sagemaker-pipeline.json', commit: '429c031641992169cbc48b44be14b8a19066d3b5' },
    handlers: {
      create: ['iam:PassRole', 's3:GetObject', 'sagemaker:CreatePipeline', 'sagemaker:DescribePipeline', 'sagemaker:AddTags', 'sagemaker:ListTags'],
      read: ['sagemaker:DescribePipeline', 'sagemaker:ListTags'],
      update: ['iam:PassRole', 's3:GetObject', 'sagemaker:UpdatePipeline', 'sagemaker:DescribePipeline', 'sagemaker:AddTags', 'sagemaker:DeleteTags', 'sagemaker:ListTags'],
      delete: ['sagemaker:DeletePipeline'],
    },
  },
  'AWS::ServiceCatalog::CloudFormationProduct': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-servicecatalog-cloudformationproduct.json', commit: '38e47d5fcdcc289027bd147a9a4cdf02af25d238' },
    handlers: {
      create: ['servicecatalog:DescribeProductAsAdmin', 'servicecatalog:CreateProvisioningArtifact', 'servicecatalog:CreateProduct', 'servicecatalog:ListProvisioningArtifacts', 'servicecatalog:DescribeProvisioningArtifact', 'servicecatalog:ListTagsForResource', 'servicecatalog:TagResource', 'codestar-connections:PassConnection', 'codestar-connections:UseConnection', 'codestar-connections:GetConnection', 'cloudformation:ValidateTemplate', 'cloudformation:GetTemplate', 's3:GetObject'],
      read: ['servicecatalog:DescribeProductAsAdmin', 'servicecatalog:DescribeProvisioningArtifact', 'servicecatalog:ListTagsForResource', 'servicecatalog:ListProvisioningArtifacts', 's3:GetObject'],
      update: ['servicecatalog:DescribeProductAsAdmin', 'servicecatalog:UpdateProduct', 'servicecatalog:ListProvisioningArtifacts', 'servicecatalog:DescribeProvisioningArtifact', 'codestar-connections:PassConnection', 'codestar-connections:UseConnection', 'codestar-connections:GetConnection', 'servicecatalog:DeleteProvisioningArtifact', 'servicecatalog:CreateProvisioningArtifact', 'servicecatalog:UpdateProvisioningArtifact', 'cloudformation:ValidateTemplate', 'cloudformation:GetTemplate', 'servicecatalog:TagResource', 'servicecatalog:UntagResource', 's3:GetObject', 'servicecatalog:ListServiceActionsForProvisioningArtifact', 'servicecatalog:DisassociateServiceActionFromProvisioningArtifact'],
      delete: ['servicecatalog:DeleteProduct', 's3:GetObject'],
    },
  },
  'AWS::ServiceCatalog::LaunchRoleConstraint': {
    source: { repository: 'hashicorp/terraform-provider-awscc', path: 'internal/service/cloudformation/schemas/AWS_ServiceCatalog_LaunchRoleConstraint.json', commit: '3553a30161c0fd865a0ed2307d8b19abdc93229a' },
    handlers: {
      create: ['servicecatalog:CreateConstraint', 'servicecatalog:DescribeConstraint', 'iam:GetRole', 'iam:PassRole'],
      read: ['servicecatalog:DescribeConstraint'],
      update: ['servicecatalog:UpdateConstraint', 'servicecatalog:DescribeConstraint', 'iam:GetRole', 'iam:PassRole'],
      delete: ['servicecatalog:DeleteConstraint'],
    },
  },
  'AWS::ServiceCatalog::Portfolio': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-servicecatalog-portfolio.json', commit: '650b565e4a7ae631c06d95dcc7c5ff7a6095f647' },
    handlers: {
      create: ['servicecatalog:CreatePortfolio', 'servicecatalog:DescribePortfolio', 'servicecatalog:TagResource', 'servicecatalog:ListTagsForResource'],
      read: ['servicecatalog:DescribePortfolio', 'servicecatalog:ListTagsForResource'],
      update: ['servicecatalog:UpdatePortfolio', 'servicecatalog:DescribePortfolio', 'servicecatalog:TagResource', 'servicecatalog:UntagResource', 'servicecatalog:ListTagsForResource'],
      delete: ['servicecatalog:DeletePortfolio', 'servicecatalog:DescribePortfolio'],
    },
  },
  'AWS::ServiceCatalog::PortfolioPrincipalAssociation': {
    source: { repository: 'hashicorp/terraform-provider-awscc', path: 'internal/service/cloudformation/schemas/AWS_ServiceCatalog_PortfolioPrincipalAssociation.json', commit: '360be8e26f27b38fc208d901ab542f33eaf04f20' },
    handlers: {
      create: ['servicecatalog:AssociatePrincipalWithPortfolio', 'servicecatalog:ListPrincipalsForPortfolio', 'iam:GetUser', 'iam:GetRole', 'iam:GetGroup'],
      read: ['servicecatalog:ListPrincipalsForPortfolio'],
      delete: ['servicecatalog:DisassociatePrincipalFromPortfolio', 'servicecatalog:ListPrincipalsForPortfolio', 'iam:GetUser', 'iam:GetRole', 'iam:GetGroup'],
    },
  },
  'AWS::ServiceCatalog::PortfolioProductAssociation': {
    source: { repository: 'hashicorp/terraform-provider-awscc', path: 'internal/service/cloudformation/schemas/AWS_ServiceCatalog_PortfolioProductAssociation.json', commit: '434c7dff064b0ff9a191ee85fe08c688c08cdec6' },
    handlers: {
      create: ['servicecatalog:AssociateProductWithPortfolio', 'servicecatalog:ListPortfoliosForProduct'],
      read: ['servicecatalog:ListPortfoliosForProduct'],
      delete: ['servicecatalog:DisassociateProductFromPortfolio', 'servicecatalog:ListPortfoliosForProduct'],
    },
  },
  'AWS::SNS::Subscription': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-sns-subscription.json', commit: '10c047f354aee075697945e71e2e7d56fe154330' },
    handlers: undefined,
    note: 'the registry schema has no handlers (a legacy type without a registry resource provider; not in hashicorp/terraform-provider-awscc either)',
  },
  'AWS::SNS::Topic': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-sns-topic.json', commit: '001da55c4665088a12bc4c36c051838a252eb4b3' },
    handlers: {
      create: ['sns:CreateTopic', 'sns:TagResource', 'sns:Subscribe', 'sns:GetTopicAttributes', 'sns:PutDataProtectionPolicy', 'iam:GetRole', 'iam:PassRole'],
      read: ['sns:GetTopicAttributes', 'sns:ListTagsForResource', 'sns:ListSubscriptionsByTopic', 'sns:GetDataProtectionPolicy'],
      update: ['sns:SetTopicAttributes', 'sns:TagResource', 'sns:UntagResource', 'sns:Subscribe', 'sns:Unsubscribe', 'sns:GetTopicAttributes', 'sns:ListTagsForResource', 'sns:ListSubscriptionsByTopic', 'sns:GetDataProtectionPolicy', 'sns:PutDataProtectionPolicy', 'iam:GetRole', 'iam:PassRole'],
      delete: ['sns:GetTopicAttributes', 'sns:DeleteTopic'],
    },
  },
  'AWS::SNS::TopicPolicy': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-sns-topicpolicy.json', commit: '0dbb8099e71b7ecf6e278157e0a87fbcf26ee853' },
    handlers: {
      create: ['sns:SetTopicAttributes'],
      read: [],
      update: ['sns:SetTopicAttributes'],
      delete: ['sns:SetTopicAttributes'],
    },
  },
  'AWS::SQS::Queue': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-sqs-queue.json', commit: '00f8ac71305bfae18b1579f1bf363c75849461a4' },
    handlers: {
      create: ['sqs:CreateQueue', 'sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:ListQueueTags', 'sqs:TagQueue'],
      read: ['sqs:GetQueueAttributes', 'sqs:ListQueueTags'],
      update: ['sqs:SetQueueAttributes', 'sqs:GetQueueAttributes', 'sqs:ListQueueTags', 'sqs:TagQueue', 'sqs:UntagQueue'],
      delete: ['sqs:DeleteQueue', 'sqs:GetQueueAttributes'],
    },
  },
  'AWS::SQS::QueuePolicy': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-sqs-queuepolicy.json', commit: '1401e80350322ce1e9cbe05c9321f89203ed5b04' },
    handlers: {
      create: ['sqs:SetQueueAttributes'],
      update: ['sqs:SetQueueAttributes'],
      delete: ['sqs:SetQueueAttributes'],
    },
  },
  'AWS::SSM::Parameter': {
    source: { repository: 'pulumi/pulumi-aws-native', path: 'aws-cloudformation-schema/aws-ssm-parameter.json', commit: '00f8ac71305bfae18b1579f1bf363c75849461a4' },
    handlers: {
      create: ['ssm:PutParameter', 'ssm:AddTagsToResource', 'ssm:GetParameters'],
      read: ['ssm:GetParameters'],
      update: ['ssm:PutParameter', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource', 'ssm:GetParameters'],
      delete: ['ssm:DeleteParameter'],
    },
  },
};
