import { CfnOutput, CfnParameter, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { EncryptionKey, SecureBucket, seededCodeCommitRepository } from '@sagemaker-mlops/constructs';
import { Construct } from 'constructs';
import type { BatchPromotionConfig } from '../config';
import { PromotionPipeline } from '../constructs/promotion-pipeline';
import { BatchStageTemplate } from '../stage/batch-stage-template';
import { acknowledgeStatements, pipelineExecutionStatements } from '../stage/execution-policy';

/** The VPC of dev's jobs: the configured ids, or the lists CloudFormation resolves from dev's SSM parameters. */
export interface DevVpc {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

export interface BatchPromotionStackProps extends StackProps {
  readonly config: BatchPromotionConfig;
  /**
   * The seed code of the repository this module creates.
   *
   * @default - none; required when the repository type is codecommit
   */
  readonly seedCodeDir?: string;
}

/**
 * The batch-promotion module in the dev account: the repository, the dev bucket (dev pipeline artifacts and the
 * releases the stages read), the dev model package group and SageMaker role, the stage template and the promotion
 * pipeline. What each stage account needs first is reported as synth-time info annotations (and in the README).
 */
export class BatchPromotionStack extends Stack {
  public readonly key: kms.Key;
  public readonly devBucket: s3.Bucket;
  public readonly devPipelineRole?: iam.Role;
  public readonly template: BatchStageTemplate;
  public readonly promotion: PromotionPipeline;
  public readonly repository?: codecommit.Repository;
  /** The VPC of dev's jobs (list tokens with SSM parameter names). */
  public readonly devVpc?: DevVpc;

  constructor(scope: Construct, id: string, props: BatchPromotionStackProps) {
    super(scope, id, props);
    const config = props.config;

    this.key = new EncryptionKey(this, 'Key', {
      description: `Dev artifacts, releases and pipeline artifacts of the batch promotion of ${config.projectName}`,
      retainOnDelete: config.retainOnDelete,
    }).key;
    this.devBucket = new SecureBucket(this, 'DevBucket', {
      bucketName: config.devBucketName,
      encryptionKey: this.key,
      retainOnDelete: config.retainOnDelete,
      serverAccessLogsBucket: config.s3AccessLogsBucketArn ? s3.Bucket.fromBucketArn(this, 'AccessLogsBucket', config.s3AccessLogsBucketArn) : undefined,
    }).bucket;
    this.allowStagesToReadReleases(config);

    const group = new sagemaker.CfnModelPackageGroup(this, 'ModelPackageGroup', {
      modelPackageGroupName: config.modelPackageGroupName,
      modelPackageGroupDescription: `Models trained in dev by the batch-inference pipeline of ${config.projectName} (${config.projectId})`,
    });
    group.applyRemovalPolicy(config.retainOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);

    // With SSM parameter names, dev resolves its own VPC like every stage: SSM-typed parameters of this stack ("Reference
    // existing resources and Systems Manager parameters with CloudFormation-supplied parameter types", AWS
    // CloudFormation User Guide), the configured names as defaults, read when the stack deploys.
    if (config.vpcParameters) {
      const ssmList = (id: string, type: string, name: string, of: string) =>
        new CfnParameter(this, id, { type: `AWS::SSM::Parameter::Value<List<${type}>>`, default: name, description: `SSM parameter (of the dev account) holding the ${of} of the dev pipeline's jobs` });
      this.devVpc = {
        subnetIds: ssmList('DevVpcSubnetIds', 'AWS::EC2::Subnet::Id', config.vpcParameters.subnetIds, 'subnet ids').valueAsList,
        securityGroupIds: ssmList('DevVpcSecurityGroupIds', 'AWS::EC2::SecurityGroup::Id', config.vpcParameters.securityGroupIds, 'security group ids').valueAsList,
      };
    } else {
      this.devVpc = config.vpc;
    }

    let devRoleArn: string;
    if (config.devPipelineRole.kind === 'created') {
      const roleName = config.devPipelineRole.name;
      devRoleArn = this.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: roleName });
      const role = new iam.Role(this, 'DevPipelineRole', {
        roleName,
        description: `Runs the jobs of the dev SageMaker pipeline ${config.devPipelineName}`,
        assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      });
      const statements = pipelineExecutionStatements(this, {
        roleArn: devRoleArn,
        artifactBucketName: this.devBucket.bucketName,
        artifactKeyArn: this.key.keyArn,
        modelPackageGroupName: config.modelPackageGroupName,
        vpc: this.devVpc,
      });
      for (const { statement } of statements) role.addToPolicy(statement);
      acknowledgeStatements(this, statements);
      this.devPipelineRole = role;
    } else {
      devRoleArn = config.devPipelineRole.arn;
    }

    this.template = new BatchStageTemplate(this, 'StageTemplate', {
      projectName: config.projectName,
      projectId: config.projectId,
      projectArn: config.projectArn,
      stageNames: config.stages.map((s) => s.name),
      devAccount: config.account,
      devRegion: config.region,
      releaseBucketName: config.devBucketName,
      modelPackageGroupName: config.modelPackageGroupName,
      vpc: config.vpc,
      vpcParameterNames: config.vpcParameters,
      retainOnDelete: config.retainOnDelete,
    });

    if (config.repository.type === 'codecommit') {
      if (!props.seedCodeDir) throw new Error('BatchPromotionStack: seedCodeDir is required to create the CodeCommit repository');
      this.repository = seededCodeCommitRepository(this, 'Repository', {
        repositoryName: config.repository.name,
        description: `SageMaker pipeline, scripts and stage files of project ${config.projectName} (${config.projectId})`,
        seedCodeDir: props.seedCodeDir,
        branch: config.repository.branch,
      });
    }
    this.promotion = new PromotionPipeline(this, 'Promotion', {
      config,
      template: this.template,
      devBucket: this.devBucket,
      key: this.key,
      devPipelineRoleArn: devRoleArn,
      devVpc: this.devVpc,
      repository: this.repository,
    });

    const [preprod, prod] = config.stages;
    const outputs: Record<string, string> = {
      PipelineArn: this.promotion.pipeline.pipelineArn,
      PipelineName: this.promotion.pipeline.pipelineName,
      DevPipelineName: config.devPipelineName,
      DevBucketName: this.devBucket.bucketName,
      PreProdPipelineName: preprod.sagemakerPipelineName,
      PreProdDashboardName: preprod.dashboardName,
      ProdPipelineName: prod.sagemakerPipelineName,
      ProdDashboardName: prod.dashboardName,
      PreProdApproverRoleArn: this.promotion.approverRoles.preprod.roleArn,
      ProdApproverRoleArn: this.promotion.approverRoles.prod.roleArn,
    };
    if (this.repository) outputs.RepositoryCloneUrlHttp = this.repository.repositoryCloneUrlHttp;
    if (this.promotion.approvalTopic) outputs.ApprovalTopicArn = this.promotion.approvalTopic.topic.topicArn;
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value });
    new CfnOutput(this, 'metadata', { value: this.toJsonString(outputs) });

  }

  /**
   * The stage accounts read their release from the dev bucket: CloudFormation (the stage's CDK cfn-exec role) the
   * definition of that stage, the stage's SageMaker execution role the code. Nothing else of the bucket.
   */
  private allowStagesToReadReleases(config: BatchPromotionConfig): void {
    // Who reads PipelineDefinitionS3Location: the AWS::SageMaker::Pipeline reference says only "SageMaker retrieves
    // the pipeline definition from this location", but the type's registry schema lists s3:GetObject among the
    // create and update handler permissions ("Resource type schema", CloudFormation CLI User Guide: handler
    // permissions are what CloudFormation's identity needs; the data and its source are in @sagemaker-mlops/config
    // bootstrap/handler-permissions.ts). So CloudFormation's role reads the definition, not the pipeline's RoleArn:
    // the execution role reads only the code. With the VPC from SSM parameter names the definition is inlined
    // (PipelineDefinitionBody) and nothing reads it from S3.
    const inlined = config.vpcParameters !== undefined;
    const reader = (arns: string[]) => new iam.AccountPrincipal(arns[0].split(':')[4]).withConditions({ ArnEquals: { 'aws:PrincipalArn': arns } });
    for (const stage of config.stages) {
      const executionRole = `arn:${stage.partition}:iam::${stage.account}:role/${stage.executionRoleName}`;
      const cfnExecRole = `arn:${stage.partition}:iam::${stage.account}:role/cdk-${config.cdkBootstrapQualifier}-cfn-exec-role-${stage.account}-${stage.region}`;
      this.devBucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `${stage.name}ReadsItsRelease`,
          principals: [reader([executionRole])],
          actions: ['s3:GetObject'],
          resources: [this.devBucket.arnForObjects('releases/code/*')],
        }),
      );
      if (!inlined) {
        this.devBucket.addToResourcePolicy(
          new iam.PolicyStatement({
            sid: `${stage.name}DeploysItsDefinition`,
            principals: [reader([cfnExecRole])],
            actions: ['s3:GetObject'],
            resources: [this.devBucket.arnForObjects(`releases/definitions/${stage.name}/*`)],
          }),
        );
      }
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `${stage.name}DecryptsItsReleaseViaS3`,
          principals: [reader(inlined ? [executionRole] : [executionRole, cfnExecRole])],
          actions: ['kms:Decrypt'],
          // In a key policy, "*" is the key itself.
          resources: ['*'],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${config.region}.amazonaws.com` } },
        }),
      );
    }
  }
}
