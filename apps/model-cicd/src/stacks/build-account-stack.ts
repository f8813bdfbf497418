import { Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  acknowledgeGrantWildcards,
  EncryptionKey,
  grantSageMakerPipelineExecution,
  grantSageMakerPipelineUpsert,
  ModelRegistryAccess,
  nagNotation,
  nagReferencePrefix,
  onlyResourcesOf,
  SecureBucket,
} from '@sagemaker-mlops/constructs';
import { DeadLetterQueue, EventForwardingRule, modelPackageStateChange } from '@sagemaker-mlops/events';
import { Construct } from 'constructs';
import type { DeploymentGroup, ModelCicdConfig } from '../config';

/** The model package state changes the deploy pipeline reacts to: a new approval, or a rejection (rollback). */
export const DEPLOY_TRIGGER_STATUSES = ['Approved', 'Rejected'] as const;

export interface BuildAccountStackProps extends StackProps {
  readonly config: ModelCicdConfig;
  readonly group: DeploymentGroup;
  /**
   * The tooling account's event bus of this group.
   *
   * @default - the build account is the tooling account: nothing is forwarded
   */
  readonly toolingEventBusArn?: string;
}

/**
 * A deployment group's resources in its build account: the model artifacts (bucket and key, retained by
 * default), the model package group with a read-only policy for the tooling and deploy accounts, the
 * SageMaker execution role, the role the tooling account's build project assumes, and the forwarding of
 * the group's Approved and Rejected events to the tooling account.
 */
export class BuildAccountStack extends Stack {
  public readonly artifactsBucket: s3.Bucket;
  public readonly executionRole: iam.Role;
  public readonly toolingRole: iam.Role;
  public readonly registry: ModelRegistryAccess;
  public readonly forwarding?: EventForwardingRule;
  private readonly groupNames: DeploymentGroup['names'];

  constructor(scope: Construct, id: string, props: BuildAccountStackProps) {
    super(scope, id, props);
    const { config, group } = props;
    const names = (this.groupNames = group.names);
    const consumers = [...new Set([config.account, ...group.deployEnvironments.map((e) => e.account)])].filter((a) => a !== this.account);

    const key = new EncryptionKey(this, 'ArtifactsKey', {
      description: `Encrypts the model artifacts of deployment group ${group.name} (${config.projectName})`,
      alias: `alias/${names.artifactsBucket}`,
      retainOnDelete: config.retainOnDelete,
    }).key;
    this.artifactsBucket = new SecureBucket(this, 'Artifacts', {
      bucketName: names.artifactsBucket,
      encryptionKey: key,
      // Model artifacts are the lineage of every registered version: kept unless configured otherwise (the reference destroys them).
      retainOnDelete: config.retainOnDelete,
      serverAccessLogsBucket: config.s3AccessLogsBucketArn ? s3.Bucket.fromBucketArn(this, 'AccessLogs', config.s3AccessLogsBucketArn) : undefined,
    }).bucket;

    // The deploy accounts' endpoint execution roles read the artifacts of the versions they deploy; read only.
    for (const account of consumers) {
      this.artifactsBucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `ReadModelArtifacts${account}`,
          principals: [new iam.AccountPrincipal(account)],
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [this.artifactsBucket.arnForObjects('*')],
        }),
      );
    }
    if (consumers.length > 0) {
      // kms:ViaService limits the other accounts to decrypting through S3 in this region.
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'DecryptModelArtifactsViaS3',
          principals: consumers.map((a) => new iam.AccountPrincipal(a)),
          actions: ['kms:Decrypt', 'kms:DescribeKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${this.region}.${this.urlSuffix}` } },
        }),
      );
    }

    this.registry = new ModelRegistryAccess(this, 'Registry', {
      groupName: names.modelPackageGroup,
      consumerAccounts: consumers,
      createGroup: true,
      retainOnDelete: config.retainOnDelete,
      description: `Models of deployment group ${group.name}, trained from branch ${group.sourceBranch}`,
    });

    this.executionRole = new iam.Role(this, 'SageMakerExecutionRole', {
      roleName: names.sagemakerExecutionRole,
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Runs the SageMaker pipeline ${names.sagemakerPipeline} of deployment group ${group.name}`,
    });
    this.toolingRole = new iam.Role(this, 'ToolingBuildRole', {
      roleName: names.toolingAccessRole,
      // A fixed name: the tooling account's build project assumes exactly this role.
      assumedBy: new iam.AccountPrincipal(config.account),
      description: `Lets the model build project of ${group.name} in ${config.account} upsert and start ${names.sagemakerPipeline}`,
    });
    this.grantExecution(key);
    this.grantTooling(key);
    acknowledgeGrantWildcards(this, [
      {
        covers: onlyResourcesOf(nagReferencePrefix(this.artifactsBucket), nagReferencePrefix(key)),
        reason:
          "CDK's read/write grant on the group's one artifacts bucket and its key: the training pipeline writes and reads objects under keys it chooses per execution.",
      },
    ]);

    if (props.toolingEventBusArn) {
      const deadLetters = new DeadLetterQueue(this, 'ForwardingDeadLetterQueue', { encryptionKey: key });
      this.forwarding = new EventForwardingRule(this, 'ForwardModelPackageState', {
        // Literal: the dead-letter queue's key policy names the rule by ARN.
        ruleName: names.forwardingRule,
        description: `Forwards ${DEPLOY_TRIGGER_STATUSES.join(' and ')} state changes of ${names.modelPackageGroup} to the tooling account`,
        eventPattern: modelPackageStateChange({
          groupNames: [names.modelPackageGroup],
          sourceAccounts: [this.account],
          statuses: { include: [...DEPLOY_TRIGGER_STATUSES] },
        }),
        targetEventBusArn: props.toolingEventBusArn,
        deadLetterQueue: deadLetters.queue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(24),
      });
      deadLetters.allowDeliveriesFrom(this.forwarding.rule);
    }
  }

  /** What SageMaker needs to run the training pipeline: its jobs, the artifacts, logs, images, and registering into the one group. */
  private grantExecution(key: kms.IKey) {
    const role = this.executionRole;
    const names = this.registryNames();
    this.artifactsBucket.grantReadWrite(role);
    key.grantEncryptDecrypt(role);
    const { jobs, frameworkImages: images, jobLogs, modelPackages } = grantSageMakerPipelineExecution(role, { modelPackageGroupArn: this.registry.groupArn, modelPackageGroupName: names.group });
    this.acknowledge(role, [...jobs, images, '*', jobLogs],
      'SageMaker Pipelines names the jobs and models it creates at run time, the framework images are in AWS-owned accounts per region, ' +
        'and ecr:GetAuthorizationToken / cloudwatch:PutMetricData have no resource-level permissions; every other statement names its resources.');
    this.acknowledge(role, [modelPackages], 'Every version of the one model package group the pipeline registers into.');
  }

  /** The tooling build project: upsert and start the one SageMaker pipeline, pass the execution role, read the group and the artifacts. */
  private grantTooling(key: kms.IKey) {
    const role = this.toolingRole;
    const names = this.registryNames();
    this.artifactsBucket.grantReadWrite(role);
    key.grantEncryptDecrypt(role);
    const { executions, modelPackages } = grantSageMakerPipelineUpsert(role, {
      modelPackageGroupArn: this.registry.groupArn,
      modelPackageGroupName: names.group,
      pipelineName: names.pipeline,
      executionRole: this.executionRole,
    });
    this.acknowledge(role, [executions, modelPackages],
      'The executions of the one SageMaker pipeline (ids assigned at start) and the versions of the one model package group.');
  }

  private registryNames() {
    return { group: this.groupNames.modelPackageGroup, pipeline: this.groupNames.sagemakerPipeline };
  }

  /** Acknowledges AwsSolutions-IAM5 on the role's default policy for exactly these resources. */
  private acknowledge(role: iam.Role, resources: string[], reason: string) {
    const policy = role.node.findChild('DefaultPolicy').node.defaultChild!;
    for (const resource of new Set(resources)) {
      Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${nagNotation(this.resolve(resource))}]`, reason });
    }
  }
}
