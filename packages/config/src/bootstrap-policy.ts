import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResourceLike } from './bootstrap/handler-coverage';

/**
 * The IAM policies that `cdk bootstrap --cloudformation-execution-policies` gives the CloudFormation
 * execution role of an account, in place of the default AdministratorAccess: one per kind of
 * template these apps deploy there. The policy documents are committed under `docs/bootstrap/`;
 * each app's tests check that every resource type of its synthesized templates is covered.
 */

/** The kinds of account-level templates, each with its own policy. */
export const BOOTSTRAP_POLICY_KINDS = ['module', 'endpoint', 'model-cicd-build-account', 'batch-stage', 'portfolio'] as const;
export type BootstrapPolicyKind = (typeof BOOTSTRAP_POLICY_KINDS)[number];

/** Where each policy is documented and what its name is in the account. */
export const BOOTSTRAP_POLICIES: Record<BootstrapPolicyKind, { readonly file: string; readonly policyName: string; readonly purpose: string }> = {
  module: {
    file: 'docs/bootstrap/module-execution-policy.json',
    policyName: 'sagemaker-mlops-module-cfn-exec',
    purpose: "the stacks a module deploys in its own account (promote's components, endpoint-deploy's pipeline, model-cicd's pipelines)",
  },
  endpoint: {
    file: 'docs/bootstrap/endpoint-execution-policy.json',
    policyName: 'sagemaker-mlops-endpoint-cfn-exec',
    purpose: 'the shared endpoint template (EndpointStack) deployed into stage and deploy accounts',
  },
  'model-cicd-build-account': {
    file: 'docs/bootstrap/model-cicd-build-account-execution-policy.json',
    policyName: 'sagemaker-mlops-model-cicd-build-cfn-exec',
    purpose: "model-cicd's build account stack of a deployment group (artifacts, registry, roles, forwarding)",
  },
  'batch-stage': {
    file: 'docs/bootstrap/batch-stage-execution-policy.json',
    policyName: 'sagemaker-mlops-batch-stage-cfn-exec',
    purpose: "batch-promotion's stage template (SageMaker pipeline, schedule, dashboard, alarms) deployed into pre-prod and prod",
  },
  portfolio: {
    file: 'docs/bootstrap/portfolio-execution-policy.json',
    policyName: 'sagemaker-mlops-portfolio-cfn-exec',
    purpose: "project-template's module stack (Service Catalog portfolio, product, launch role, SSM parameters)",
  },
};

/**
 * What CloudFormation calls, with the execution role's credentials, to create, update and delete a
 * resource of each type (the `handlers` permissions of the CloudFormation registry schemas, AWS
 * CloudFormation User Guide, "Resource type schema"). `iam:PassRole` is listed where a type names a role.
 * `Custom::*` stands for every Lambda-backed custom resource, which CloudFormation invokes with the role.
 * Checked against the published handler lists (`HANDLER_PERMISSIONS` of bootstrap/handler-permissions.ts,
 * less the deliberate `HANDLER_PERMISSION_EXCLUSIONS` of bootstrap/handler-coverage.ts) by test/bootstrap-handlers.test.ts.
 */
export const CFN_RESOURCE_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  'AWS::ApplicationAutoScaling::ScalableTarget': [
    'application-autoscaling:RegisterScalableTarget', 'application-autoscaling:DeregisterScalableTarget', 'application-autoscaling:DescribeScalableTargets',
    'application-autoscaling:TagResource', 'application-autoscaling:UntagResource', 'application-autoscaling:ListTagsForResource',
    'application-autoscaling:DescribeScheduledActions', 'sagemaker:DescribeEndpoint', 'sagemaker:UpdateEndpointWeightsAndCapacities', 'iam:CreateServiceLinkedRole',
  ],
  'AWS::ApplicationAutoScaling::ScalingPolicy': [
    'application-autoscaling:PutScalingPolicy', 'application-autoscaling:DeleteScalingPolicy', 'application-autoscaling:DescribeScalingPolicies',
    'cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms', 'cloudwatch:GetMetricData',
  ],
  'AWS::CloudWatch::Alarm': ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource', 'cloudwatch:UntagResource', 'cloudwatch:ListTagsForResource'],
  'AWS::CloudWatch::Dashboard': ['cloudwatch:PutDashboard', 'cloudwatch:GetDashboard', 'cloudwatch:DeleteDashboards'],
  'AWS::CodeBuild::Project': ['codebuild:CreateProject', 'codebuild:UpdateProject', 'codebuild:DeleteProject', 'codebuild:BatchGetProjects', 'iam:PassRole'],
  'AWS::CodeBuild::ReportGroup': ['codebuild:CreateReportGroup', 'codebuild:UpdateReportGroup', 'codebuild:DeleteReportGroup', 'codebuild:BatchGetReportGroups'],
  'AWS::CodeCommit::Repository': [
    'codecommit:CreateRepository', 'codecommit:DeleteRepository', 'codecommit:GetRepository', 'codecommit:UpdateRepositoryName', 'codecommit:UpdateRepositoryDescription',
    'codecommit:TagResource', 'codecommit:UntagResource', 'codecommit:ListTagsForResource', 'codecommit:GetRepositoryTriggers', 'codecommit:PutRepositoryTriggers',
    'codecommit:CreateCommit', 'codecommit:ListRepositories', 's3:GetObject',
  ],
  'AWS::CodePipeline::Pipeline': [
    'codepipeline:CreatePipeline', 'codepipeline:UpdatePipeline', 'codepipeline:DeletePipeline', 'codepipeline:GetPipeline', 'codepipeline:GetPipelineState',
    'codepipeline:TagResource', 'codepipeline:UntagResource', 'codepipeline:ListTagsForResource', 'iam:PassRole',
    // CDK Pipelines restart on update (RestartExecutionOnUpdate); a CodeConnections source needs PassConnection on the
    // connection, under either service prefix ("Update a pending connection", AWS CodePipeline User Guide).
    'codepipeline:StartPipelineExecution', 'codestar-connections:PassConnection', 'codeconnections:PassConnection',
  ],
  'AWS::ECR::Repository': [
    'ecr:CreateRepository', 'ecr:DeleteRepository', 'ecr:DescribeRepositories', 'ecr:PutImageScanningConfiguration', 'ecr:PutImageTagMutability',
    'ecr:PutLifecyclePolicy', 'ecr:GetLifecyclePolicy', 'ecr:DeleteLifecyclePolicy', 'ecr:SetRepositoryPolicy', 'ecr:GetRepositoryPolicy',
    'ecr:DeleteRepositoryPolicy', 'ecr:TagResource', 'ecr:UntagResource', 'ecr:ListTagsForResource',
  ],
  'AWS::Events::EventBus': ['events:CreateEventBus', 'events:UpdateEventBus', 'events:DeleteEventBus', 'events:DescribeEventBus', 'events:TagResource', 'events:UntagResource', 'events:ListTagsForResource'],
  'AWS::Events::EventBusPolicy': ['events:PutPermission', 'events:RemovePermission', 'events:DescribeEventBus'],
  'AWS::Events::Rule': [
    'events:PutRule', 'events:DeleteRule', 'events:DescribeRule', 'events:EnableRule', 'events:DisableRule', 'events:PutTargets', 'events:RemoveTargets',
    'events:ListTargetsByRule', 'events:TagResource', 'events:UntagResource', 'iam:PassRole',
  ],
  'AWS::IAM::Policy': ['iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy'],
  'AWS::IAM::Role': [
    'iam:CreateRole', 'iam:DeleteRole', 'iam:GetRole', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole',
    'iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy', 'iam:ListRolePolicies', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy',
    'iam:ListAttachedRolePolicies', 'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary',
  ],
  'AWS::KMS::Alias': ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias', 'kms:ListAliases'],
  'AWS::KMS::Key': [
    'kms:CreateKey', 'kms:DescribeKey', 'kms:EnableKey', 'kms:DisableKey', 'kms:EnableKeyRotation', 'kms:DisableKeyRotation', 'kms:GetKeyRotationStatus',
    'kms:GetKeyPolicy', 'kms:PutKeyPolicy', 'kms:UpdateKeyDescription', 'kms:ListResourceTags', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion',
  ],
  'AWS::Lambda::Function': [
    'lambda:CreateFunction', 'lambda:DeleteFunction', 'lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:UpdateFunctionCode',
    'lambda:UpdateFunctionConfiguration', 'lambda:TagResource', 'lambda:UntagResource', 'lambda:ListTags', 'lambda:PutFunctionConcurrency',
    'lambda:DeleteFunctionConcurrency', 'lambda:GetFunctionCodeSigningConfig', 'lambda:GetRuntimeManagementConfig', 'iam:PassRole', 's3:GetObject',
  ],
  'AWS::Logs::LogGroup': [
    'logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:DescribeLogGroups', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy',
    'logs:AssociateKmsKey', 'logs:DisassociateKmsKey', 'logs:TagResource', 'logs:UntagResource', 'logs:ListTagsForResource',
    'logs:GetDataProtectionPolicy', 'logs:DeleteDataProtectionPolicy',
  ],
  'AWS::S3::Bucket': [
    's3:CreateBucket', 's3:DeleteBucket', 's3:ListBucket', 's3:GetBucketTagging', 's3:PutBucketTagging', 's3:GetEncryptionConfiguration', 's3:PutEncryptionConfiguration',
    's3:GetBucketVersioning', 's3:PutBucketVersioning', 's3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock', 's3:GetBucketOwnershipControls',
    's3:PutBucketOwnershipControls', 's3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration', 's3:GetBucketLogging', 's3:PutBucketLogging',
    's3:GetBucketAcl', 's3:PutBucketAcl', 's3:GetBucketNotification', 's3:PutBucketNotification', 's3:GetBucketMetadataTableConfiguration',
  ],
  'AWS::S3::BucketPolicy': ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
  'AWS::SageMaker::Endpoint': ['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint', 'sagemaker:DeleteEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig', 'sagemaker:AddTags', 'sagemaker:DeleteTags', 'sagemaker:ListTags'],
  'AWS::SageMaker::EndpointConfig': ['sagemaker:CreateEndpointConfig', 'sagemaker:DeleteEndpointConfig', 'sagemaker:DescribeEndpointConfig', 'sagemaker:AddTags', 'sagemaker:ListTags', 'kms:CreateGrant', 'kms:DescribeKey'],
  'AWS::SageMaker::Model': ['sagemaker:CreateModel', 'sagemaker:DeleteModel', 'sagemaker:DescribeModel', 'sagemaker:AddTags', 'sagemaker:ListTags', 'iam:PassRole'],
  'AWS::SageMaker::ModelPackageGroup': [
    'sagemaker:CreateModelPackageGroup', 'sagemaker:DeleteModelPackageGroup', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:GetModelPackageGroupPolicy',
    'sagemaker:PutModelPackageGroupPolicy', 'sagemaker:DeleteModelPackageGroupPolicy', 'sagemaker:AddTags', 'sagemaker:DeleteTags', 'sagemaker:ListTags',
  ],
  // The definition is read from PipelineDefinitionS3Location with the caller's (the execution role's) credentials:
  // batch-promotion's dev bucket and key let the stages' cfn-exec roles read it (s3:GetObject, kms:Decrypt via S3).
  'AWS::SageMaker::Pipeline': [
    'sagemaker:CreatePipeline', 'sagemaker:UpdatePipeline', 'sagemaker:DeletePipeline', 'sagemaker:DescribePipeline', 'sagemaker:AddTags',
    'sagemaker:DeleteTags', 'sagemaker:ListTags', 'iam:PassRole', 's3:GetObject', 'kms:Decrypt',
  ],
  // Service Catalog reads the product's template from its URL (the CDK asset bucket) and validates it.
  'AWS::ServiceCatalog::CloudFormationProduct': [
    'servicecatalog:CreateProduct', 'servicecatalog:UpdateProduct', 'servicecatalog:DeleteProduct', 'servicecatalog:DescribeProductAsAdmin',
    'servicecatalog:CreateProvisioningArtifact', 'servicecatalog:UpdateProvisioningArtifact', 'servicecatalog:DeleteProvisioningArtifact',
    'servicecatalog:DescribeProvisioningArtifact', 'servicecatalog:ListProvisioningArtifacts', 'servicecatalog:TagResource', 'servicecatalog:UntagResource',
    'servicecatalog:ListTagsForResource', 'servicecatalog:ListServiceActionsForProvisioningArtifact',
    'servicecatalog:DisassociateServiceActionFromProvisioningArtifact', 'cloudformation:ValidateTemplate', 's3:GetObject',
  ],
  // A launch constraint needs iam:PassRole on its role (AWS Service Catalog Administrator Guide, "AWS Service Catalog launch constraints").
  'AWS::ServiceCatalog::LaunchRoleConstraint': ['servicecatalog:CreateConstraint', 'servicecatalog:UpdateConstraint', 'servicecatalog:DeleteConstraint', 'servicecatalog:DescribeConstraint', 'iam:PassRole'],
  'AWS::ServiceCatalog::Portfolio': ['servicecatalog:CreatePortfolio', 'servicecatalog:UpdatePortfolio', 'servicecatalog:DeletePortfolio', 'servicecatalog:DescribePortfolio', 'servicecatalog:TagResource', 'servicecatalog:UntagResource', 'servicecatalog:ListTagsForResource'],
  'AWS::ServiceCatalog::PortfolioPrincipalAssociation': ['servicecatalog:AssociatePrincipalWithPortfolio', 'servicecatalog:DisassociatePrincipalFromPortfolio', 'servicecatalog:ListPrincipalsForPortfolio'],
  'AWS::ServiceCatalog::PortfolioProductAssociation': ['servicecatalog:AssociateProductWithPortfolio', 'servicecatalog:DisassociateProductFromPortfolio', 'servicecatalog:ListPortfoliosForProduct'],
  'AWS::SNS::Subscription': ['sns:Subscribe', 'sns:Unsubscribe', 'sns:GetSubscriptionAttributes', 'sns:SetSubscriptionAttributes'],
  'AWS::SNS::Topic': [
    'sns:CreateTopic', 'sns:DeleteTopic', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:TagResource', 'sns:UntagResource', 'sns:ListTagsForResource',
    'sns:ListSubscriptionsByTopic', 'sns:GetDataProtectionPolicy',
  ],
  'AWS::SNS::TopicPolicy': ['sns:GetTopicAttributes', 'sns:SetTopicAttributes'],
  'AWS::SQS::Queue': ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue', 'sqs:ListQueueTags'],
  'AWS::SQS::QueuePolicy': ['sqs:GetQueueAttributes', 'sqs:SetQueueAttributes'],
  'AWS::SSM::Parameter': ['ssm:PutParameter', 'ssm:GetParameters', 'ssm:DeleteParameter', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource', 'ssm:ListTagsForResource'],
  'Custom::*': ['lambda:InvokeFunction'],
};

/** The statements of an IAM policy document, as far as coverage is concerned. */
export interface PolicyDocumentLike {
  readonly Statement: ReadonlyArray<{ readonly Effect: string; readonly Action?: string | readonly string[] }>;
}

/** The resource types of CloudFormation templates (`Resources.*.Type`), sorted and unique. */
export function resourceTypesOf(templates: ReadonlyArray<{ readonly Resources?: Record<string, { readonly Type?: unknown }> }>): string[] {
  const types = new Set<string>();
  for (const template of templates) {
    for (const resource of Object.values(template.Resources ?? {})) {
      if (typeof resource.Type === 'string') types.add(resource.Type);
    }
  }
  return [...types].sort();
}

/** The resources of templates (those with a `Type`), for {@link handlerPermissionGaps}. */
export function resourcesOf(templates: ReadonlyArray<{ readonly Resources?: Record<string, { readonly Type?: unknown; readonly Properties?: unknown }> }>): ResourceLike[] {
  return templates.flatMap((template) =>
    Object.values(template.Resources ?? {}).flatMap((r) => (typeof r.Type === 'string' ? [{ Type: r.Type, Properties: (r.Properties ?? {}) as ResourceLike['Properties'] }] : [])),
  );
}

/**
 * Whether the policy's Allow statements name an action, directly or through a wildcard pattern
 * (`sagemaker:Describe*`); IAM matches actions case-insensitively. Resources and conditions are not evaluated.
 */
export function policyAllows(policy: PolicyDocumentLike): (action: string) => boolean {
  const allowed = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => (typeof s.Action === 'string' ? [s.Action] : [...(s.Action ?? [])]));
  const patterns = allowed.map((pattern) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i'));
  return (action) => patterns.some((pattern) => pattern.test(action));
}

/**
 * What an execution policy lacks for templates with the given resource types: the types no entry of
 * {@link CFN_RESOURCE_ACTIONS} describes (add one: the list must not go stale), and per type the
 * actions the policy's Allow statements do not grant.
 */
export function executionPolicyGaps(
  resourceTypes: readonly string[],
  policy: PolicyDocumentLike,
): { readonly unknownTypes: string[]; readonly missingActions: Record<string, string[]> } {
  const grants = policyAllows(policy);
  const unknownTypes: string[] = [];
  const missingActions: Record<string, string[]> = {};
  for (const type of resourceTypes) {
    const actions = CFN_RESOURCE_ACTIONS[type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource' ? 'Custom::*' : type];
    if (!actions) {
      unknownTypes.push(type);
      continue;
    }
    const missing = actions.filter((action) => !grants(action));
    if (missing.length > 0) missingActions[type] = missing;
  }
  return { unknownTypes, missingActions };
}

/** One statement of a generated execution policy. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: string | string[];
  readonly Resource: string;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** The resource types each policy covers: the union over the templates of that kind (checked by the apps' tests). */
export const BOOTSTRAP_POLICY_TYPES: Record<BootstrapPolicyKind, readonly string[]> = {
  module: [
    'AWS::CodeBuild::Project', 'AWS::CodeBuild::ReportGroup', 'AWS::CodeCommit::Repository', 'AWS::CodePipeline::Pipeline',
    'AWS::Events::EventBus', 'AWS::Events::EventBusPolicy', 'AWS::Events::Rule', 'AWS::IAM::Policy', 'AWS::IAM::Role',
    'AWS::KMS::Alias', 'AWS::KMS::Key', 'AWS::Lambda::Function', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy',
    'AWS::SageMaker::ModelPackageGroup', 'AWS::SNS::Subscription', 'AWS::SNS::Topic', 'AWS::SNS::TopicPolicy',
    'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'Custom::*',
  ],
  endpoint: [
    'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::ApplicationAutoScaling::ScalingPolicy', 'AWS::CloudWatch::Alarm',
    'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy',
    'AWS::SageMaker::Endpoint', 'AWS::SageMaker::EndpointConfig', 'AWS::SageMaker::Model', 'AWS::SNS::Topic', 'AWS::SNS::TopicPolicy',
  ],
  'model-cicd-build-account': [
    'AWS::Events::Rule', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::KMS::Alias', 'AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy',
    'AWS::SageMaker::ModelPackageGroup', 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy',
  ],
  'batch-stage': [
    'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard', 'AWS::Events::Rule', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::KMS::Key',
    'AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'AWS::SageMaker::ModelPackageGroup', 'AWS::SageMaker::Pipeline', 'AWS::SNS::Topic',
    'AWS::SNS::TopicPolicy', 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy',
  ],
  portfolio: [
    'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::ServiceCatalog::CloudFormationProduct', 'AWS::ServiceCatalog::LaunchRoleConstraint',
    'AWS::ServiceCatalog::Portfolio', 'AWS::ServiceCatalog::PortfolioPrincipalAssociation', 'AWS::ServiceCatalog::PortfolioProductAssociation',
    'AWS::SSM::Parameter',
  ],
};

/** Services a role created by these templates is passed to (the roles of Lambda, CodeBuild, CodePipeline, SageMaker, EventBridge targets). */
const PASSED_TO_SERVICES = ['codebuild.amazonaws.com', 'codepipeline.amazonaws.com', 'events.amazonaws.com', 'lambda.amazonaws.com', 'sagemaker.amazonaws.com'];
/** The portfolio's launch role is passed to Service Catalog by its launch constraint. */
const PASSED_TO_SERVICES_OF: Partial<Record<BootstrapPolicyKind, readonly string[]>> = { portfolio: ['servicecatalog.amazonaws.com'] };
const OWN_ROLES = 'arn:*:iam::${aws:PrincipalAccount}:role/*';
/**
 * Where batch-promotion's stage template reads its SageMaker pipeline definition: the dev account's artifact
 * bucket (`<id>-dev-artifacts-<dev account>`), under `releases/definitions/`, which that bucket's policy opens
 * to the stages' cfn-exec roles.
 */
const RELEASE_DEFINITIONS = 'arn:*:s3:::*-dev-artifacts-*/releases/definitions/*';

/**
 * The execution policy document of one kind, generated from {@link BOOTSTRAP_POLICY_TYPES} and
 * {@link CFN_RESOURCE_ACTIONS}: the committed files under `docs/bootstrap/` are its output
 * (`node -e "console.log(JSON.stringify(require('@sagemaker-mlops/config').executionPolicyDocument('endpoint'), null, 2))"`).
 * IAM actions are limited to roles of the account, `iam:PassRole` also to the services the roles are
 * for; CDK file assets are read from the account's bootstrap bucket only; every other action is on
 * `*`, since CloudFormation names the resources at deploy time.
 */
export function executionPolicyDocument(kind: BootstrapPolicyKind): { readonly Version: string; readonly Statement: PolicyStatement[] } {
  const actions = [...new Set(BOOTSTRAP_POLICY_TYPES[kind].flatMap((type) => CFN_RESOURCE_ACTIONS[type] ?? []))].sort();
  const special = new Set(['iam:PassRole', 'iam:CreateServiceLinkedRole', 's3:GetObject', 'kms:CreateGrant', 'kms:Decrypt']);
  const byService = new Map<string, string[]>();
  for (const action of actions.filter((a) => !special.has(a))) {
    const service = action.split(':')[0];
    byService.set(service, [...(byService.get(service) ?? []), action]);
  }
  const sid = (service: string) => service.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  const statements: PolicyStatement[] = [];
  for (const [service, list] of [...byService].sort(([a], [b]) => a.localeCompare(b))) {
    statements.push({ Sid: `Manage${sid(service)}`, Effect: 'Allow', Action: list, Resource: service === 'iam' ? OWN_ROLES : '*' });
  }
  if (actions.includes('iam:PassRole')) {
    statements.push({ Sid: 'PassOwnRolesToTheirServices', Effect: 'Allow', Action: 'iam:PassRole', Resource: OWN_ROLES, Condition: { StringEquals: { 'iam:PassedToService': [...(PASSED_TO_SERVICES_OF[kind] ?? PASSED_TO_SERVICES)] } } });
  }
  if (actions.includes('iam:CreateServiceLinkedRole')) {
    statements.push({
      Sid: 'CreateAutoScalingServiceLinkedRole',
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: 'arn:*:iam::${aws:PrincipalAccount}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/*',
      Condition: { StringEquals: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' } },
    });
  }
  if (actions.includes('kms:CreateGrant')) {
    statements.push({ Sid: 'GrantKeysToSageMaker', Effect: 'Allow', Action: 'kms:CreateGrant', Resource: '*', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } });
  }
  if (actions.includes('s3:GetObject')) {
    statements.push({ Sid: 'ReadCdkFileAssets', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:*:s3:::cdk-*-assets-${aws:PrincipalAccount}-*/*' });
  }
  if (kind === 'batch-stage') {
    statements.push({ Sid: 'ReadPromotedPipelineDefinitions', Effect: 'Allow', Action: 's3:GetObject', Resource: RELEASE_DEFINITIONS });
  }
  if (actions.includes('kms:Decrypt')) {
    // The definition object is encrypted with the dev account's key, which lets the stages decrypt through S3 only.
    statements.push({ Sid: 'DecryptThroughS3', Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:*:kms:*:*:key/*', Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } } });
  }
  if (kind === 'endpoint') {
    // Parameters of type AWS::SSM::Parameter::Value<...> (the VPC from SSM): the identity that creates the change
    // set resolves them (the CDK deploy role: deployRoleSsmReadStep in prerequisites.ts); a StackSet instance is
    // created as the StackSet execution role, which carries this policy.
    statements.push({ Sid: 'ResolveSsmParameters', Effect: 'Allow', Action: 'ssm:GetParameters', Resource: 'arn:*:ssm:*:${aws:PrincipalAccount}:parameter/*' });
  }
  if (kind === 'portfolio') {
    // project-template with another deployment_region reads its support stack's output with Fn::GetStackOutput,
    // whose RoleArn "defaults to the current stack's execution role", which needs cloudformation:DescribeStacks on
    // the referenced stack (CloudFormation Template Reference, "Fn::GetStackOutput").
    statements.push({ Sid: 'ReadOwnStackOutputs', Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: 'arn:*:cloudformation:*:${aws:PrincipalAccount}:stack/*' });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** A CloudFormation template found in a cloud assembly. */
export interface AssemblyTemplate {
  /** The file, relative to the assembly directory (e.g. `assembly-x/y.template.json`, `asset.<hash>/z.template.json`). */
  readonly file: string;
  readonly template: { readonly Resources?: Record<string, { readonly Type?: unknown }> };
}

/**
 * Every CloudFormation template of a cloud assembly: its stacks, nested assemblies (CDK Pipelines
 * stages) and template files shipped as assets (a pre-synthesized template another account deploys).
 */
export function assemblyTemplates(directory: string): AssemblyTemplate[] {
  const found: AssemblyTemplate[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.template.json')) {
        const template = JSON.parse(fs.readFileSync(full, 'utf8')) as AssemblyTemplate['template'];
        if (template && typeof template === 'object' && template.Resources) found.push({ file: path.relative(directory, full), template });
      }
    }
  };
  visit(directory);
  return found.sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * The committed policy document of one kind (`BOOTSTRAP_POLICIES[kind].file`, below `repositoryRoot`):
 * what tests check the synthesized templates against.
 */
export function committedExecutionPolicy(kind: BootstrapPolicyKind, repositoryRoot: string): PolicyDocumentLike {
  return JSON.parse(fs.readFileSync(path.join(repositoryRoot, BOOTSTRAP_POLICIES[kind].file), 'utf8')) as PolicyDocumentLike;
}
