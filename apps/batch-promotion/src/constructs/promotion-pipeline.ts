import { Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  acknowledgeControl,
  acknowledgeGrantWildcards,
  acknowledgePipelineArtifactGrants,
  ApprovalGate,
  ApprovalTopic,
  BundledTool,
  crossAccountDeployAction,
  denyGrantsNotForAwsResources,
  nagReferencePrefix,
  onlyResourcesOf,
  recordTargetRegions,
  RepositorySource,
  SecureBucket,
} from '@sagemaker-mlops/constructs';
import { DeadLetterQueue } from '@sagemaker-mlops/events';
import { promotionBundlePath, stageTemplateFile } from '@sagemaker-mlops/pipelines';
import { Construct } from 'constructs';
import { derivedNames, type BatchPromotionConfig, type StageSettings } from '../config';
import { REPOSITORY_LAYOUT } from '../seed';
import type { BatchStageTemplate } from '../stage/batch-stage-template';

/** The folder, relative to the repository checkout, the Build step writes to. */
const BUILD_OUTPUT_DIR = 'build-output';
/** What the Build step exports (namespace `Build`), read by RunInDev and the approval messages. */
const EXPORTED_VARIABLES = ['RELEASE_ID', 'CODE_PREFIX', 'DEV_RUN_MARKER'];
const VARIABLES_FILE = 'promotion-variables.env';

/** Stage and action names of the pipeline, in order. */
export const PIPELINE_LAYOUT = {
  source: 'Source',
  build: 'Build',
  runInDev: 'RunInDev',
  approvePreprod: 'ApprovePreProd',
  deployPreprod: 'DeployPreProd',
  approveProd: 'ApproveProd',
  deployProd: 'DeployProd',
  approveAction: 'Approve',
  deployAction: 'Deploy',
} as const;

export interface PromotionPipelineProps {
  readonly config: BatchPromotionConfig;
  readonly template: BatchStageTemplate;
  /** The bucket of dev: the dev pipeline's artifacts, and the releases the stages read. */
  readonly devBucket: s3.IBucket;
  readonly key: kms.IKey;
  /** The dev SageMaker pipeline's role. */
  readonly devPipelineRoleArn: string;
  /**
   * The VPC of dev's jobs: with SSM parameter names, the lists the module's stack resolved in dev.
   *
   * @default - `config.vpc`
   */
  readonly devVpc?: { readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] };
  /** @default - the CodeConnections repository of `config.repository` */
  readonly repository?: codecommit.IRepository;
}

/**
 * The promotion pipeline (dev account; CodePipeline V2, QUEUED, KMS-encrypted artifacts): Source → Build →
 * RunInDev → ApprovePreProd → DeployPreProd → ApproveProd → DeployProd, started by a push to the branch.
 */
export class PromotionPipeline extends Construct {
  public readonly pipeline: codepipeline.Pipeline;
  public readonly buildProject: codebuild.PipelineProject;
  public readonly runInDevProject: codebuild.PipelineProject;
  public readonly approvalTopic?: ApprovalTopic;
  /** Stage name -> the role that may approve that stage's deployment. */
  public readonly approverRoles: Record<string, iam.Role>;
  public readonly pushRule?: events.Rule;

  constructor(scope: Construct, id: string, props: PromotionPipelineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { config, key, devBucket } = props;
    const names = derivedNames(config.projectName, config.projectId);
    recordTargetRegions(this, config.stages.map((s) => s.region));

    const artifactBucket = new SecureBucket(this, 'ArtifactBucket', {
      encryptionKey: key,
      retainOnDelete: false,
      serverAccessLogsBucket: config.s3AccessLogsBucketArn ? s3.Bucket.fromBucketArn(this, 'AccessLogsBucket', config.s3AccessLogsBucketArn) : undefined,
    }).bucket;

    const sourceOutput = new codepipeline.Artifact('Source');
    const toolOutput = new codepipeline.Artifact('PromotionTool');
    const templateOutput = new codepipeline.Artifact('StageTemplate');
    const buildOutput = new codepipeline.Artifact('BuildOutput');
    /** VPC from SSM parameter names: each stage's template is the stage template with its definition inlined. */
    const inlinesDefinitions = config.vpcParameters !== undefined;

    const source = new RepositorySource(this, 'Repository', {
      repository: props.repository
        ? { host: 'codecommit', repository: props.repository }
        : { host: 'codeconnections', connectionArn: config.repository.type === 'codeconnections' ? config.repository.connectionArn : '', ownerAndName: config.repository.type === 'codeconnections' ? config.repository.ownerAndName : '' },
      branch: config.repository.branch,
      output: sourceOutput,
    });
    const tool = new BundledTool(this, 'PromotionTool', { bundleDir: promotionBundlePath() });

    // Build: render, validate, package, write the template configurations.
    const buildRole = new iam.Role(this, 'BuildRole', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: `Renders and packages the releases of ${config.projectName}: writes releases/ of ${config.devBucketName}`,
    });
    devBucket.grantPut(buildRole, 'releases/code/*');
    devBucket.grantPut(buildRole, 'releases/definitions/*');
    this.buildProject = tool.project('BuildProject', {
      args: ['build'],
      toolInput: toolOutput.artifactName,
      encryptionKey: key,
      role: buildRole,
      timeout: Duration.minutes(20),
      outputFiles: ['*.json', VARIABLES_FILE],
      outputBaseDirectory: BUILD_OUTPUT_DIR,
      exportedVariables: { names: EXPORTED_VARIABLES, file: `${BUILD_OUTPUT_DIR}/${VARIABLES_FILE}` },
      environmentVariables: {
        OUTPUT_DIR: { value: BUILD_OUTPUT_DIR },
        // toJsonString: with SSM parameter names, dev's VPC lists are resolved by CloudFormation into the value.
        PROMOTION: { value: stack.toJsonString(promotionSettings(config, props.devPipelineRoleArn, props.devVpc)) },
        // With SSM parameter names the Build step inlines each stage's definition into the stage template, which
        // CodeBuild puts at $CODEBUILD_SRC_DIR_<artifact>.
        ...(inlinesDefinitions ? { STAGE_TEMPLATE_ARTIFACT: { value: templateOutput.artifactName! }, STAGE_TEMPLATE_FILE: { value: props.template.templateFile } } : {}),
      },
    });
    const buildAction = new actions.CodeBuildAction({
      actionName: 'RenderAndPackage',
      project: this.buildProject,
      input: sourceOutput,
      extraInputs: inlinesDefinitions ? [toolOutput, templateOutput] : [toolOutput],
      outputs: [buildOutput],
      variablesNamespace: 'Build',
    });

    // RunInDev: pipeline-run upserts, starts and waits for the dev pipeline, unless this release already succeeded.
    const runRole = new iam.Role(this, 'RunInDevRole', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: `Runs ${config.devPipelineName} with pipeline-run`,
    });
    const devPipelineArn = stack.formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: config.devPipelineName.toLowerCase() });
    runRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'UpsertAndRunDevPipeline',
        actions: [
          'sagemaker:DescribePipeline',
          'sagemaker:CreatePipeline',
          'sagemaker:UpdatePipeline',
          'sagemaker:AddTags',
          'sagemaker:StartPipelineExecution',
          'sagemaker:DescribePipelineExecution',
          'sagemaker:ListPipelineExecutionSteps',
        ],
        resources: [devPipelineArn, `${devPipelineArn}/execution/*`],
      }),
    );
    runRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PassDevPipelineRole',
        actions: ['iam:PassRole'],
        resources: [props.devPipelineRoleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }),
    );
    devBucket.grantPut(runRole, `${config.devPipelineName}/data/*`);
    // The grant includes s3:List* on the bucket: without s3:ListBucket, HeadObject of a missing object answers 403
    // instead of 404 ("HeadObject", Amazon S3 API Reference: permissions), and a release's first run could not tell
    // "never ran" from "denied".
    devBucket.grantReadWrite(runRole, 'releases/dev-runs/*');
    const dataUpload = `"$CODEBUILD_SRC_DIR_${sourceOutput.artifactName}/${REPOSITORY_LAYOUT.dataDir}=s3://${config.devBucketName}/${config.devPipelineName}/data/"`;
    this.runInDevProject = tool.project('RunInDevProject', {
      args: [
        'run-dev',
        '--definition', 'dev-definition.json',
        '--pipeline-name', config.devPipelineName,
        '--role-arn', props.devPipelineRoleArn,
        '--upload', dataUpload,
        '--expected-bucket-owner', config.account,
        '--tag', `sagemaker:project-name=${config.projectName}`,
        '--tag', `sagemaker:project-id=${config.projectId}`,
        '--timeout-minutes', '110',
      ],
      toolInput: toolOutput.artifactName,
      encryptionKey: key,
      role: runRole,
      timeout: Duration.minutes(120),
      environmentVariables: { RELEASE_BUCKET_OWNER: { value: config.account } },
    });
    const runAction = new actions.CodeBuildAction({
      actionName: 'RunDevPipeline',
      project: this.runInDevProject,
      input: buildOutput,
      extraInputs: [sourceOutput, toolOutput],
      environmentVariables: { DEV_RUN_MARKER: { value: '#{Build.DEV_RUN_MARKER}' } },
    });

    // Approvals and deployments.
    if (config.approvalEmailAddresses.length > 0) {
      this.approvalTopic = new ApprovalTopic(this, 'ApprovalTopic', {
        encryptionKey: key,
        emailAddresses: config.approvalEmailAddresses,
        displayName: `Promotions of ${config.projectName}`,
      });
    }
    this.approverRoles = {};
    const gate = (stage: StageSettings) => {
      const approval = new ApprovalGate(this, `Approve${pascal(stage.name)}`, {
        actionName: PIPELINE_LAYOUT.approveAction,
        message:
          `Promote release #{Build.RELEASE_ID} of ${config.projectName} (${config.projectId}) to ${stage.name}: ` +
          `SageMaker pipeline ${stage.sagemakerPipelineName} with its schedule and dashboard ${stage.dashboardName}, ` +
          `stack ${stage.stackName} in account ${stage.account}, ${stage.region}. It succeeded in dev as ${config.devPipelineName}.`,
        notificationTopic: this.approvalTopic?.topic,
        approverRoleName: names.approverRole(stage.name),
        approverRoleDescription: `Approves or rejects the promotion of ${config.projectName} to ${stage.name}`,
      });
      this.approverRoles[stage.name] = approval.approverRole!;
      return approval.action;
    };
    const deploy = (stage: StageSettings) =>
      crossAccountDeployAction(this, pascal(stage.name), {
        actionName: PIPELINE_LAYOUT.deployAction,
        stackName: stage.stackName,
        templatePath: inlinesDefinitions ? buildOutput.atPath(stageTemplateFile(stage.name)) : templateOutput.atPath(props.template.templateFile),
        templateConfiguration: buildOutput.atPath(`${stage.name}-template-configuration.json`),
        account: stage.account,
        region: stage.region,
        partition: stage.partition,
        qualifier: config.cdkBootstrapQualifier,
        // A first create that failed leaves ROLLBACK_COMPLETE; pre-prod is recreated, prod is never deleted by the pipeline.
        replaceOnFailure: stage.name === 'preprod',
      });
    const [preprod, prod] = config.stages;

    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: names.codePipeline,
      pipelineType: codepipeline.PipelineType.V2,
      executionMode: codepipeline.ExecutionMode.QUEUED,
      artifactBucket,
      // A stage in another region needs a replication bucket there (a support stack of CDK's, in this account),
      // which must be KMS-encrypted for the stage account's deploy role to read it.
      crossAccountKeys: config.stages.some((s) => s.region !== config.region) ? true : undefined,
      enableKeyRotation: config.stages.some((s) => s.region !== config.region) ? true : undefined,
      restartExecutionOnUpdate: false,
      stages: [
        { stageName: PIPELINE_LAYOUT.source, actions: [source.action, tool.sourceAction(toolOutput, 'PromotionTool'), props.template.sourceAction(templateOutput)] },
        { stageName: PIPELINE_LAYOUT.build, actions: [buildAction] },
        { stageName: PIPELINE_LAYOUT.runInDev, actions: [runAction] },
        { stageName: PIPELINE_LAYOUT.approvePreprod, actions: [gate(preprod)] },
        { stageName: PIPELINE_LAYOUT.deployPreprod, actions: [deploy(preprod)] },
        { stageName: PIPELINE_LAYOUT.approveProd, actions: [gate(prod)] },
        { stageName: PIPELINE_LAYOUT.deployProd, actions: [deploy(prod)] },
      ],
    });

    const deadLetters = new DeadLetterQueue(this, 'TriggerDeadLetterQueue', { encryptionKey: key });
    this.pushRule = source.triggerOnPush(this.pipeline, { ruleName: names.pushRule, deadLetterQueue: deadLetters });
    if (!this.pushRule) deadLetters.node.tryRemoveChild('Resource');

    acknowledgePipelineArtifactGrants(this.pipeline);
    // CDK's cross-region support stacks (one per other stage region): each holds the replication bucket the deploy
    // action of that region reads its artifacts from. CDK creates the bucket; these are what it does not set.
    for (const support of Object.values(this.pipeline.crossRegionSupport)) {
      const replication = support.replicationBucket;
      const why = 'CodePipeline\'s cross-region replication bucket, created by CDK: it holds copies of this pipeline\'s artifacts for one stage region, and CodePipeline alone reads and writes it.';
      Validations.of(replication.node.defaultChild!).acknowledge({ id: 'AwsSolutions-S1', reason: `${why} Its access is the pipeline's, logged by CloudTrail.` });
      acknowledgeControl(replication, 'CT.S3.PR.2', `${why} Its access is the pipeline's, logged by CloudTrail.`);
      acknowledgeControl(replication, 'CT.S3.PR.4', `${why} Nothing consumes its object events.`);
      acknowledgeControl(replication, 'CT.S3.PR.9', `${why} Object Lock would keep superseded artifacts undeletable.`);
      // What CDK leaves unset, set as the house buckets and keys have it (Control Tower CT.S3.PR.11, CT.S3.PR.6, CT.KMS.PR.3).
      const cfnBucket = replication.node.defaultChild as s3.CfnBucket;
      cfnBucket.versioningConfiguration = { status: 'Enabled' };
      cfnBucket.lifecycleConfiguration = {
        rules: [{ status: 'Enabled', abortIncompleteMultipartUpload: { daysAfterInitiation: 7 }, noncurrentVersionExpiration: { noncurrentDays: 30 } }],
      };
      const replicationKey = replication.encryptionKey as kms.Key | undefined;
      replicationKey?.addToResourcePolicy(denyGrantsNotForAwsResources());
    }
    acknowledgeGrantWildcards(stack, [
      {
        covers: onlyResourcesOf('eplicationbucket'),
        reason: "CodePipeline's generated grant on its cross-region replication buckets: actions read and write each execution's artifacts.",
      },
    ]);
    const bucketRef = nagReferencePrefix(devBucket, devBucket.bucketArn);
    acknowledgeGrantWildcards(stack, [
      {
        covers: onlyResourcesOf(bucketRef),
        reason: `The tools' grants on the dev bucket: releases are keyed by content hash, the dev data by file, under their prefixes.`,
      },
      {
        covers: onlyResourcesOf(...config.stages.map((s) => `:stack/${s.stackName}/*`)),
        reason: "CodePipeline's generated CloudFormation grant on one stage stack: the ARN ends in an id CloudFormation assigns.",
      },
      {
        covers: onlyResourcesOf(`:pipeline/${config.devPipelineName.toLowerCase()}`),
        reason: 'The executions of the one dev pipeline: SageMaker names each execution.',
      },
    ]);
  }
}

function pascal(stage: string): string {
  return stage === 'preprod' ? 'PreProd' : stage.charAt(0).toUpperCase() + stage.slice(1);
}

/** The Build step's settings (environment variable PROMOTION). */
export function promotionSettings(config: BatchPromotionConfig, devRoleArn: string, devVpc?: { readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] }) {
  return {
    ...{ pipelineSource: REPOSITORY_LAYOUT.pipelineSource, scriptsDir: REPOSITORY_LAYOUT.scriptsDir, configDir: REPOSITORY_LAYOUT.configDir },
    releaseBucket: config.devBucketName,
    releaseBucketOwner: config.account,
    modelPackageGroupName: config.modelPackageGroupName,
    dev: { region: config.region, pipelineName: config.devPipelineName, roleArn: devRoleArn, bucket: config.devBucketName },
    stages: config.stages.map((s) => ({
      name: s.name,
      account: s.account,
      region: s.region,
      pipelineName: s.sagemakerPipelineName,
      roleArn: `arn:${s.partition}:iam::${s.account}:role/${s.executionRoleName}`,
      bucket: s.bucketName,
      createModelPackageGroup: s.createsModelPackageGroup,
    })),
    vpc: config.vpcParameters
      ? {
          subnetIdsParameter: config.vpcParameters.subnetIds,
          securityGroupIdsParameter: config.vpcParameters.securityGroupIds,
          // Comma-separated: CloudFormation joins the lists it resolved from dev's SSM parameters.
          devSubnetIds: devVpc ? Fn.join(',', [...devVpc.subnetIds]) : '',
          devSecurityGroupIds: devVpc ? Fn.join(',', [...devVpc.securityGroupIds]) : '',
        }
      : config.vpc && { subnetIds: [...config.vpc.subnetIds], securityGroupIds: [...config.vpc.securityGroupIds] },
    tags: {
      'sagemaker:project-name': config.projectName,
      'sagemaker:project-id': config.projectId,
      ...(config.projectArn ? { 'sagemaker:project-arn': config.projectArn } : {}),
    },
  };
}
