import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { nagNotation } from '@sagemaker-mlops/constructs';
import { Construct } from 'constructs';
import { PROJECT_ROLE_PATH } from '../product/names';

export interface LaunchRoleProps {
  /** The bucket holding the product template and the seed zips (the module's asset bucket). */
  readonly assetBucketName: string;
  /** The CodeConnections connection the projects' pipelines use, if any. */
  readonly connectionArn?: string;
  /** A permissions boundary every project role must carry. */
  readonly permissionsBoundaryArn?: string;
  /**
   * SSM parameters (names, in the module's region) the product template reads through `{{resolve:ssm:...}}`.
   *
   * @default [] - none
   */
  readonly resolvedParameterNames?: string[];
}

/** The tags every project resource carries (ProjectProduct), which the launch role requires on creation. */
const PROJECT_TAG = 'sagemaker:project-id';
/** CloudFormation names what it names for a Service Catalog stack `SC-<account>-pp-<id>` after the stack. */
const SC_PREFIX = 'SC-';

/**
 * The role Service Catalog launches, updates and terminates a project with (launch constraint). Each
 * statement allows the CloudFormation operations on one resource type the product template holds, on the
 * names the template gives it; IAM roles only under the project role path, passed only to the services
 * that run them. The reference's launch role has IAMFullAccess, S3/CodeCommit/CodePipeline/EventBridge full
 * access and `iam:PassRole` on `*`.
 *
 * The actions are those CloudFormation calls for each resource type (the `handlers` permissions of the
 * resource type schemas in the CloudFormation registry, `HANDLER_PERMISSIONS` of @sagemaker-mlops/config, checked
 * by test/launch-role-permissions.test.ts); a project that fails to launch names the missing action in its stack events.
 */
export class LaunchRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: LaunchRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const arn = (service: string, resource: string, resourceName?: string, format?: ArnFormat) =>
      stack.formatArn({ service, resource, resourceName, arnFormat: format });
    const iamArn = (resource: string, resourceName: string) => stack.formatArn({ service: 'iam', region: '', resource, resourceName });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('servicecatalog.amazonaws.com'),
      description: 'Launches, updates and terminates SageMaker projects of the project template (Service Catalog launch constraint)',
    });
    const wildcards: Array<{ resource: string; reason: string }> = [];
    const allow = (sid: string, actions: string[], resources: string[], reason?: string, conditions?: Record<string, unknown>) => {
      this.role.addToPolicy(new iam.PolicyStatement({ sid, actions, resources, conditions }));
      if (reason) for (const resource of resources) wildcards.push({ resource, reason });
    };
    const tagged = { Null: { [`aws:RequestTag/${PROJECT_TAG}`]: 'false' } };
    const ownTag = { Null: { [`aws:ResourceTag/${PROJECT_TAG}`]: 'false' } };

    const stacks = arn('cloudformation', 'stack', `${SC_PREFIX}*`);
    allow(
      'ProjectStacks',
      [
        'cloudformation:CreateStack',
        'cloudformation:UpdateStack',
        'cloudformation:DeleteStack',
        'cloudformation:DescribeStacks',
        'cloudformation:DescribeStackEvents',
        'cloudformation:DescribeStackResource',
        'cloudformation:DescribeStackResources',
        'cloudformation:ListStackResources',
        'cloudformation:GetTemplate',
        'cloudformation:SetStackPolicy',
        'cloudformation:CreateChangeSet',
        'cloudformation:DescribeChangeSet',
        'cloudformation:ExecuteChangeSet',
        'cloudformation:DeleteChangeSet',
      ],
      [stacks],
      'Service Catalog names each provisioned product stack SC-<account>-pp-<id>.',
    );
    // ValidateTemplate and GetTemplateSummary support no resource-level permissions ("Actions, resources, and
    // condition keys for AWS CloudFormation", Service Authorization Reference).
    allow('ReadTemplates', ['cloudformation:ValidateTemplate', 'cloudformation:GetTemplateSummary'], ['*'], 'cloudformation:ValidateTemplate and GetTemplateSummary have no resource-level permissions.');
    allow(
      'ReadTemplateAndSeeds',
      ['s3:GetObject', 's3:GetObjectVersion'],
      [`arn:${stack.partition}:s3:::${props.assetBucketName}/*`],
      'The product template and the seed code zips are objects of the module asset bucket, whose keys are content hashes.',
    );

    const buckets = `arn:${stack.partition}:s3:::${SC_PREFIX.toLowerCase()}*`;
    allow(
      'ProjectBuckets',
      [
        's3:CreateBucket',
        's3:DeleteBucket',
        's3:GetBucketPolicy',
        's3:GetBucketVersioning',
        's3:GetBucketPublicAccessBlock',
        's3:GetBucketOwnershipControls',
        's3:GetBucketLogging',
        's3:GetBucketAcl',
        's3:GetBucketNotification',
        's3:GetBucketTagging',
        's3:GetBucketLocation',
        's3:PutBucketPolicy',
        's3:DeleteBucketPolicy',
        's3:PutBucketVersioning',
        's3:PutBucketPublicAccessBlock',
        's3:PutBucketOwnershipControls',
        's3:PutBucketLogging',
        's3:PutBucketTagging',
        's3:PutEncryptionConfiguration',
        's3:GetEncryptionConfiguration',
        's3:PutLifecycleConfiguration',
        's3:GetLifecycleConfiguration',
        's3:GetBucketMetadataTableConfiguration',
        's3:ListBucket',
      ],
      [buckets],
      'CloudFormation names the project buckets after the provisioned product stack (sc-<account>-pp-<id>-...).',
    );

    allow('CreateProjectKeys', ['kms:CreateKey'], ['*'], 'kms:CreateKey has no resource; the request must carry the project tag.', tagged);
    allow(
      'ManageProjectKeys',
      [
        'kms:DescribeKey',
        'kms:GetKeyPolicy',
        'kms:PutKeyPolicy',
        'kms:GetKeyRotationStatus',
        'kms:EnableKeyRotation',
        'kms:UpdateKeyDescription',
        'kms:ScheduleKeyDeletion',
        'kms:TagResource',
        'kms:UntagResource',
        'kms:ListResourceTags',
      ],
      [arn('kms', 'key', '*')],
      'Key ids are assigned at creation; only keys carrying the project tag.',
      ownTag,
    );

    allow(
      'ProjectModelPackageGroups',
      [
        'sagemaker:CreateModelPackageGroup',
        'sagemaker:DeleteModelPackageGroup',
        'sagemaker:DescribeModelPackageGroup',
        'sagemaker:PutModelPackageGroupPolicy',
        'sagemaker:GetModelPackageGroupPolicy',
        'sagemaker:DeleteModelPackageGroupPolicy',
        'sagemaker:AddTags',
        'sagemaker:DeleteTags',
        'sagemaker:ListTags',
      ],
      [arn('sagemaker', 'model-package-group', '*')],
      'The group is named <project name>-<project id>, known only at launch.',
    );

    allow(
      'ProjectImageRepositories',
      [
        'ecr:CreateRepository',
        'ecr:DeleteRepository',
        'ecr:DescribeRepositories',
        'ecr:SetRepositoryPolicy',
        'ecr:GetRepositoryPolicy',
        'ecr:DeleteRepositoryPolicy',
        'ecr:PutImageScanningConfiguration',
        'ecr:PutImageTagMutability',
        'ecr:PutLifecyclePolicy',
        'ecr:GetLifecyclePolicy',
        'ecr:DeleteLifecyclePolicy',
        'ecr:TagResource',
        'ecr:UntagResource',
        'ecr:ListTagsForResource',
      ],
      [arn('ecr', 'repository', 'sagemaker-*')],
      'The repository is named sagemaker-<project id>, known only at launch.',
    );

    const roles = iamArn('role', `${PROJECT_ROLE_PATH.slice(1)}*`);
    const boundary = props.permissionsBoundaryArn ? { StringEquals: { 'iam:PermissionsBoundary': props.permissionsBoundaryArn } } : undefined;
    allow('CreateProjectRoles', ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'], [roles], `Project roles live under the path ${PROJECT_ROLE_PATH}; CloudFormation names them.`, boundary);
    allow(
      'ManageProjectRoles',
      [
        'iam:GetRole',
        'iam:DeleteRole',
        'iam:UpdateRole',
        'iam:UpdateRoleDescription',
        'iam:UpdateAssumeRolePolicy',
        'iam:PutRolePolicy',
        'iam:GetRolePolicy',
        'iam:DeleteRolePolicy',
        'iam:ListRolePolicies',
        'iam:ListAttachedRolePolicies',
        'iam:TagRole',
        'iam:UntagRole',
      ],
      [roles],
      `Project roles live under the path ${PROJECT_ROLE_PATH}; CloudFormation names them.`,
    );
    allow(
      'PassProjectRoles',
      ['iam:PassRole'],
      [roles],
      `Only project roles (path ${PROJECT_ROLE_PATH}), only to the services that run them.`,
      {
        StringEquals: {
          'iam:PassedToService': ['sagemaker.amazonaws.com', 'codebuild.amazonaws.com', 'codepipeline.amazonaws.com', 'events.amazonaws.com'],
        },
      },
    );

    allow(
      'ProjectRepositories',
      [
        'codecommit:CreateRepository',
        'codecommit:DeleteRepository',
        'codecommit:GetRepository',
        'codecommit:UpdateRepositoryDescription',
        'codecommit:CreateCommit',
        'codecommit:GitPush',
        'codecommit:GetBranch',
        'codecommit:TagResource',
        'codecommit:UntagResource',
        'codecommit:ListTagsForResource',
      ],
      [arn('codecommit', '*-build', undefined, ArnFormat.NO_RESOURCE_NAME), arn('codecommit', '*-deploy', undefined, ArnFormat.NO_RESOURCE_NAME)],
      'The repositories are named <project name>-build and <project name>-deploy, known only at launch.',
    );
    // The repository's delete handler lists repositories; ListRepositories takes no resource ("CodeCommit
    // permissions reference", AWS CodeCommit User Guide).
    allow('ListRepositories', ['codecommit:ListRepositories'], ['*'], 'codecommit:ListRepositories has no resource-level permissions; the delete handler of AWS::CodeCommit::Repository calls it.');
    allow(
      'ProjectBuildProjects',
      ['codebuild:CreateProject', 'codebuild:UpdateProject', 'codebuild:DeleteProject', 'codebuild:BatchGetProjects'],
      [arn('codebuild', 'project', '*')],
      'The build projects are named after the project, known only at launch.',
    );
    allow(
      'ProjectLogGroups',
      [
        'logs:CreateLogGroup',
        'logs:DeleteLogGroup',
        'logs:PutRetentionPolicy',
        'logs:DeleteRetentionPolicy',
        'logs:AssociateKmsKey',
        'logs:DisassociateKmsKey',
        'logs:TagResource',
        'logs:UntagResource',
        'logs:ListTagsForResource',
        'logs:DescribeLogGroups',
        'logs:GetDataProtectionPolicy',
        'logs:DeleteDataProtectionPolicy',
      ],
      [arn('logs', 'log-group', `${SC_PREFIX}*`, ArnFormat.COLON_RESOURCE_NAME)],
      'CloudFormation names the log groups after the provisioned product stack.',
    );
    allow(
      'ProjectPipelines',
      [
        'codepipeline:CreatePipeline',
        'codepipeline:UpdatePipeline',
        'codepipeline:DeletePipeline',
        'codepipeline:GetPipeline',
        'codepipeline:GetPipelineState',
        'codepipeline:TagResource',
        'codepipeline:UntagResource',
        'codepipeline:ListTagsForResource',
      ],
      [stack.formatArn({ service: 'codepipeline', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME })],
      'The pipelines are named after the project, known only at launch.',
    );
    allow(
      'ProjectRules',
      [
        'events:PutRule',
        'events:ListTargetsByRule',
        'events:DeleteRule',
        'events:DescribeRule',
        'events:EnableRule',
        'events:DisableRule',
        'events:PutTargets',
        'events:RemoveTargets',
        'events:TagResource',
        'events:UntagResource',
        'events:ListTagsForResource',
      ],
      [arn('events', 'rule', '*')],
      'The rules are named <project name>-<project id>-..., known only at launch.',
    );
    allow(
      'ProjectQueues',
      ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue', 'sqs:ListQueueTags'],
      [stack.formatArn({ service: 'sqs', resource: `${SC_PREFIX}*`, arnFormat: ArnFormat.NO_RESOURCE_NAME })],
      'CloudFormation names the dead-letter queue after the provisioned product stack.',
    );
    if (props.connectionArn) {
      // Creating a pipeline with a CodeConnections source passes the connection ("Update a pending connection", AWS CodePipeline User Guide).
      allow('PassConnection', ['codeconnections:PassConnection', 'codestar-connections:PassConnection'], [props.connectionArn]);
    }

    if (props.resolvedParameterNames?.length) {
      // CloudFormation resolves the template's dynamic references "during stack and change set operations" as
      // the caller, here the launch role, which needs ssm:GetParameters on each parameter (AWS CloudFormation
      // User Guide, "Get a plaintext value from Systems Manager Parameter Store", its permissions).
      allow(
        'ResolveParameters',
        ['ssm:GetParameters'],
        props.resolvedParameterNames.map((name) => arn('ssm', 'parameter', name.replace(/^\//, ''))),
      );
    }

    const policy = this.role.node.findChild('DefaultPolicy').node.defaultChild!;
    // One finding per wildcard resource, whichever statements name it: its acknowledgement gives every reason.
    const reasons = new Map<string, string[]>();
    for (const { resource, reason } of wildcards) {
      const id = `AwsSolutions-IAM5[Resource::${nagNotation(stack.resolve(resource))}]`;
      reasons.set(id, [...new Set([...(reasons.get(id) ?? []), reason])]);
    }
    for (const [id, list] of reasons) Validations.of(policy).acknowledge({ id, reason: list.join(' ') });
  }
}
