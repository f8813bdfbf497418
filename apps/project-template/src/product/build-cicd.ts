import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  acknowledgeGrantWildcards,
  acknowledgePipelineArtifactGrants,
  grantSageMakerPipelineExecution,
  grantSageMakerPipelineUpsert,
  nagReferencePrefix,
  onlyResourcesOf,
  RepositorySource,
} from '@sagemaker-mlops/constructs';
import type { DeadLetterQueue } from '@sagemaker-mlops/events';
import { Construct } from 'constructs';
import { PIPELINE_BRANCH, projectNames } from './names';
import { acknowledgeCodeBuildGrants, acknowledgeResources } from './nag';
import type { SharedResources } from './shared-resources';
import { ProjectRepository, projectSourceRepository } from './source';

/** Stage names of the build pipeline, in order. */
export const BUILD_PIPELINE_STAGES = ['Source', 'Build'] as const;

/** The environment of the build project: the reference's names, which the seeded buildspec reads. */
export const BUILD_ENVIRONMENT_VARIABLES = [
  'SAGEMAKER_PROJECT_NAME',
  'SAGEMAKER_PROJECT_ID',
  'MODEL_PACKAGE_GROUP_NAME',
  'AWS_REGION',
  'SAGEMAKER_PIPELINE_NAME',
  'SAGEMAKER_PIPELINE_DESCRIPTION',
  'SAGEMAKER_PIPELINE_ROLE_ARN',
  'ARTIFACT_BUCKET',
  'ARTIFACT_BUCKET_KMS_ID',
] as const;

export interface BuildCicdProps {
  readonly projectName: string;
  readonly projectId: string;
  readonly shared: SharedResources;
  readonly repository: ProjectRepository;
  readonly deadLetterQueue: DeadLetterQueue;
}

/**
 * The build app's CI/CD (dev only): the build repository, a CodeBuild project that runs the repository's
 * `buildspec.yml` (upsert and run the SageMaker training pipeline with `pipeline-run`), the least-privilege
 * SageMaker execution role the pipeline's jobs run as, and the pipeline Source -> Build started by pushes
 * to `main`. A version the pipeline registers waits for approval (`PendingManualApproval`).
 */
export class BuildCicd extends Construct {
  public readonly source: RepositorySource;
  public readonly project: codebuild.PipelineProject;
  public readonly buildRole: iam.Role;
  public readonly executionRole: iam.Role;
  public readonly pipeline: codepipeline.Pipeline;

  constructor(scope: Construct, id: string, props: BuildCicdProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { shared } = props;
    const names = projectNames(props.projectName, props.projectId);
    const group = { modelPackageGroupArn: shared.registry.groupArn, modelPackageGroupName: names.modelPackageGroup };

    // The SageMaker execution role of the training pipeline's jobs.
    this.executionRole = new iam.Role(this, 'SageMakerExecutionRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: 'Runs the jobs of the SageMaker training pipeline of one SageMaker project',
    });
    const exec = this.executionRole;
    shared.artifactBucket.grantReadWrite(exec);
    shared.artifactKey.grantEncryptDecrypt(exec);
    const { jobs, frameworkImages, jobLogs, modelPackages: packagesArn } = grantSageMakerPipelineExecution(exec, group);

    // The build project: upserts and starts the one SageMaker pipeline, passes the execution role, uploads the scripts.
    this.buildRole = new iam.Role(this, 'BuildRole', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: 'Upserts and runs the SageMaker training pipeline of one SageMaker project',
    });
    const build = this.buildRole;
    shared.artifactBucket.grantReadWrite(build);
    shared.artifactKey.grantEncryptDecrypt(build);
    const { executions: executionsArn } = grantSageMakerPipelineUpsert(build, { ...group, pipelineName: names.sagemakerPipeline, executionRole: exec });

    const logGroup = new logs.LogGroup(this, 'BuildLogs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: shared.pipelineKey });
    this.project = new codebuild.PipelineProject(this, 'SMPipelineProject', {
      projectName: names.buildPipeline,
      description: 'Creates or updates and runs the SageMaker training pipeline of the build repository (its buildspec.yml)',
      // The repository's buildspec.yml (reference): the data scientists own how their pipeline is built.
      buildSpec: codebuild.BuildSpec.fromSourceFilename('buildspec.yml'),
      environment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.SMALL, privileged: false },
      role: build,
      encryptionKey: shared.pipelineKey,
      // pipeline-run waits for the execution (timeout 110 minutes in the seeded buildspec).
      timeout: Duration.hours(2),
      logging: { cloudWatch: { logGroup } },
      environmentVariables: {
        SAGEMAKER_PROJECT_NAME: { value: props.projectName },
        SAGEMAKER_PROJECT_ID: { value: props.projectId },
        MODEL_PACKAGE_GROUP_NAME: { value: names.modelPackageGroup },
        AWS_REGION: { value: Aws.REGION },
        SAGEMAKER_PIPELINE_NAME: { value: names.sagemakerPipeline },
        SAGEMAKER_PIPELINE_DESCRIPTION: { value: `${props.projectName} training pipeline` },
        SAGEMAKER_PIPELINE_ROLE_ARN: { value: exec.roleArn },
        ARTIFACT_BUCKET: { value: shared.artifactBucket.bucketName },
        ARTIFACT_BUCKET_KMS_ID: { value: shared.artifactKey.keyArn },
      },
    });

    const sourceOutput = new codepipeline.Artifact('Source');
    this.source = new RepositorySource(this, 'Source', {
      repository: projectSourceRepository(this, 'Repository', props.repository),
      branch: PIPELINE_BRANCH,
      output: sourceOutput,
      actionName: 'Source',
    });
    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: names.buildPipeline,
      pipelineType: codepipeline.PipelineType.V2,
      // Each push trains once, in order; a newer push does not cancel a running training.
      executionMode: codepipeline.ExecutionMode.QUEUED,
      artifactBucket: shared.pipelineBucket,
      restartExecutionOnUpdate: false,
      stages: [
        { stageName: BUILD_PIPELINE_STAGES[0], actions: [this.source.action] },
        {
          stageName: BUILD_PIPELINE_STAGES[1],
          actions: [new actions.CodeBuildAction({ actionName: 'SMPipeline', project: this.project, input: sourceOutput })],
        },
      ],
    });
    this.source.triggerOnPush(this.pipeline, { ruleName: names.rule('build-push'), deadLetterQueue: props.deadLetterQueue });
    acknowledgePipelineArtifactGrants(this.pipeline);
    acknowledgeCodeBuildGrants([this.project]);
    acknowledgeGrantWildcards(stack, [
      {
        covers: onlyResourcesOf(nagReferencePrefix(shared.artifactBucket), nagReferencePrefix(shared.artifactKey)),
        reason:
          "CDK's read/write grant on the project's one artifact bucket and its key: the training pipeline writes and reads objects under keys it chooses per execution.",
      },
    ]);
    acknowledgeResources(
      exec,
      [...jobs, frameworkImages, '*', jobLogs],
      'SageMaker Pipelines names the jobs and models it creates at run time, the framework images are in AWS-owned accounts per region, ' +
        'and ecr:GetAuthorizationToken / cloudwatch:PutMetricData have no resource-level permissions; every other statement names its resources.',
    );
    acknowledgeResources(exec, [packagesArn], 'Every version of the one model package group the pipeline registers into.');
    acknowledgeResources(
      build,
      [packagesArn, executionsArn],
      'The executions of the one SageMaker pipeline (ids assigned at start) and the versions of the one model package group.',
    );
  }
}
