import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Arn, Aws, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as assets from 'aws-cdk-lib/aws-s3-assets';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  acknowledgeGrantWildcards,
  acknowledgePipelineArtifactGrants,
  ApprovalGate,
  ApprovalTopic,
  assetSourceAction,
  BundledTool,
  crossAccountDeployAction,
  EncryptionKey,
  endpointName,
  endpointTestRoleName,
  EndpointTemplate,
  LATEST_APPROVED_VARIABLES,
  LatestApprovedPackageStep,
  nagNotation,
  nagReferencePrefix,
  onlyResourcesOf,
  recordTargetRegions,
  RepositorySource,
  SecureBucket,
} from '@sagemaker-mlops/constructs';
import type { SourceRepository } from '@sagemaker-mlops/constructs';
import { CrossAccountEventBus, DeadLetterQueue, modelPackageStateChange } from '@sagemaker-mlops/events';
import { bundlePath } from '@sagemaker-mlops/registry';
import { Construct } from 'constructs';
import type { DeployEnvironment, DeploymentGroup, ModelCicdConfig } from '../config';
import { DEPLOY_TRIGGER_STATUSES } from './build-account-stack';
import { importReplicationBuckets, replicationBucketName } from './replication-stack';
import * as logs from 'aws-cdk-lib/aws-logs';

const TEST_DEFINITION = 'test/staging-test.json';

/** Stage and action names of the deploy pipeline. */
export const DEPLOY_LAYOUT = {
  source: 'Source',
  build: 'Build',
  approve: 'Approve',
  deploy: 'DeployEndpoint',
  test: 'TestEndpoint',
  environmentStage: (env: string) => `Deploy-${env}`,
} as const;

export interface GroupPipelinesStackProps extends StackProps {
  readonly config: ModelCicdConfig;
  readonly group: DeploymentGroup;
}

/**
 * A deployment group's pipelines in the tooling account: the model build pipeline (model build repository
 * at the group's branch -> the repository's buildspec.yml, acting in the build account), and the deploy
 * pipeline (latest approved version -> for each environment: approval, deploy, staging test), started by
 * the Approved and Rejected events the build account forwards to this group's event bus.
 */
export class GroupPipelinesStack extends Stack {
  public readonly buildPipeline: codepipeline.Pipeline;
  public readonly deployPipeline: codepipeline.Pipeline;
  public readonly buildProject: codebuild.PipelineProject;
  public readonly eventBus: events.IEventBus;
  public readonly deployTriggerRule: events.Rule;
  public readonly template: EndpointTemplate;
  public readonly testRole: iam.Role;
  public readonly approvalTopic?: sns.Topic;
  /** Environment name -> the role that may approve (or reject) the deployment to it; environments with an approval only. */
  public readonly approverRoles: Record<string, iam.Role> = {};
  /** Only for a CodeCommit model build repository; CodeConnections pushes start the build pipeline through its git trigger. */
  public readonly buildPushRule?: events.Rule;
  private readonly config: ModelCicdConfig;
  private readonly group: DeploymentGroup;

  constructor(scope: Construct, id: string, props: GroupPipelinesStackProps) {
    super(scope, id, props);
    const config = (this.config = props.config);
    const group = (this.group = props.group);
    const names = group.names;
    const build = group.buildEnvironment;
    recordTargetRegions(this, group.deployEnvironments.map((e) => e.region));

    const key = new EncryptionKey(this, 'PipelinesKey', {
      description: `Encrypts the pipeline artifacts, notifications and dead letters of deployment group ${group.name}`,
      retainOnDelete: false,
    }).key;
    // CloudWatch Logs encrypts the build logs with this key.
    key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${Aws.REGION}.${Aws.URL_SUFFIX}`));
    const accessLogs = config.s3AccessLogsBucketArn ? s3.Bucket.fromBucketArn(this, 'AccessLogs', config.s3AccessLogsBucketArn) : undefined;

    // EventBridge may encrypt with the key, and send to the queue, for the trigger rules only (allowDeliveriesFrom).
    const deadLetters = new DeadLetterQueue(this, 'TriggerDeadLetterQueue', { encryptionKey: key });

    // ---- Build pipeline ----
    const buildArtifacts = new SecureBucket(this, 'BuildArtifacts', { encryptionKey: key, retainOnDelete: false, serverAccessLogsBucket: accessLogs }).bucket;
    const source = new codepipeline.Artifact('ModelBuildSource');
    const modelBuildSource = new RepositorySource(this, 'ModelBuildSource', {
      repository: this.modelBuildRepository(),
      branch: group.sourceBranch,
      output: source,
      actionName: 'ModelBuildRepository',
    });
    const toolingRoleArn = this.formatArn({ service: 'iam', region: '', account: build.account, resource: 'role', resourceName: names.toolingAccessRole });
    const buildRole = new iam.Role(this, 'ModelBuildRole', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: `Runs the model build of ${group.name}: may only assume ${names.toolingAccessRole} in ${build.account}`,
    });
    buildRole.addToPolicy(new iam.PolicyStatement({ sid: 'AssumeBuildAccountRole', actions: ['sts:AssumeRole'], resources: [toolingRoleArn] }));
    this.buildProject = new codebuild.PipelineProject(this, 'ModelBuildProject', {
      projectName: names.buildPipeline,
      description: `Runs buildspec.yml of the model build repository (branch ${group.sourceBranch}) for deployment group ${group.name}`,
      role: buildRole,
      encryptionKey: key,
      environment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.SMALL },
      timeout: Duration.hours(2),
      logging: { cloudWatch: { logGroup: new logs.LogGroup(this, 'ModelBuildLogs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key }) } },
      // The reference's environment, so that its users' buildspecs keep working.
      environmentVariables: {
        AWS_REGION: { value: build.region },
        ASSUME_ROLE_ARN: { value: toolingRoleArn },
        ENV_TYPE: { value: build.type },
        PROJECT_NAME: { value: names.prefix },
        MODEL_PACKAGE_GROUP_NAME: { value: names.modelPackageGroup },
        SAGEMAKER_PIPELINE_NAME: { value: names.sagemakerPipeline },
        SAGEMAKER_PIPELINE_DESCRIPTION: { value: `Training pipeline of deployment group ${group.name} (branch ${group.sourceBranch})` },
        SAGEMAKER_PIPELINE_ROLE_ARN: {
          value: this.formatArn({ service: 'iam', region: '', account: build.account, resource: 'role', resourceName: names.sagemakerExecutionRole }),
        },
        ARTIFACT_BUCKET: { value: names.artifactsBucket },
        ARTIFACT_BUCKET_KMS_KEY: { value: `alias/${names.artifactsBucket}` },
      },
    });
    this.buildPipeline = new codepipeline.Pipeline(this, 'ModelBuildPipeline', {
      pipelineName: names.buildPipeline,
      pipelineType: codepipeline.PipelineType.V2,
      executionMode: codepipeline.ExecutionMode.QUEUED,
      artifactBucket: buildArtifacts,
      restartExecutionOnUpdate: false,
      stages: [
        { stageName: 'Source', actions: [modelBuildSource.action] },
        {
          stageName: 'Build',
          actions: [new actions.CodeBuildAction({ actionName: 'StartModelBuild', project: this.buildProject, input: source })],
        },
      ],
    });
    // One rule of ours, with retries and a DLQ, rather than the source action's own (CodeCommit); a git trigger (CodeConnections).
    this.buildPushRule = modelBuildSource.triggerOnPush(this.buildPipeline, {
      ruleName: `${names.prefix}-build-push`,
      description: `Starts the model build of ${group.name} on a push to ${group.sourceBranch}`,
      deadLetterQueue: deadLetters,
    });
    acknowledgePipelineArtifactGrants(this.buildPipeline);

    // ---- Deploy pipeline ----
    const deployArtifacts = new SecureBucket(this, 'DeployArtifacts', { encryptionKey: key, retainOnDelete: false, serverAccessLogsBucket: accessLogs }).bucket;
    const testedEnvironments = group.deployEnvironments.filter((e) => e.test);
    this.testRole = new iam.Role(this, 'TestRole', {
      // A fixed name: the endpoint stack of each tested environment trusts exactly this role.
      roleName: `${names.prefix}-test`,
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: `Runs the staging tests of ${group.name}: may only assume the endpoint test roles of its tested environments`,
    });
    if (testedEnvironments.length > 0) {
      this.testRole.addToPolicy(
        new iam.PolicyStatement({
          sid: 'AssumeEndpointTestRoles',
          actions: ['sts:AssumeRole'],
          resources: testedEnvironments.map((e) =>
            this.formatArn({ service: 'iam', region: '', account: e.account, resource: 'role', resourceName: endpointTestRoleName(names.endpointProjectName, names.endpointProjectId, e.name) }),
          ),
        }),
      );
    }
    this.template = new EndpointTemplate(this, 'EndpointTemplate', {
      projectName: names.endpointProjectName,
      projectId: names.endpointProjectId,
      stageNames: group.deployEnvironments.map((e) => e.name),
      modelRegistryAccount: build.account,
      modelArtifactBucketName: names.artifactsBucket,
      modelArtifactKeyRegion: build.region,
      // Literal: the template is synthesized apart and cannot reference this stack.
      testPrincipalArn: Arn.format({ partition: config.partition, service: 'iam', region: '', account: this.account, resource: 'role', resourceName: `${names.prefix}-test` }),
      vpc: config.vpc && { subnetIdsParameterName: config.vpc.subnetIdsParameter, securityGroupIdsParameterName: config.vpc.securityGroupIdsParameter },
    });

    const testTool = new BundledTool(this, 'EndpointTestTool', { bundleDir: bundlePath('endpoint-test') });
    const settings = new assets.Asset(this, 'EnvironmentSettings', { path: environmentSettingsDir(group) });
    const settingsOutput = new codepipeline.Artifact('EnvironmentSettings');
    const testToolOutput = new codepipeline.Artifact('TestTool');
    const templateOutput = new codepipeline.Artifact('Template');
    const buildOutput = new codepipeline.Artifact('BuildOutput');

    // The group lives in the build account, which shares it read-only with this one: the step reads it by ARN.
    const lookup = new LatestApprovedPackageStep(this, 'LatestApproved', {
      modelPackageGroupName: names.modelPackageGroup,
      account: build.account,
      region: build.region,
      stageNames: group.deployEnvironments.map((e) => e.name),
      projectName: names.endpointProjectName,
      projectId: names.endpointProjectId,
      encryptionKey: key,
      roleDescription: `Finds the latest approved version of ${names.modelPackageGroup} in ${build.account}`,
    });
    const testProject = testTool.project('EndpointTestProject', {
      role: this.testRole,
      toolInput: testToolOutput.artifactName,
      encryptionKey: key,
      timeout: Duration.minutes(60),
      outputFiles: ['staging-test-report.json'],
    });

    if (config.approvalEmailAddresses.length > 0) {
      this.approvalTopic = new ApprovalTopic(this, 'ApprovalTopic', {
        displayName: `Approve deployments of ${group.name}`,
        encryptionKey: key,
        emailAddresses: config.approvalEmailAddresses,
      }).topic;
    }

    const stages: codepipeline.StageProps[] = [
      {
        stageName: DEPLOY_LAYOUT.source,
        actions: [
          assetSourceAction(settings, settingsOutput, 'EnvironmentSettings'),
          lookup.sourceAction('BuildTool'),
          testTool.sourceAction(testToolOutput, 'TestTool'),
          this.template.sourceAction(templateOutput),
        ],
      },
      {
        stageName: DEPLOY_LAYOUT.build,
        actions: [lookup.action({ actionName: 'LatestApprovedVersion', input: settingsOutput, output: buildOutput })],
      },
      ...group.deployEnvironments.map((env) => this.environmentStage(env, { templateOutput, buildOutput, settingsOutput, testToolOutput, testProject })),
    ];
    this.deployPipeline = new codepipeline.Pipeline(this, 'DeployPipeline', {
      pipelineName: names.deployPipeline,
      pipelineType: codepipeline.PipelineType.V2,
      // Events in quick succession all run, in order; each deploys the latest approved version, so the last one wins.
      executionMode: codepipeline.ExecutionMode.QUEUED,
      restartExecutionOnUpdate: false,
      // CDK takes the home region's entry as the artifact bucket.
      crossRegionReplicationBuckets: {
        [this.region]: deployArtifacts,
        ...importReplicationBuckets(this, config, group.deployEnvironments.map((e) => e.region)),
      },
      stages,
    });
    acknowledgePipelineArtifactGrants(this.deployPipeline);
    acknowledgeGrantWildcards(this, [
      {
        covers: onlyResourcesOf(...group.deployEnvironments.map((e) => `:stack/${this.endpointStackName(e)}/*`)),
        reason: "CodePipeline's generated CloudFormation grant on one environment's endpoint stack: the ARN ends in an id CloudFormation assigns.",
      },
      {
        // CodePipeline grants its role the home artifact bucket and the replication buckets in one statement.
        covers: onlyResourcesOf(
          ...group.deployEnvironments.filter((e) => e.region !== this.region).map((e) => replicationBucketName(config, e.region)),
          nagReferencePrefix(deployArtifacts),
          nagReferencePrefix(key),
        ),
        reason: "CodePipeline's generated grant on this module's artifact replication bucket of a deploy region: every execution's artifacts.",
      },
      {
        covers: onlyResourcesOf(`:log-group:/aws/codebuild/${nagReferencePrefix(this.buildProject)}>`, `:report-group/${nagReferencePrefix(this.buildProject)}>-`),
        reason: "CodeBuild's own grant: the log streams and report groups of the model build project, whose names CodeBuild derives.",
      },
      {
        covers: onlyResourcesOf(nagNotation(this.resolve(settings.s3BucketName))),
        reason: 'CodePipeline reads the one environment settings object from the CDK asset bucket (CDK-generated source action grant).',
      },
    ]);

    // ---- Trigger ----
    if (build.account !== this.account) {
      this.eventBus = new CrossAccountEventBus(this, 'ModelEvents', { eventBusName: names.eventBus, sourceAccounts: [build.account] }).eventBus;
    } else {
      this.eventBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    }
    this.deployTriggerRule = new events.Rule(this, 'DeployTrigger', {
      ruleName: `${names.prefix}-deploy-trigger`,
      eventBus: this.eventBus,
      description: `Deploys the latest approved version of ${names.modelPackageGroup} on ${DEPLOY_TRIGGER_STATUSES.join(' and ')} (Rejected rolls back)`,
      eventPattern: modelPackageStateChange({ groupNames: [names.modelPackageGroup], sourceAccounts: [build.account], statuses: { include: [...DEPLOY_TRIGGER_STATUSES] } }),
      targets: [new targets.CodePipeline(this.deployPipeline, { retryAttempts: 8, maxEventAge: Duration.hours(24), deadLetterQueue: deadLetters.queue })],
    });
    deadLetters.allowDeliveriesFrom(this.deployTriggerRule);

    for (const [name, value] of Object.entries(this.outputs())) new CfnOutput(this, name, { value });
    for (const [env, role] of Object.entries(this.approverRoles)) {
      new CfnOutput(this, `ApproverRoleArn${env.replace(/[^A-Za-z0-9]/g, '')}`, { value: role.roleArn, description: `Approves or rejects deployments of ${group.name} to ${env}` });
    }
  }

  /** The group's part of the module metadata. */
  public outputs(): Record<string, string> {
    const names = this.group.names;
    return {
      BuildPipelineName: names.buildPipeline,
      DeployPipelineName: names.deployPipeline,
      ModelPackageGroupArn: this.formatArn({
        service: 'sagemaker',
        account: this.group.buildEnvironment.account,
        region: this.group.buildEnvironment.region,
        resource: 'model-package-group',
        resourceName: names.modelPackageGroup,
      }),
      ArtifactsBucketName: names.artifactsBucket,
    };
  }

  /** `<prefix>-<environment>`: at most 40 + 1 + 32 characters of CloudFormation's 128. */
  public endpointStackName(env: DeployEnvironment): string {
    return `${this.group.names.prefix}-${env.name}`;
  }

  private modelBuildRepository(): SourceRepository {
    const repo = this.config.modelBuildRepo;
    if (repo.host === 'codecommit') {
      return { host: 'codecommit', repository: codecommit.Repository.fromRepositoryName(this, 'ModelBuildRepository', repo.name) };
    }
    return { host: 'codeconnections', connectionArn: repo.connectionArn, ownerAndName: repo.name };
  }

  private environmentStage(
    env: DeployEnvironment,
    io: {
      templateOutput: codepipeline.Artifact;
      buildOutput: codepipeline.Artifact;
      settingsOutput: codepipeline.Artifact;
      testToolOutput: codepipeline.Artifact;
      testProject: codebuild.PipelineProject;
    },
  ): codepipeline.StageProps {
    const names = this.group.names;
    const id = `${env.name.replace(/[^A-Za-z0-9]/g, '')}${this.group.deployEnvironments.indexOf(env)}`;
    const stageActions: codepipeline.IAction[] = [];
    let runOrder = 1;
    if (env.requireApproval) {
      const gate = new ApprovalGate(this, `${id}Approval`, {
        actionName: DEPLOY_LAYOUT.approve,
        runOrder: runOrder++,
        message:
          `Deploy version ${LATEST_APPROVED_VARIABLES.modelPackageVersion} of ${names.modelPackageGroup} (${LATEST_APPROVED_VARIABLES.modelPackageArn}) ` +
          `to ${env.type} environment ${env.name} (account ${env.account}, ${env.region}).`,
        notificationTopic: this.approvalTopic,
        // Generated name: the environment's name may be too long for a role name next to the prefix.
        approverRoleDescription: `Approves or rejects deployments of ${this.group.name} to ${env.name} (${names.deployPipeline})`,
      });
      this.approverRoles[env.name] = gate.approverRole!;
      stageActions.push(gate.action);
    }
    stageActions.push(
      crossAccountDeployAction(this, id, {
        actionName: DEPLOY_LAYOUT.deploy,
        runOrder: runOrder++,
        stackName: this.endpointStackName(env),
        templatePath: io.templateOutput.atPath(this.template.templateFile),
        templateConfiguration: io.buildOutput.atPath(`${env.name}-template-configuration.json`),
        account: env.account,
        region: env.region,
        // Environments never cross partitions (configuration).
        partition: this.config.partition,
        qualifier: this.config.cdkBootstrapQualifier,
        // Non-prod: a failed first create is replaced on the next run; prod is never deleted by the pipeline.
        replaceOnFailure: env.type !== 'prod',
      }),
    );
    if (env.test) {
      stageActions.push(
        new actions.CodeBuildAction({
          actionName: DEPLOY_LAYOUT.test,
          runOrder: runOrder++,
          project: io.testProject,
          input: io.settingsOutput,
          extraInputs: [io.testToolOutput],
          environmentVariables: {
            MODEL_PACKAGE_ARN: { value: LATEST_APPROVED_VARIABLES.modelPackageArn },
            STAGE_ACCOUNTS: { value: JSON.stringify([env.account]) },
            STAGE_REGION: { value: env.region },
            ENDPOINT_NAME: { value: endpointName(names.endpointProjectName, names.endpointProjectId, env.name) },
            TEST_ROLE_NAME: { value: endpointTestRoleName(names.endpointProjectName, names.endpointProjectId, env.name) },
            TEST_DEFINITION: { value: TEST_DEFINITION },
            REPORT_PATH: { value: 'staging-test-report.json' },
          },
        }),
      );
    }
    return { stageName: DEPLOY_LAYOUT.environmentStage(env.name), actions: stageActions };
  }
}

/** The per-environment endpoint settings the endpoint build tool reads, and the staging test request. */
function environmentSettingsDir(group: DeploymentGroup): string {
  const dir = mkdtempSync(join(tmpdir(), 'model-cicd-settings-'));
  for (const env of group.deployEnvironments) {
    const { instanceType, instanceCount, variantName, dataCaptureSamplingPercentage } = env.endpoint;
    const settings = { InstanceType: instanceType, InstanceCount: instanceCount, VariantName: variantName, DataCaptureSamplingPercentage: dataCaptureSamplingPercentage };
    writeFileSync(join(dir, `${env.name}-config.json`), `${JSON.stringify({ ...settings, Tags: { 'deployment-group': group.name } }, null, 2)}\n`);
  }
  mkdirSync(join(dir, 'test'));
  writeFileSync(join(dir, TEST_DEFINITION), `${JSON.stringify({ contentType: 'text/csv', payload: '0.5,0.1,0.2,0.3' }, null, 2)}\n`);
  return dir;
}

