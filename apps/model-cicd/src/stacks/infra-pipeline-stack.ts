import { Arn, Aws, CfnOutput, Stack, StackProps, Stage } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Validations } from 'aws-cdk-lib';
import { acknowledgeGrantWildcards, acknowledgePipelineArtifactGrants, EncryptionKey, nagReferencePrefix, onlyResourcesOf, SecureBucket } from '@sagemaker-mlops/constructs';
import { replicationBucketName } from './replication-stack';
import { Construct } from 'constructs';
import { moduleSynthesizer, type DeploymentGroup, type ModelCicdConfig } from '../config';
import { BuildAccountStack } from './build-account-stack';
import { GroupPipelinesStack } from './group-pipelines-stack';
import { importReplicationBuckets } from './replication-stack';

/** The file the infra pipeline's synth writes the validated module configuration to. */
export const SYNTH_CONFIG_FILE = 'model-cicd.config.json';

export interface InfraPipelineStackProps extends StackProps {
  readonly config: ModelCicdConfig;
  /** The module's configuration in the file form of `loadModuleConfig` (validated parameters only). */
  readonly synthConfig: Record<string, unknown>;
}

/** One deployment group: its build account stack and its tooling account pipelines. */
export class DeploymentGroupStage extends Stage {
  public readonly buildAccount: BuildAccountStack;
  public readonly pipelines: GroupPipelinesStack;

  constructor(scope: Construct, id: string, props: { config: ModelCicdConfig; group: DeploymentGroup }) {
    super(scope, id, { env: { account: props.config.account, region: props.config.region } });
    const { config, group } = props;
    const names = group.names;
    this.pipelines = new GroupPipelinesStack(this, 'Pipelines', {
      stackName: `${names.prefix}-pipelines`,
      synthesizer: moduleSynthesizer(config),
      env: { account: config.account, region: config.region },
      config,
      group,
    });
    // Literal, in the configuration's partition: a reference cannot cross accounts.
    const busArn =
      group.buildEnvironment.account === config.account
        ? undefined
        : Arn.format({ partition: config.partition, service: 'events', region: config.region, account: config.account, resource: 'event-bus', resourceName: names.eventBus });
    this.buildAccount = new BuildAccountStack(this, 'BuildAccount', {
      stackName: `${names.prefix}-build`,
      synthesizer: moduleSynthesizer(config),
      env: { account: group.buildEnvironment.account, region: group.buildEnvironment.region },
      config,
      group,
      toolingEventBusArn: busArn,
    });
    // Deployment order only (no references cross accounts): the bus must allow the build account before its rule forwards.
    this.buildAccount.addStackDependency(this.pipelines);
  }
}

/**
 * The module's stack in the tooling account: the self-mutating infra pipeline (CDK Pipelines). It
 * synthesizes this app from the infra repository with the validated module configuration, updates itself,
 * and deploys one stage per deployment group.
 */
export class InfraPipelineStack extends Stack {
  public readonly pipeline: pipelines.CodePipeline;
  public readonly stages: DeploymentGroupStage[] = [];
  public readonly config: ModelCicdConfig;

  constructor(scope: Construct, id: string, props: InfraPipelineStackProps) {
    super(scope, id, props);
    const config = (this.config = props.config);
    const repo = config.infraRepo;
    const input =
      repo.host === 'codecommit'
        ? pipelines.CodePipelineSource.codeCommit(codecommit.Repository.fromRepositoryName(this, 'InfraRepository', repo.name), repo.branch)
        : pipelines.CodePipelineSource.connection(repo.name, repo.branch, { connectionArn: repo.connectionArn });
    const pipelineName = `${config.projectName}-infra`.slice(0, 100);
    const key = new EncryptionKey(this, 'InfraPipelineKey', {
      description: `Encrypts the artifacts and build logs of the infra pipeline of ${config.projectName}`,
      retainOnDelete: false,
    }).key;
    // CloudWatch Logs encrypts the build logs with this key.
    key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${Aws.REGION}.${Aws.URL_SUFFIX}`));
    const artifactBucket = new SecureBucket(this, 'InfraArtifacts', {
      encryptionKey: key,
      retainOnDelete: false,
      serverAccessLogsBucket: config.s3AccessLogsBucketArn ? s3.Bucket.fromBucketArn(this, 'AccessLogs', config.s3AccessLogsBucketArn) : undefined,
    }).bucket;
    const codePipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName,
      pipelineType: codepipeline.PipelineType.V2,
      restartExecutionOnUpdate: true,
      // The group stages deploy into the build environments' regions. CDK takes the home region's entry as the artifact bucket.
      crossRegionReplicationBuckets: {
        [this.region]: artifactBucket,
        ...importReplicationBuckets(this, config, config.groups.map((g) => g.buildEnvironment.region)),
      },
    });
    const logGroup = new logs.LogGroup(this, 'BuildLogs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key });
    this.pipeline = new pipelines.CodePipeline(this, 'InfraPipeline', {
      codePipeline,
      // Keeps the deployment groups in sync with the infra repository (the reference's users asked for it: aiops-modules #29).
      selfMutation: true,
      codeBuildDefaults: {
        logging: { cloudWatch: { logGroup } },
        // The app and the CDK CLI need Node.js 20.19 or newer (package.json engines).
        buildEnvironment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0 },
        partialBuildSpec: codebuild.BuildSpec.fromObject({ phases: { install: { 'runtime-versions': { nodejs: 22 } } } }),
      },
      synth: new pipelines.ShellStep('Synth', {
        input,
        // The staged module (what Seedfarmer deploys): its vendor/ holds the workspace libraries and the committed lockfile.
        env: { MODEL_CICD_CONFIG: JSON.stringify(props.synthConfig) },
        commands: [
          'cp vendor/package.json vendor/package-lock.json .',
          'npm ci --no-audit --no-fund',
          `printf '%s' "$MODEL_CICD_CONFIG" > ${SYNTH_CONFIG_FILE}`,
          `npx cdk synth --quiet -c config=${SYNTH_CONFIG_FILE}`,
        ],
        primaryOutputDirectory: 'cdk.out',
      }),
    });
    for (const group of config.groups) {
      const stage = new DeploymentGroupStage(this, `Group-${group.name}`, { config, group });
      this.stages.push(stage);
      this.pipeline.addStage(stage);
    }
    this.pipeline.buildPipeline();
    acknowledgePipelineArtifactGrants(codePipeline);
    this.acknowledgeCdkPipelinesGrants(config, key);

    const outputs: Record<string, unknown> = {
      InfraPipelineName: pipelineName,
      InfraPipelineArn: this.pipeline.pipeline.pipelineArn,
      DeploymentGroups: Object.fromEntries(this.stages.map((s, i) => [config.groups[i].name, s.pipelines.outputs()])),
    };
    new CfnOutput(this, 'InfraPipelineName', { value: pipelineName });
    new CfnOutput(this, 'InfraPipelineArn', { value: this.pipeline.pipeline.pipelineArn });
    new CfnOutput(this, 'metadata', { value: this.toJsonString(outputs) });
  }

  /** The wildcards of the roles CDK Pipelines generates, each acknowledged on its one policy with the reason. */
  private acknowledgeCdkPipelinesGrants(config: ModelCicdConfig, key: import('aws-cdk-lib/aws-kms').IKey) {
    const replication = [...new Set(config.groups.map((g) => g.buildEnvironment.region))].filter((r) => r !== this.region).map((r) => replicationBucketName(config, r));
    acknowledgeGrantWildcards(this, [
      {
        covers: onlyResourcesOf(':log-group:/aws/codebuild/', ':report-group/'),
        reason: "CodeBuild's own grant to the infra pipeline's projects (synth, self-mutation, asset publishing): log streams and report groups whose names CodeBuild derives.",
      },
      {
        covers: onlyResourcesOf(nagReferencePrefix(key, key.keyArn)),
        reason: "The infra pipeline's projects encrypt their artifacts and logs with the pipeline's one key (CDK-generated grant).",
      },
      ...(replication.length > 0
        ? [{ covers: onlyResourcesOf(...replication), reason: "CodePipeline's generated grant on this module's artifact replication buckets (one per build region): every execution's artifacts." }]
        : []),
    ]);
    const selfMutation = this.node.findChild('InfraPipeline').node.findChild('UpdatePipeline').node.findChild('SelfMutation');
    const selfMutationPolicy = selfMutation.node.findChild('Role').node.findChild('DefaultPolicy').node.defaultChild!;
    Validations.of(selfMutationPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:*:iam::${this.account}:role/*]`,
      reason:
        'CDK Pipelines self-mutation assumes the CDK bootstrap roles of the accounts it deploys to; the statement is limited to roles tagged ' +
        'aws-cdk:bootstrap-role (deploy, file-publishing, image-publishing), whose names are per qualifier, account and region.',
    });
    Validations.of(selfMutationPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudformation:DescribeStacks and s3:ListBucket of the CDK Pipelines self-mutation step: the CDK CLI looks up the bootstrap stack and bucket of each target environment.',
    });
    const fileRole = this.node.findChild('InfraPipeline').node.findChild('Assets').node.findChild('FileRole');
    Validations.of(fileRole.node.findChild('DefaultPolicy').node.defaultChild!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'The CDK Pipelines asset publishing role assumes the file-publishing bootstrap role of each target environment (tagged aws-cdk:bootstrap-role=file-publishing).',
    });
  }
}
