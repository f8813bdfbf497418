import { Annotations, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  endpointExecutionRoleName,
  EndpointTemplate,
  EndpointVpcConfig,
  ModelRegistryAccess,
  seededCodeCommitRepository,
} from '@sagemaker-mlops/constructs';
import { Construct } from 'constructs';
import { derivedNames, EndpointDeployConfig } from '../config';
import { EndpointDeployPipeline } from '../constructs/deploy-pipeline';
import { ModelArtifacts } from '../constructs/model-artifacts';

export interface EndpointDeployStackProps extends StackProps {
  readonly config: EndpointDeployConfig;
  /**
   * The seed code of the deploy repository this module creates.
   *
   * @default - none; required when the repository type is codecommit
   */
  readonly seedCodeDir?: string;
}

/** The name of the bucket the model build writes artifacts to: literal, since the endpoint template names it. */
export function modelArtifactBucketName(config: EndpointDeployConfig): string {
  return `sm-${config.projectId.toLowerCase()}-models-${config.account}-${config.region}`;
}

/**
 * The endpoint-deploy module in the data science (tooling) account: the deploy repository, the
 * pipeline and its triggers, the endpoint template, the model artifact bucket and the model
 * registry access of the stage accounts. What must exist in each stage account before the first
 * run is reported as synth-time info annotations (and listed in the README).
 */
export class EndpointDeployStack extends Stack {
  public readonly pipeline: EndpointDeployPipeline;
  public readonly template: EndpointTemplate;
  public readonly artifacts: ModelArtifacts;
  public readonly registryAccess: ModelRegistryAccess;
  public readonly repository?: codecommit.Repository;

  constructor(scope: Construct, id: string, props: EndpointDeployStackProps) {
    super(scope, id, props);
    const config = props.config;
    const names = derivedNames(config.projectName, config.projectId);
    const stageAccounts = unique(config.stages.flatMap((s) => (s.targets.kind === 'accounts' ? s.targets.accounts : [])));
    const stageOuIds = unique(config.stages.flatMap((s) => (s.targets.kind === 'ous' ? s.targets.ouIds : [])));
    const executionRoleNames = config.stages.map((s) => endpointExecutionRoleName(config.projectName, config.projectId, s.name));

    if (config.repository.type === 'codecommit') {
      if (!props.seedCodeDir) throw new Error('EndpointDeployStack: seedCodeDir is required to create the CodeCommit repository');
      this.repository = seededCodeCommitRepository(this, 'DeployRepository', {
        repositoryName: config.repository.name,
        description: `Endpoint deployment configuration of SageMaker project ${config.projectName} (${config.projectId})`,
        seedCodeDir: props.seedCodeDir,
        branch: config.repository.branch,
      });
    }

    this.artifacts = new ModelArtifacts(this, 'ModelArtifacts', {
      bucketName: modelArtifactBucketName(config),
      readers: { accounts: stageAccounts, ouIds: stageOuIds, roleNames: executionRoleNames },
      retainOnDelete: config.retainOnDelete,
      serverAccessLogsBucket: config.s3AccessLogsBucketArn
        ? s3.Bucket.fromBucketArn(this, 'AccessLogsBucket', config.s3AccessLogsBucketArn)
        : undefined,
    });

    this.registryAccess = new ModelRegistryAccess(this, 'RegistryAccess', {
      groupName: config.modelPackageGroupName,
      consumerAccounts: stageAccounts,
      consumerOuIds: stageOuIds,
      createGroup: config.createModelPackageGroup,
      retainOnDelete: config.retainOnDelete,
    });

    this.template = new EndpointTemplate(this, 'EndpointTemplate', {
      projectName: config.projectName,
      projectId: config.projectId,
      stageNames: config.stages.map((s) => s.name),
      modelRegistryAccount: this.account,
      modelArtifactBucketName: modelArtifactBucketName(config),
      modelArtifactKeyRegion: config.region,
      testPrincipalArn: `arn:${config.partition}:iam::${config.account}:role/${names.testProjectRoleName}`,
      vpc: vpcConfig(config),
      dataCapture: { enabled: config.dataCapture, samplingPercentage: config.dataCapture ? config.dataCaptureSamplingPercentage : undefined },
      autoscaling: config.autoscaling,
      guardrails: config.guardrail && {
        mode: config.guardrail.mode,
        canaryPercent: config.guardrail.mode === 'canary' ? config.guardrail.trafficPercent : undefined,
        linearStepPercent: config.guardrail.mode === 'linear' ? config.guardrail.trafficPercent : undefined,
        waitIntervalSeconds: config.guardrail.waitSeconds,
        alarms: {
          max5xxErrorRate: config.guardrail.max5xxErrorPercent === undefined ? undefined : config.guardrail.max5xxErrorPercent / 100,
          maxModelLatencyMs: config.guardrail.maxLatencyMs,
        },
      },
    });

    this.pipeline = new EndpointDeployPipeline(this, 'Deploy', { config, template: this.template, repository: this.repository });

    const outputs: Record<string, string> = {
      PipelineArn: this.pipeline.pipeline.pipelineArn,
      PipelineName: this.pipeline.pipeline.pipelineName,
      ApproverRoleArn: this.pipeline.approverRole.roleArn,
      ModelPackageStateRuleArn: this.pipeline.modelPackageStateRule.ruleArn,
      ModelArtifactBucketName: this.artifacts.bucket.bucketName,
      ModelArtifactKeyArn: this.artifacts.key.keyArn,
      ModelPackageGroupArn: this.registryAccess.groupArn,
    };
    if (this.pipeline.repositoryPushRule) outputs.RepositoryPushRuleArn = this.pipeline.repositoryPushRule.ruleArn;
    if (this.repository) {
      outputs.RepositoryCloneUrlHttp = this.repository.repositoryCloneUrlHttp;
      outputs.RepositoryCloneUrlGrc = this.repository.repositoryCloneUrlGrc;
    }
    if (this.pipeline.approvalTopic) outputs.ApprovalTopicArn = this.pipeline.approvalTopic.topicArn;
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value });
    new CfnOutput(this, 'metadata', { value: this.toJsonString(outputs) });

    for (const stage of config.stages.filter((s) => s.region !== config.region)) {
      Annotations.of(this).addWarningV2(
        '@sagemaker-mlops/endpoint-deploy:stage-region',
        `The ${stage.name} stage deploys to ${stage.region}, but SageMaker creates a model only from a model package and artifacts ` +
          `in the endpoint's own region: replicate the package group ${config.modelPackageGroupName} and its artifacts to ${stage.region} first.`,
      );
    }
  }

}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function vpcConfig(config: EndpointDeployConfig): EndpointVpcConfig | undefined {
  if (!config.vpc) return undefined;
  return config.vpc.kind === 'ids'
    ? { subnetIds: [...config.vpc.subnetIds], securityGroupIds: [...config.vpc.securityGroupIds] }
    : { subnetIdsParameterName: config.vpc.subnetIdsParameter, securityGroupIdsParameterName: config.vpc.securityGroupIdsParameter };
}
