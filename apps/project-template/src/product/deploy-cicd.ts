import { Aws, CfnCapabilities, CfnDynamicReference, CfnDynamicReferenceService, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgeGrantWildcards, acknowledgePipelineArtifactGrants, ApprovalGate, endpointName, endpointTestRoleName, nagNotation, onlyResourcesOf, RepositorySource } from '@sagemaker-mlops/constructs';
import { DeadLetterQueue, modelPackageStateChange } from '@sagemaker-mlops/events';
import { cdkBootstrapRole, cdkBootstrapRoleArn } from '@sagemaker-mlops/iam';
import { Construct } from 'constructs';
import { DEPLOY_APP_ENVIRONMENT_VARIABLES, DEPLOY_VARIABLES_FILE, SECURITY_REPORT_FILE } from '../deploy-contract';
import { DEPLOY_STAGES, DeployStage, PIPELINE_BRANCH, PROJECT_ROLE_PATH, projectNames } from './names';
import { acknowledgeCodeBuildGrants, acknowledgeResources } from './nag';
import type { SharedResources } from './shared-resources';
import { pipelineTarget, ProjectRepository, projectSourceRepository } from './source';

/** The model package states that start the deploy pipeline: a new approval, or a rejection (rollback to the previous approved version). */
export const DEPLOY_TRIGGER_STATUSES = ['Approved', 'Rejected'] as const;

/** Stage names of the deploy pipeline, in order (issue 12). */
export const DEPLOY_PIPELINE_STAGES = [
  'Source',
  'Build',
  'SecurityEvaluation',
  'DeployDev',
  'ApprovePreProd',
  'DeployPreProd',
  'TestPreProd',
  'ApproveProd',
  'DeployProd',
] as const;

/** The stages as they appear in stage, action and construct names. */
const STAGE_IDS: Record<DeployStage, string> = { dev: 'Dev', preprod: 'PreProd', prod: 'Prod' };

/** The variables the Build action exports (namespace `Build`), written by the deploy app's synth. */
export const BUILD_EXPORTED_VARIABLES = ['MODEL_PACKAGE_ARN', 'MODEL_PACKAGE_VERSION'] as const;

/** A zip in the module's seed bucket (a CDK asset of the module stack). */
export interface SeedObject {
  readonly bucket: string;
  readonly key: string;
}

/** The deploy pipelines' artifact store in the deployment region (the module's DeploymentRegionStack). */
export interface DeploymentRegionStore {
  /** Literal: one name per module, account and region (replicationBucketName). */
  readonly bucketName: string;
  /** The SSM parameter, of the product's region, that holds the store's key ARN (read at launch). */
  readonly keyArnParameter: string;
}

export interface DeployCicdProps {
  readonly projectName: string;
  readonly projectId: string;
  readonly shared: SharedResources;
  readonly repository: ProjectRepository;
  readonly deadLetterQueue: DeadLetterQueue;
  /** `PreProdAccount` and `ProdAccount`. */
  readonly accounts: { readonly preprod: string; readonly prod: string };
  /** Where every stage deploys (literal: CodePipeline and the bootstrap role names need it at synth time). */
  readonly deploymentRegion: string;
  /** The `DeploymentRegion` parameter, whose only allowed value is `deploymentRegion`: what the tools are told. */
  readonly deploymentRegionParameter: string;
  /** The CloudFormation variable holding each stage's account, for Fn::Sub (`AWS::AccountId`, `PreProdAccount`, `ProdAccount`). */
  readonly accountVariables: Record<DeployStage, string>;
  /** The bundled `endpoint-test` tool of `@sagemaker-mlops/registry`. */
  readonly endpointTestTool: SeedObject;
  /** The bundled security evaluation tool of this module. */
  readonly securityEvaluationTool: SeedObject;
  /** The qualifier the stage accounts were bootstrapped with. */
  readonly cdkBootstrapQualifier: string;
  /** The partition of the module, literal (cfn-lint validates action role ARNs and rejects an Fn::Join of AWS::Partition). */
  readonly partition: string;
  /** The region the product is synthesized for (the module's): a Service Catalog product launches only there. */
  readonly pipelineRegion: string;
  /**
   * The artifact store of the deployment region, when it differs from `pipelineRegion`.
   *
   * @default - the deployment region is the pipeline's: the pipeline bucket serves every action
   */
  readonly deploymentRegionStore?: DeploymentRegionStore;
}

/**
 * The deploy app's CI/CD: the deploy repository; a rule on the group's Approved and Rejected events (never
 * `PendingManualApproval`) with retries and a DLQ; pushes to `main`. The pipeline: Source -> Build (the
 * deploy app's synth: dev, preprod and prod templates, checked by cdk-nag and the Control Tower controls)
 * -> SecurityEvaluation (fails on any finding, keeps the report) -> DeployDev (REPLACE_ON_FAILURE) ->
 * ApprovePreProd -> DeployPreProd -> TestPreProd (invokes the preprod endpoint) -> ApproveProd -> DeployProd,
 * each deploy with that account's CDK bootstrap roles in `DeploymentRegion`.
 */
export class DeployCicd extends Construct {
  public readonly source: RepositorySource;
  public readonly pipeline: codepipeline.Pipeline;
  public readonly synthProject: codebuild.PipelineProject;
  public readonly securityProject: codebuild.PipelineProject;
  public readonly testProject: codebuild.PipelineProject;
  /** The staging test's role: the preprod endpoint stack's test role trusts exactly this role. */
  public readonly testRole: iam.Role;
  /** The approval before preprod; its role may approve that one action. */
  public readonly approvePreProd: ApprovalGate;
  /** The approval before prod; its role may approve that one action. */
  public readonly approveProd: ApprovalGate;
  public readonly modelPackageStateRule: events.Rule;

  constructor(scope: Construct, id: string, props: DeployCicdProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { shared } = props;
    const names = projectNames(props.projectName, props.projectId);
    const accountOf = (stage: DeployStage) => (stage === 'dev' ? Aws.ACCOUNT_ID : props.accounts[stage]);
    const key = shared.pipelineKey;

    const sourceOutput = new codepipeline.Artifact('Source');
    const testToolOutput = new codepipeline.Artifact('EndpointTestTool');
    const securityToolOutput = new codepipeline.Artifact('SecurityEvaluationTool');
    const synthOutput = new codepipeline.Artifact('CDKSynth');
    const reportOutput = new codepipeline.Artifact('SecurityReport');
    const testOutput = new codepipeline.Artifact('StagingTestReport');

    this.source = new RepositorySource(this, 'Source', {
      repository: projectSourceRepository(this, 'Repository', props.repository),
      branch: PIPELINE_BRANCH,
      output: sourceOutput,
      actionName: 'Source',
    });
    const seedBucket = s3.Bucket.fromBucketName(this, 'SeedBucket', props.endpointTestTool.bucket);
    const toolSource = (actionName: string, tool: SeedObject, output: codepipeline.Artifact) =>
      // Never polls: the tools change only with a new version of the product.
      new actions.S3SourceAction({ actionName, bucket: seedBucket, bucketKey: tool.key, output, trigger: actions.S3Trigger.NONE });

    // Build: the deploy app's synth.
    const packagesArn = stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${names.modelPackageGroup}/*` });
    const synthRole = new iam.Role(this, 'SynthRole', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: 'Synthesizes the deploy app of one SageMaker project: reads the latest approved model package',
    });
    synthRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'FindLatestApproved',
        actions: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:ListModelPackages', 'sagemaker:DescribeModelPackage'],
        resources: [shared.registry.groupArn, packagesArn],
      }),
    );
    acknowledgeResources(synthRole, [packagesArn], 'Every version of the one model package group: the latest approved version changes with every approval.');
    const environment: Record<(typeof DEPLOY_APP_ENVIRONMENT_VARIABLES)[number], string> = {
      SAGEMAKER_PROJECT_NAME: props.projectName,
      SAGEMAKER_PROJECT_ID: props.projectId,
      MODEL_PACKAGE_GROUP_NAME: names.modelPackageGroup,
      DEV_ACCOUNT_ID: Aws.ACCOUNT_ID,
      PREPROD_ACCOUNT_ID: props.accounts.preprod,
      PROD_ACCOUNT_ID: props.accounts.prod,
      DEPLOYMENT_REGION: props.deploymentRegionParameter,
      MODEL_BUCKET_NAME: shared.artifactBucket.bucketName,
      MODEL_BUCKET_KMS_KEY_ARN: shared.artifactKey.keyArn,
      ECR_REPOSITORY_ARN: shared.repository.repositoryArn,
      STAGING_TEST_ROLE_ARN: stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${PROJECT_ROLE_PATH.slice(1)}${names.stagingTestRole}` }),
    };
    this.synthProject = this.project('SynthProject', {
      projectName: names.rule('deploy-synth'),
      description: 'Synthesizes the deploy app: one endpoint template per stage (dev, preprod, prod), with the cdk-nag and Control Tower report',
      role: synthRole,
      timeout: Duration.minutes(30),
      environment,
      spec: {
        version: '0.2',
        env: { 'exported-variables': [...BUILD_EXPORTED_VARIABLES] },
        phases: {
          install: { 'runtime-versions': { nodejs: 22 }, commands: ['npm ci --no-audit --no-fund'] },
          // The deploy app's own script (package.json of the seed): cdk synth, which also writes the variables file.
          build: { commands: ['npm run synth', `. ./cdk.out/${DEPLOY_VARIABLES_FILE}`] },
        },
        artifacts: { 'base-directory': 'cdk.out', files: ['**/*'] },
      },
      key,
    });

    // SecurityEvaluation: the bundled tool reads the synth's validation report; nothing is installed.
    const securityRole = new iam.Role(this, 'SecurityEvaluationRole', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: 'Checks the validation report of the deploy app synth of one SageMaker project',
    });
    this.securityProject = this.project('SecurityEvaluationProject', {
      projectName: names.rule('security-evaluation'),
      description: 'Fails on any cdk-nag or Control Tower finding of the deploy app templates, and keeps the report',
      role: securityRole,
      timeout: Duration.minutes(10),
      environment: { ASSEMBLY_DIR: '.', REPORT_PATH: SECURITY_REPORT_FILE, STAGES: JSON.stringify(DEPLOY_STAGES) },
      spec: {
        version: '0.2',
        phases: {
          install: { 'runtime-versions': { nodejs: 22 } },
          build: { commands: [`node "$CODEBUILD_SRC_DIR_${securityToolOutput.artifactName}/index.cjs"`] },
        },
        // Kept on failure too: the report says what to fix.
        artifacts: { files: [SECURITY_REPORT_FILE] },
      },
      key,
    });

    // TestPreProd: the registry's endpoint-test tool invokes the preprod endpoint through its test role.
    const preprodTestRole = endpointTestRoleName(props.projectName, props.projectId, 'preprod');
    this.testRole = new iam.Role(this, 'StagingTestRole', {
      // A fixed name: the preprod endpoint stack's test role trusts exactly this role.
      roleName: names.stagingTestRole,
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: 'Runs the staging test of one SageMaker project: may only assume the preprod endpoint test role',
    });
    this.testRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AssumePreProdTestRole',
        actions: ['sts:AssumeRole'],
        resources: [stack.formatArn({ service: 'iam', region: '', account: props.accounts.preprod, resource: 'role', resourceName: preprodTestRole })],
      }),
    );
    this.testProject = this.project('StagingTestProject', {
      projectName: names.rule('staging-test'),
      description: 'Invokes the preprod endpoint with the sample payload of the deploy repository',
      role: this.testRole,
      timeout: Duration.minutes(60),
      environment: {
        STAGE_ACCOUNTS: stack.toJsonString([props.accounts.preprod]),
        STAGE_REGION: props.deploymentRegionParameter,
        // The name EndpointStack gives the preprod endpoint (the reference's test expected another one).
        ENDPOINT_NAME: endpointName(props.projectName, props.projectId, 'preprod'),
        TEST_ROLE_NAME: preprodTestRole,
        TEST_DEFINITION: 'test/staging-test.json',
        REPORT_PATH: 'staging-test-report.json',
        JUNIT_PATH: 'staging-test-junit.xml',
      },
      spec: {
        version: '0.2',
        phases: {
          install: { 'runtime-versions': { nodejs: 22 } },
          build: { commands: [`node "$CODEBUILD_SRC_DIR_${testToolOutput.artifactName}/index.cjs"`] },
        },
        artifacts: { files: ['staging-test-report.json', 'staging-test-junit.xml'] },
      },
      key,
    });

    const gate = (stage: 'preprod' | 'prod') =>
      new ApprovalGate(this, stage === 'preprod' ? 'ApprovePreProd' : 'ApproveProd', {
        actionName: stage === 'preprod' ? 'ApprovePreProd' : 'ApproveProd',
        message:
          `Deploy version #{Build.MODEL_PACKAGE_VERSION} (#{Build.MODEL_PACKAGE_ARN}) of ${names.modelPackageGroup} to ${stage} ` +
          `(account ${accountOf(stage)}, ${props.deploymentRegion}).`,
        approverRoleDescription: `Approves or rejects the ${stage} deployment of one SageMaker project`,
      });
    this.approvePreProd = gate('preprod');
    this.approveProd = gate('prod');

    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: names.deployPipeline,
      pipelineType: codepipeline.PipelineType.V2,
      // Events in quick succession all run, in order; each deploys the latest approved version, so the last wins.
      executionMode: codepipeline.ExecutionMode.QUEUED,
      artifactBucket: shared.pipelineBucket,
      restartExecutionOnUpdate: false,
      stages: [
        {
          stageName: 'Source',
          actions: [
            this.source.action,
            toolSource('EndpointTestTool', props.endpointTestTool, testToolOutput),
            toolSource('SecurityEvaluationTool', props.securityEvaluationTool, securityToolOutput),
          ],
        },
        {
          stageName: 'Build',
          actions: [
            new actions.CodeBuildAction({ actionName: 'Synth', project: this.synthProject, input: sourceOutput, outputs: [synthOutput], variablesNamespace: 'Build' }),
          ],
        },
        {
          stageName: 'SecurityEvaluation',
          actions: [
            new actions.CodeBuildAction({
              actionName: 'CheckTemplates',
              project: this.securityProject,
              input: synthOutput,
              extraInputs: [securityToolOutput],
              outputs: [reportOutput],
            }),
          ],
        },
        { stageName: 'DeployDev', actions: [this.deployAction('dev', accountOf('dev'), props, synthOutput)] },
        { stageName: 'ApprovePreProd', actions: [this.approvePreProd.action] },
        { stageName: 'DeployPreProd', actions: [this.deployAction('preprod', accountOf('preprod'), props, synthOutput)] },
        {
          stageName: 'TestPreProd',
          actions: [
            new actions.CodeBuildAction({
              actionName: 'TestEndpoint',
              project: this.testProject,
              input: sourceOutput,
              extraInputs: [testToolOutput],
              outputs: [testOutput],
              // The tool checks that the endpoint serves the version this execution deployed.
              environmentVariables: { MODEL_PACKAGE_ARN: { value: '#{Build.MODEL_PACKAGE_ARN}' } },
            }),
          ],
        },
        { stageName: 'ApproveProd', actions: [this.approveProd.action] },
        { stageName: 'DeployProd', actions: [this.deployAction('prod', accountOf('prod'), props, synthOutput)] },
      ],
    });
    if (props.deploymentRegionStore) this.deployAcrossRegions(props, props.deploymentRegionStore);
    this.source.triggerOnPush(this.pipeline, { ruleName: names.rule('deploy-push'), deadLetterQueue: props.deadLetterQueue });

    // Preprod's and prod's bootstrap roles read the templates from the pipeline bucket (CDK cannot tell that
    // a parameter names another account, so it grants nothing on the bucket and key by itself). The
    // condition, not the role ARNs as principals: a bucket policy naming a role that does not exist yet fails.
    const stageRoleArns = (['preprod', 'prod'] as const).flatMap((stage) =>
      (['deploy', 'cfn-exec'] as const).map((kind) =>
        cdkBootstrapRoleArn(this, { account: accountOf(stage), region: props.deploymentRegion, kind, qualifier: props.cdkBootstrapQualifier }),
      ),
    );
    const stagePrincipals = [new iam.AccountPrincipal(props.accounts.preprod), new iam.AccountPrincipal(props.accounts.prod)];
    shared.pipelineBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'StageBootstrapRolesReadArtifacts',
        principals: stagePrincipals,
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetBucketLocation'],
        resources: [shared.pipelineBucket.bucketArn, shared.pipelineBucket.arnForObjects('*')],
        conditions: { ArnEquals: { 'aws:PrincipalArn': stageRoleArns } },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'StageBootstrapRolesDecryptArtifacts',
        principals: stagePrincipals,
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: { ArnEquals: { 'aws:PrincipalArn': stageRoleArns }, StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
      }),
    );

    // Approved and Rejected (rollback: the pipeline redeploys the latest version still approved), never
    // PendingManualApproval: a new registration waits for its approval.
    this.modelPackageStateRule = new events.Rule(this, 'ModelEventRule', {
      ruleName: names.rule('model-state'),
      description: 'Deploys the latest approved version when a version of the project model package group is approved or rejected',
      eventPattern: modelPackageStateChange({ groupNames: [names.modelPackageGroup], statuses: { include: [...DEPLOY_TRIGGER_STATUSES] } }),
      targets: [pipelineTarget(this.pipeline, props.deadLetterQueue)],
    });
    props.deadLetterQueue.allowDeliveriesFrom(this.modelPackageStateRule);
    acknowledgePipelineArtifactGrants(this.pipeline);
    acknowledgeCodeBuildGrants([this.synthProject, this.securityProject, this.testProject]);
    acknowledgeGrantWildcards(stack, [
      {
        covers: onlyResourcesOf(`:stack/${nagNotation(stack.resolve(names.endpointStack('dev')))}/*`),
        reason: "CodePipeline's generated CloudFormation grant on the dev endpoint stack: the ARN ends in an id CloudFormation assigns.",
      },
      {
        covers: onlyResourcesOf(`:s3:::${props.endpointTestTool.bucket}`),
        reason: "CodePipeline's generated grant to read the one tool zip from the module's asset bucket (S3 source action).",
      },
    ]);
  }

  /**
   * Runs the three deploy actions in the deployment region, with the module's artifact store there. CodePipeline
   * needs "an artifact store for the pipeline Region and for each cross-region action in the pipeline"
   * (ArtifactStores; AWS::CodePipeline::Pipeline ArtifactStoreMap, AWS CloudFormation Template Reference) and,
   * for cross-account actions, the store's key by key ID or ARN, never an alias (AWS::CodePipeline::Pipeline
   * EncryptionKey): the ARN is read at launch from the module's SSM parameter (a dynamic reference), since no
   * template can reference a resource of another region.
   *
   * On the L1 rather than through `crossRegionReplicationBuckets`: CDK's cross-region support requires a pipeline
   * stack with a literal region (PipelineStackMustHaveExplicitRegion), and a ProductStack is environment-agnostic;
   * the product launches only in the module's region (a Service Catalog product belongs to one region), which is
   * what the template names here. CodePipeline copies each execution's artifacts into the store as the pipeline
   * role; the dev deploy action's role reads them there, preprod's and prod's bootstrap roles by the store's
   * bucket and key policies (DeploymentRegionStack).
   */
  private deployAcrossRegions(props: DeployCicdProps, store: DeploymentRegionStore): void {
    const keyArn = new CfnDynamicReference(CfnDynamicReferenceService.SSM, store.keyArnParameter).toString();
    const bucket = s3.Bucket.fromBucketAttributes(this, 'DeploymentRegionArtifacts', {
      bucketName: store.bucketName,
      region: props.deploymentRegion,
      encryptionKey: kms.Key.fromKeyArn(this, 'DeploymentRegionArtifactKey', keyArn),
    });
    const shared = props.shared;
    const cfn = this.pipeline.node.defaultChild as codepipeline.CfnPipeline;
    const store$ = (location: string, key: string) => ({ Type: 'S3', Location: location, EncryptionKey: { Type: 'KMS', Id: key } });
    cfn.addPropertyDeletionOverride('ArtifactStore');
    cfn.addPropertyOverride('ArtifactStores', [
      { Region: props.pipelineRegion, ArtifactStore: store$(shared.pipelineBucket.bucketName, shared.pipelineKey.keyArn) },
      { Region: props.deploymentRegion, ArtifactStore: store$(store.bucketName, keyArn) },
    ]);
    for (const stage of ['dev', 'preprod', 'prod'] as const) {
      const stageName = `Deploy${STAGE_IDS[stage]}`;
      const index = DEPLOY_PIPELINE_STAGES.indexOf(stageName as (typeof DEPLOY_PIPELINE_STAGES)[number]);
      cfn.addPropertyOverride(`Stages.${index}.Actions.0.Region`, props.deploymentRegion);
    }
    // The pipeline role writes the replicated artifacts; the dev action role (of this account) reads them.
    bucket.grantReadWrite(this.pipeline.role);
    this.pipeline.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'], resources: [keyArn] }),
    );
    acknowledgeGrantWildcards(Stack.of(this), [
      {
        covers: onlyResourcesOf(`:s3:::${store.bucketName}`),
        reason: "CodePipeline's generated grant on the objects of the module's artifact store in the deployment region: every execution writes new artifact keys.",
      },
    ]);
    // The role CDK creates for the dev deploy action (no role given: see deployAction).
    const devRole = this.pipeline.node.tryFindChild('DeployDev')?.node.tryFindChild('DeployDev')?.node.tryFindChild('CodePipelineActionRole');
    if (!(devRole instanceof iam.Role)) throw new Error('DeployCicd: the dev deploy action has no role of its own to grant the deployment region store to');
    bucket.grantRead(devRole);
    devRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:DescribeKey'], resources: [keyArn] }));
  }

  /**
   * One stage's CloudFormation deploy action, with the stage account's CDK bootstrap roles: the action runs as
   * the `deploy` role (trusting this account through `cdk bootstrap --trust`), CloudFormation as the `cfn-exec`
   * role. Not `crossAccountDeployAction`: a product template has no concrete account or region, and that helper
   * then makes the action cross-region through CDK's support stacks; the roles alone make it cross-account here,
   * and another deployment region is set by deployAcrossRegions.
   */
  private deployAction(stage: DeployStage, account: string, props: DeployCicdProps, synthOutput: codepipeline.Artifact): codepipeline.IAction {
    const names = projectNames(props.projectName, props.projectId);
    const id = STAGE_IDS[stage];
    const options = { account, region: props.deploymentRegion, qualifier: props.cdkBootstrapQualifier };
    // Configuration.RoleArn as an Fn::Sub with the literal partition: cfn-lint (E3703) validates the field as a
    // role ARN and rejects an Fn::Join (of a partition reference or of the account parameter).
    const account$ = `\${${props.accountVariables[stage]}}`;
    const cfnExecRoleArn = Fn.sub(
      `arn:${props.partition}:iam::${account$}:role/cdk-${props.cdkBootstrapQualifier}-cfn-exec-role-${account$}-${props.deploymentRegion}`,
    );
    const cfnExecRole = iam.Role.fromRoleArn(this, `${id}CfnExecRole`, cfnExecRoleArn, { mutable: false });
    return new actions.CloudFormationCreateUpdateStackAction({
      actionName: `Deploy${id}`,
      stackName: names.endpointStack(stage),
      templatePath: synthOutput.atPath(names.templateFile(stage)),
      adminPermissions: false,
      cfnCapabilities: [CfnCapabilities.NAMED_IAM, CfnCapabilities.AUTO_EXPAND],
      // In another account the action runs as its deploy role. In dev, CDK creates the action role here, with
      // read access to the artifacts: the bootstrap deploy role reads only other accounts' pipeline buckets.
      role: stage === 'dev' ? undefined : cdkBootstrapRole(this, `${id}DeployRole`, { ...options, kind: 'deploy' }),
      deploymentRole: cfnExecRole,
      // Dev only: a stack whose first create failed is ROLLBACK_COMPLETE and can only be deleted, so CREATE_UPDATE
      // would fail every later run; REPLACE_ON_FAILURE deletes and recreates it ("Action mode", AWS CloudFormation
      // configuration properties reference for CodePipeline). Preprod and prod are never deleted by the pipeline
      // (the reference replaced prod too).
      replaceOnFailure: stage === 'dev',
    });
  }

  private project(
    id: string,
    options: {
      projectName: string;
      description: string;
      role: iam.Role;
      timeout: Duration;
      environment: Record<string, string>;
      spec: Record<string, unknown>;
      key: import('aws-cdk-lib/aws-kms').IKey;
    },
  ): codebuild.PipelineProject {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: options.key });
    return new codebuild.PipelineProject(this, id, {
      projectName: options.projectName,
      description: options.description,
      buildSpec: codebuild.BuildSpec.fromObject(options.spec),
      environment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.SMALL, privileged: false },
      environmentVariables: Object.fromEntries(Object.entries(options.environment).map(([k, value]) => [k, { value }])),
      encryptionKey: options.key,
      role: options.role,
      timeout: options.timeout,
      logging: { cloudWatch: { logGroup } },
    });
  }
}
