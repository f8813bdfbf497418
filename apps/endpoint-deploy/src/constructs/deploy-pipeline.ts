import { Aws, CfnCapabilities, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  acknowledgeGrantWildcards,
  acknowledgePipelineArtifactGrants,
  ApprovalGate,
  ApprovalTopic,
  BundledTool,
  crossAccountDeployAction,
  EncryptionKey,
  endpointName,
  endpointTestRoleName,
  LATEST_APPROVED_VARIABLES,
  LatestApprovedPackageStep,
  onlyResourcesOf,
  recordTargetRegions,
  RepositorySource,
  SecureBucket,
} from '@sagemaker-mlops/constructs';
import type { EndpointTemplate, SourceRepository } from '@sagemaker-mlops/constructs';
import { DeadLetterQueue, modelPackageStateChange } from '@sagemaker-mlops/events';
import { bundlePath } from '@sagemaker-mlops/registry';
import { Construct } from 'constructs';
import type { EndpointDeployConfig, StageSettings } from '../config';
import { derivedNames } from '../config';

/** Stage and action names of the pipeline, in order. */
export const PIPELINE_LAYOUT = {
  source: 'Source',
  build: 'Build',
  deployStaging: 'DeployStaging',
  testStaging: 'TestStaging',
  approve: 'Approve',
  approveAction: 'ApproveDeployment',
  deployProd: 'DeployProd',
} as const;

/** The CodeBuild report group key and files the staging test writes. */
const TEST_REPORT = 'staging-test-report.json';
const TEST_JUNIT = 'staging-test-junit.xml';

export interface EndpointDeployPipelineProps {
  readonly config: EndpointDeployConfig;
  /** The endpoint template the deploy actions deploy. */
  readonly template: EndpointTemplate;
  /**
   * The deploy repository this module created.
   *
   * @default - the CodeConnections repository of `config.repository`
   */
  readonly repository?: codecommit.IRepository;
}

/**
 * The endpoint deployment pipeline: Source -> Build -> DeployStaging -> TestStaging -> Approve ->
 * DeployProd, started by a push to the deploy branch and by every model package state change of the
 * group except a new registration awaiting approval. QUEUED, so that events in quick succession
 * all run, in order; each run deploys the latest approved package, so the last one wins.
 */
export class EndpointDeployPipeline extends Construct {
  public readonly pipeline: codepipeline.Pipeline;
  /** Encrypts the artifacts, logs, notifications and dead letters. */
  public readonly key: kms.Key;
  /** The Build step: finds the latest approved package and writes each stage's endpoint parameters. */
  public readonly build: LatestApprovedPackageStep;
  public readonly buildProject: codebuild.PipelineProject;
  public readonly testProject: codebuild.PipelineProject;
  /** The role of the staging test; the endpoint stack's test role trusts exactly this role. */
  public readonly testRole: iam.Role;
  /** May approve (or reject) the deployment to prod, and read the pipeline's state. */
  public readonly approverRole: iam.Role;
  public readonly approvalTopic?: sns.Topic;
  public readonly modelPackageStateRule: events.Rule;
  /** Only for a CodeCommit repository; CodeConnections pushes start the pipeline through its trigger. */
  public readonly repositoryPushRule?: events.Rule;
  public readonly deadLetterQueue: DeadLetterQueue;
  private readonly config: EndpointDeployConfig;
  private adminRole?: iam.IRole;

  constructor(scope: Construct, id: string, props: EndpointDeployPipelineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const config = (this.config = props.config);
    const names = derivedNames(config.projectName, config.projectId);
    // The endpoint template is deployed into each stage's region: the cfn-lint gate lints it for each.
    recordTargetRegions(this, config.stages.map((s) => s.region));

    const key = (this.key = new EncryptionKey(this, 'PipelineKey', {
      description: `Encrypts the artifacts, logs and notifications of the endpoint deployment pipeline of ${config.projectName}`,
      retainOnDelete: false,
    }).key);
    // CloudWatch Logs encrypts the build logs with this key.
    key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${Aws.REGION}.${Aws.URL_SUFFIX}`));
    const artifactBucket = new SecureBucket(this, 'ArtifactBucket', {
      encryptionKey: key,
      retainOnDelete: false,
      serverAccessLogsBucket: config.s3AccessLogsBucketArn
        ? s3.Bucket.fromBucketArn(this, 'AccessLogsBucket', config.s3AccessLogsBucketArn)
        : undefined,
    }).bucket;

    // Artifacts.
    const sourceOutput = new codepipeline.Artifact('Source');
    const testToolOutput = new codepipeline.Artifact('TestTool');
    const templateOutput = new codepipeline.Artifact('Template');
    const buildOutput = new codepipeline.Artifact('BuildOutput');
    const testOutput = new codepipeline.Artifact('TestReport');

    // Source.
    const branch = config.repository.branch;
    const repo = config.repository;
    let repository: SourceRepository;
    if (props.repository) repository = { host: 'codecommit', repository: props.repository };
    else if (repo.type === 'codeconnections') repository = { host: 'codeconnections', connectionArn: repo.connectionArn, ownerAndName: repo.ownerAndName };
    else throw new Error('A CodeCommit configuration needs the created repository');
    const source = new RepositorySource(this, 'Source', {
      repository,
      branch,
      output: sourceOutput,
      actionName: 'DeployRepository',
    });
    const testTool = new BundledTool(this, 'TestTool', { bundleDir: bundlePath('endpoint-test') });

    // Build.
    this.build = new LatestApprovedPackageStep(this, 'Build', {
      modelPackageGroupName: config.modelPackageGroupName,
      stageNames: config.stages.map((s) => s.name),
      projectName: config.projectName,
      projectId: config.projectId,
      encryptionKey: key,
      roleDescription: `Finds the latest approved package of ${config.modelPackageGroupName} and writes the endpoint parameters`,
    });
    this.buildProject = this.build.project;
    const buildAction = this.build.action({ actionName: 'BuildEndpointParameters', input: sourceOutput, output: buildOutput });

    // TestStaging.
    const staging = config.stages[0];
    const stagingTestRoleName = endpointTestRoleName(config.projectName, config.projectId, staging.name);
    this.testRole = new iam.Role(this, 'TestRole', {
      // A fixed name: the endpoint stack of each staging account trusts exactly this role.
      roleName: names.testProjectRoleName,
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: `Runs the staging test of ${config.projectName}: may only assume ${stagingTestRoleName} in the staging accounts`,
    });
    this.testRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeStagingTestRoles',
        actions: ['sts:AssumeRole'],
        resources: config.stagingTestAccounts.map((account) =>
          stack.formatArn({ service: 'iam', region: '', account, resource: 'role', resourceName: stagingTestRoleName }),
        ),
      }),
    );
    const reportGroup = new codebuild.ReportGroup(this, 'StagingTestReports', {
      reportGroupName: `${names.pipelineName}-staging-test`,
      type: codebuild.ReportGroupType.TEST,
      // Test reports are the evidence an approver looked at.
      removalPolicy: config.retainOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.testProject = testTool.project('TestProject', {
      role: this.testRole,
      toolInput: testToolOutput.artifactName,
      encryptionKey: key,
      timeout: Duration.minutes(60),
      outputFiles: [TEST_REPORT, TEST_JUNIT],
      reports: { [reportGroup.reportGroupArn]: { files: [TEST_JUNIT], fileFormat: 'JUNITXML' } },
      environmentVariables: {
        STAGE_ACCOUNTS: { value: JSON.stringify(config.stagingTestAccounts) },
        STAGE_REGION: { value: staging.region },
        ENDPOINT_NAME: { value: endpointName(config.projectName, config.projectId, staging.name) },
        TEST_ROLE_NAME: { value: stagingTestRoleName },
        TEST_DEFINITION: { value: 'test/staging-test.json' },
        REPORT_PATH: { value: TEST_REPORT },
        JUNIT_PATH: { value: TEST_JUNIT },
      },
    });
    reportGroup.grantWrite(this.testRole);
    const testAction = new actions.CodeBuildAction({
      actionName: 'TestEndpoint',
      project: this.testProject,
      input: sourceOutput,
      extraInputs: [testToolOutput],
      outputs: [testOutput],
      // The tool checks that each staging endpoint serves the model package this execution built.
      environmentVariables: { MODEL_PACKAGE_ARN: { value: LATEST_APPROVED_VARIABLES.modelPackageArn } },
    });

    // Approve.
    if (config.approvalEmailAddresses.length > 0) {
      this.approvalTopic = new ApprovalTopic(this, 'ApprovalTopic', {
        displayName: `Approve the prod deployment of ${config.projectName}`,
        encryptionKey: key,
        emailAddresses: config.approvalEmailAddresses,
      }).topic;
    }
    // The approver may approve this one action and see where the pipeline is; nothing more.
    const approval = new ApprovalGate(this, 'Approval', {
      actionName: PIPELINE_LAYOUT.approveAction,
      message:
        `Deploy version ${LATEST_APPROVED_VARIABLES.modelPackageVersion} of model package group ${config.modelPackageGroupName} ` +
        `(${LATEST_APPROVED_VARIABLES.modelPackageArn}) of project ${config.projectName} to prod (${describeTargets(config.stages[1])}). ` +
        `It passed TestStaging in ${describeTargets(staging)}.`,
      externalEntityLink: modelPackageConsoleLink(config, LATEST_APPROVED_VARIABLES.modelPackageVersion),
      notificationTopic: this.approvalTopic,
      approverRoleName: names.approverRoleName,
      approverRoleDescription: `Approves or rejects the prod deployment of ${config.projectName} (${names.pipelineName})`,
    });
    this.approverRole = approval.approverRole!;

    // The pipeline.
    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: names.pipelineName,
      pipelineType: codepipeline.PipelineType.V2,
      executionMode: codepipeline.ExecutionMode.QUEUED,
      artifactBucket,
      restartExecutionOnUpdate: false,
      stages: [
        {
          stageName: PIPELINE_LAYOUT.source,
          actions: [source.action, this.build.sourceAction('BuildTool'), testTool.sourceAction(testToolOutput, 'TestTool'), props.template.sourceAction(templateOutput)],
        },
        { stageName: PIPELINE_LAYOUT.build, actions: [buildAction] },
        { stageName: PIPELINE_LAYOUT.deployStaging, actions: [this.deployAction(staging, props.template, templateOutput, buildOutput)] },
        { stageName: PIPELINE_LAYOUT.testStaging, actions: [testAction] },
        { stageName: PIPELINE_LAYOUT.approve, actions: [approval.action] },
        { stageName: PIPELINE_LAYOUT.deployProd, actions: [this.deployAction(config.stages[1], props.template, templateOutput, buildOutput)] },
      ],
    });

    // Triggers.
    // EventBridge may encrypt with the key, and send to the queue, for these rules only (allowDeliveriesFrom).
    this.deadLetterQueue = new DeadLetterQueue(this, 'TriggerDeadLetterQueue', { encryptionKey: key });
    const target = () =>
      new targets.CodePipeline(this.pipeline, { retryAttempts: 8, maxEventAge: Duration.hours(24), deadLetterQueue: this.deadLetterQueue.queue });
    // Literal names: the key policy names each rule by ARN (it cannot reference the rule, which references the key's queue).
    // At most 64 characters: the project's role names, validated in the configuration, are longer.
    const ruleName = (suffix: string) => `${config.projectName}-${config.projectId}-${suffix}`;
    this.modelPackageStateRule = new events.Rule(this, 'ModelPackageStateRule', {
      ruleName: ruleName('model-state'),
      description: `Deploys the latest approved package of ${config.modelPackageGroupName} on any status change but a new registration awaiting approval`,
      eventPattern: modelPackageStateChange({
        groupNames: [config.modelPackageGroupName],
        statuses: { exclude: ['PendingManualApproval'] },
      }),
      targets: [target()],
    });
    this.deadLetterQueue.allowDeliveriesFrom(this.modelPackageStateRule);
    this.repositoryPushRule = source.triggerOnPush(this.pipeline, {
      ruleName: ruleName('repo-push'),
      description: `Deploys when branch ${branch} of ${props.repository?.repositoryName} changes`,
      deadLetterQueue: this.deadLetterQueue,
    });

    acknowledgePipelineArtifactGrants(this.pipeline);
    acknowledgeGrantWildcards(stack, [
      {
        covers: onlyResourcesOf(
          ...config.stages.flatMap((s) => [`:stack/${names.stackName(s.name)}/*`, `:stackset/${names.stackName(s.name)}:*`]),
        ),
        reason:
          "CodePipeline's generated CloudFormation grant on one stage's endpoint stack (set): the ARN ends in an id " +
          'CloudFormation assigns, and Describe*/GetTemplate* are the read actions of that one stack.',
      },
    ]);
  }

  /** The deploy action of one stage: a CloudFormation action for one account of this region, else a StackSet. */
  private deployAction(
    stage: StageSettings,
    template: EndpointTemplate,
    templateOutput: codepipeline.Artifact,
    buildOutput: codepipeline.Artifact,
  ): codepipeline.IAction {
    const config = this.config;
    const names = derivedNames(config.projectName, config.projectId);
    const stackName = names.stackName(stage.name);
    const templatePath = templateOutput.atPath(template.templateFile);
    const idPrefix = stage.name === 'staging' ? 'Staging' : 'Prod';

    if (stage.deployment === 'cloudformation' && stage.targets.kind === 'accounts') {
      return crossAccountDeployAction(this, idPrefix, {
        actionName: 'DeployEndpoint',
        stackName,
        templatePath,
        templateConfiguration: buildOutput.atPath(`${stage.name}-template-configuration.json`),
        account: stage.targets.accounts[0],
        region: stage.region,
        // Stages never cross partitions (configuration).
        partition: config.partition,
        qualifier: config.cdkBootstrapQualifier,
        capabilities: [CfnCapabilities.NAMED_IAM],
        // Staging only: a failed first create is replaced on the next run; a prod endpoint is never deleted by the pipeline.
        replaceOnFailure: stage.name === 'staging',
      });
    }

    const parameters = actions.StackSetParameters.fromArtifactPath(buildOutput.atPath(`${stage.name}-stackset-parameters.json`));
    const common = {
      actionName: 'DeployEndpoint',
      stackSetName: stackName,
      description: `SageMaker endpoint of ${config.projectName} (${config.projectId}), stage ${stage.name}`,
      template: actions.StackSetTemplate.fromArtifactPath(templatePath),
      parameters,
      cfnCapabilities: [CfnCapabilities.NAMED_IAM],
      failureTolerancePercentage: 0,
      maxAccountConcurrencyPercentage: 100,
    };
    if (stage.targets.kind === 'ous') {
      return new actions.CloudFormationDeployStackSetAction({
        ...common,
        stackInstances: actions.StackInstances.inOrganizationalUnits([...stage.targets.ouIds], [stage.region]),
        deploymentModel: actions.StackSetDeploymentModel.organizations({ autoDeployment: actions.StackSetOrganizationsAutoDeployment.ENABLED }),
      });
    }
    return new actions.CloudFormationDeployStackSetAction({
      ...common,
      stackInstances: actions.StackInstances.inAccounts([...stage.targets.accounts], [stage.region]),
      deploymentModel: actions.StackSetDeploymentModel.selfManaged({
        administrationRole: this.administrationRole(),
        executionRoleName: config.stackSetExecutionRoleName,
      }),
    });
  }

  /** The self-managed StackSet administration role, if a stage uses one: the configured one, or one this construct created. */
  public get stackSetAdministrationRole(): iam.IRole | undefined {
    return this.adminRole;
  }

  /** The self-managed StackSet administration role: the configured one, or one this construct creates once. */
  private administrationRole(): iam.IRole {
    const config = this.config;
    if (this.adminRole) return this.adminRole;
    if (config.stackSetAdministrationRoleArn) {
      this.adminRole = iam.Role.fromRoleArn(this, 'StackSetAdministrationRoleImport', config.stackSetAdministrationRoleArn, { mutable: false });
      return this.adminRole;
    }
    const stack = Stack.of(this);
    const accounts = [
      ...new Set(config.stages.flatMap((s) => (s.deployment === 'stackset' && s.targets.kind === 'accounts' ? s.targets.accounts : []))),
    ];
    const role = new iam.Role(this, 'StackSetAdministrationRole', {
      roleName: derivedNames(config.projectName, config.projectId).stackSetAdministrationRoleName,
      assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com'),
      description: `StackSet administration role of the endpoint deployment of ${config.projectName}: assumes ${config.stackSetExecutionRoleName} in the stage accounts only`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeStackSetExecutionRoles',
        actions: ['sts:AssumeRole'],
        resources: accounts.map((account) =>
          stack.formatArn({ service: 'iam', region: '', account, resource: 'role', resourceName: config.stackSetExecutionRoleName }),
        ),
      }),
    );
    this.adminRole = role;
    return role;
  }
}

/** The stage's targets in words, for the approval message. */
function describeTargets(stage: StageSettings): string {
  const where = stage.targets.kind === 'accounts' ? `account(s) ${stage.targets.accounts.join(', ')}` : `OU(s) ${stage.targets.ouIds.join(', ')}`;
  return `${where} in ${stage.region}`;
}

/** The SageMaker console page of one version of the group. */
function modelPackageConsoleLink(config: EndpointDeployConfig, version: string): string {
  const host =
    config.partition === 'aws-cn'
      ? 'console.amazonaws.cn'
      : config.partition === 'aws-us-gov'
        ? 'console.amazonaws-us-gov.com'
        : 'console.aws.amazon.com';
  return `https://${config.region}.${host}/sagemaker/home?region=${config.region}#/model-registry/${config.modelPackageGroupName}/versions/${version}`;
}
