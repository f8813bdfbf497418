import { Aws, Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  acknowledgePipelineArtifactGrants,
  BundledTool,
  EncryptionKey,
  nagReferencePrefix,
  SecureBucket,
} from '@sagemaker-mlops/constructs';
import { DeadLetterQueue, modelPackageStateChange } from '@sagemaker-mlops/events';
import { bundlePath } from '@sagemaker-mlops/registry';
import { Construct } from 'constructs';

/** The source model package group, parsed from its ARN. */
export interface SourceGroup {
  readonly arn: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

export interface PromotePipelineProps {
  readonly sourceGroup: SourceGroup;
  /** Existing bucket in this account that receives the artifacts. */
  readonly targetBucket: s3.IBucket;
  /** Group in this account that receives the promoted packages. */
  readonly targetGroupName: string;
  /**
   * Key that encrypts the copied artifacts.
   *
   * @default - the target bucket's default encryption
   */
  readonly artifactKey?: kms.IKey;
  /**
   * Bus in this account that receives the source group's state-change events.
   *
   * @default - no rule: the pipeline runs when started by hand
   */
  readonly eventBus?: events.IEventBus;
  /** @default - no project tags on the target group and packages */
  readonly projectId?: string;
  /** @default - no project tags on the target group and packages */
  readonly projectName?: string;
  /** Identifies what this module promoted, so that cleanup touches nothing else. */
  readonly promotedBy: string;
  /**
   * Bucket (same account and region) that receives the artifact bucket's server access logs.
   *
   * @default - SecureBucket creates a log bucket
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/**
 * CodePipeline that promotes the latest approved package of a (cross-account) source group.
 *
 * Source (the bundled promote tool) -> Promote (CodeBuild runs it). The pipeline is QUEUED, so two
 * events in quick succession both run, in order; the tool reconciles, so each run leaves the target
 * matching the source whatever happened before.
 */
export class PromotePipeline extends Construct {
  public readonly pipeline: codepipeline.Pipeline;
  public readonly project: codebuild.PipelineProject;
  /** The role that runs promotions: source accounts grant it read access to their artifacts. */
  public readonly role: iam.Role;
  public readonly rule?: events.Rule;
  public readonly deadLetterQueue?: DeadLetterQueue;
  /** Encrypts the pipeline's artifacts, build, logs and dead letters. */
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: PromotePipelineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const source = props.sourceGroup;

    const key = (this.key = new EncryptionKey(this, 'PipelineKey', {
      description: `Encrypts the artifacts, logs and build of ${stack.stackName}'s promote pipeline`,
      retainOnDelete: false,
    }).key);
    // CloudWatch Logs encrypts the build logs with this key.
    key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${Aws.REGION}.${Aws.URL_SUFFIX}`));
    const artifacts = new SecureBucket(this, 'ArtifactBucket', {
      encryptionKey: key,
      retainOnDelete: false,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
    });

    const tool = new BundledTool(this, 'PromoteTool', { bundleDir: bundlePath('promote') });
    const role = (this.role = new iam.Role(this, 'PromoteRole', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: `Promotes model packages of ${source.name} (${source.account}) into ${props.targetGroupName}`,
    }));
    this.project = tool.project('PromoteProject', {
      role,
      encryptionKey: key,
      timeout: Duration.hours(8),
      outputFiles: ['promotion-report.json'],
      environmentVariables: {
        SOURCE_MODEL_PACKAGE_GROUP_ARN: { value: source.arn },
        TARGET_BUCKET_NAME: { value: props.targetBucket.bucketName },
        TARGET_MODEL_PACKAGE_GROUP_NAME: { value: props.targetGroupName },
        TARGET_ACCOUNT: { value: stack.account },
        PROMOTED_BY: { value: props.promotedBy },
        ...(props.artifactKey ? { KMS_KEY_ARN: { value: props.artifactKey.keyArn } } : {}),
        ...(props.projectId ? { SAGEMAKER_PROJECT_ID: { value: props.projectId } } : {}),
        ...(props.projectName ? { SAGEMAKER_PROJECT_NAME: { value: props.projectName } } : {}),
      },
    });
    this.grantPromotion(role, props);

    const toolOutput = new codepipeline.Artifact('Tool');
    const report = new codepipeline.Artifact('Report');
    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: `${stack.stackName}-Pipeline`.slice(0, 100),
      pipelineType: codepipeline.PipelineType.V2,
      executionMode: codepipeline.ExecutionMode.QUEUED,
      artifactBucket: artifacts.bucket,
      restartExecutionOnUpdate: false,
      stages: [
        { stageName: 'Source', actions: [tool.sourceAction(toolOutput)] },
        {
          stageName: 'Promote',
          actions: [
            new actions.CodeBuildAction({ actionName: 'Promote', project: this.project, input: toolOutput, outputs: [report] }),
          ],
        },
      ],
    });

    if (props.eventBus) {
      // EventBridge may encrypt with the key, and send to the queue, for this rule only (allowDeliveriesFrom).
      this.deadLetterQueue = new DeadLetterQueue(this, 'RuleDeadLetterQueue', { encryptionKey: key });
      this.rule = new events.Rule(this, 'ModelPackageStateChangeRule', {
        // A literal name: the key policy names the rule by ARN (it cannot reference the rule, which references the key's queue).
        ruleName: Names.uniqueResourceName(this, { maxLength: 64, separator: '-' }),
        eventBus: props.eventBus,
        description: `Starts ${stack.stackName}'s promote pipeline when a package of ${source.name} is approved or rejected`,
        eventPattern: modelPackageStateChange({
          groupNames: [source.name],
          sourceAccounts: [source.account],
          statuses: { include: ['Approved', 'Rejected'] },
        }),
      });
      this.rule.addTarget(
        new targets.CodePipeline(this.pipeline, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: this.deadLetterQueue.queue,
        }),
      );
      this.deadLetterQueue.allowDeliveriesFrom(this.rule);
    }

    acknowledgePipelineArtifactGrants(this.pipeline);
    this.acknowledgeFindings(role, props);
  }

  private grantPromotion(role: iam.Role, props: PromotePipelineProps) {
    const stack = Stack.of(this);
    const source = props.sourceGroup;
    const sourceArn = (resource: string, resourceName: string) =>
      stack.formatArn({ service: 'sagemaker', region: source.region, account: source.account, resource, resourceName });
    const targetArn = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName });

    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSourceRegistry',
        actions: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:ListModelPackages', 'sagemaker:DescribeModelPackage'],
        resources: [source.arn, sourceArn('model-package', `${source.name}/*`)],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteTargetRegistry',
        actions: [
          'sagemaker:DescribeModelPackageGroup',
          'sagemaker:CreateModelPackageGroup',
          'sagemaker:ListModelPackages',
          'sagemaker:DescribeModelPackage',
          'sagemaker:CreateModelPackage',
          'sagemaker:UpdateModelPackage',
          'sagemaker:ListTags',
        ],
        resources: [
          targetArn('model-package-group', props.targetGroupName),
          targetArn('model-package', `${props.targetGroupName}/*`),
        ],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'TagTargetGroup',
        // Tagging on create is authorized as sagemaker:AddTags ("Provide permissions for tagging
        // SageMaker AI resources", SageMaker developer guide). Only the group is tagged: a version
        // of a group takes no Tags (botocore's sagemaker model, CreateModelPackageInput.Tags).
        actions: ['sagemaker:AddTags'],
        resources: [targetArn('model-package-group', props.targetGroupName)],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSourceArtifacts',
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:ListBucket'],
        // The artifact buckets are named in each package version, unknown at deploy time; the
        // condition keeps the grant to buckets the source account owns.
        resources: ['*'],
        conditions: { StringEquals: { 's3:ResourceAccount': source.account } },
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListTargetBucket',
        // ListBucket turns "no such copy yet" into a 404 instead of a 403.
        actions: ['s3:ListBucket'],
        resources: [props.targetBucket.bucketArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTargetBucketEncryption',
        // The tool reads the bucket's default encryption (GetBucketEncryption) to fail at once when it
        // is a customer managed key that kms_key_arn does not grant (botocore's s3 model names the action).
        actions: ['s3:GetEncryptionConfiguration'],
        resources: [props.targetBucket.bucketArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteTargetArtifacts',
        actions: [
          's3:GetObject',
          's3:PutObject',
          's3:GetObjectTagging',
          's3:PutObjectTagging',
          's3:AbortMultipartUpload',
          's3:ListMultipartUploadParts',
        ],
        resources: [props.targetBucket.arnForObjects('*')],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptSourceArtifacts',
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        // Each artifact may use its own key of the source account; S3 is the only way in.
        resources: [stack.formatArn({ service: 'kms', region: source.region, account: source.account, resource: 'key', resourceName: '*' })],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${source.region}.${Aws.URL_SUFFIX}` } },
      }),
    );
    props.artifactKey?.grantEncryptDecrypt(role);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CheckSourceImages',
        actions: ['ecr:BatchGetImage', 'ecr:DescribeImages'],
        resources: [stack.formatArn({ service: 'ecr', region: '*', account: source.account, resource: 'repository', resourceName: '*' })],
      }),
    );
  }

  private acknowledgeFindings(role: iam.Role, props: PromotePipelineProps) {
    const stack = Stack.of(this);
    const policy = role.node.findChild('DefaultPolicy').node.defaultChild!;
    const source = props.sourceGroup;
    const wildcard = (resource: string, reason: string) =>
      Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
    const bucketArn = nagReferencePrefix(props.targetBucket, props.targetBucket.bucketArn);
    wildcard('*', "s3:Get*/ListBucket on the source account's artifact buckets, limited by s3:ResourceAccount: the buckets are only known per package version.");
    wildcard(
      `arn:<AWS::Partition>:sagemaker:${source.region}:${source.account}:model-package/${source.name}/*`,
      'Every version of the one source group: the latest approved version changes with every approval.',
    );
    wildcard(
      `arn:<AWS::Partition>:sagemaker:${stack.region}:${stack.account}:model-package/${props.targetGroupName}/*`,
      'Every version of the one target group: each promotion registers a new version.',
    );
    wildcard(`${bucketArn}/*`, 'Objects of the one target bucket: artifact keys are only known per package version.');
    wildcard(
      `arn:<AWS::Partition>:kms:${source.region}:${source.account}:key/*`,
      'Keys of the source account, only through S3 (kms:ViaService): each artifact may use its own key.',
    );
    wildcard(
      `arn:<AWS::Partition>:ecr:*:${source.account}:repository/*`,
      "Read-only image checks on the source account's repositories named in the package; none is known at deploy time.",
    );
  }
}
