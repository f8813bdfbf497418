import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** The one model package group a SageMaker (training) pipeline registers into. */
export interface SageMakerPipelineGroup {
  /** ARN of the model package group. */
  readonly modelPackageGroupArn: string;
  /** Its name: the versions' ARNs are `model-package/<name>/*`. */
  readonly modelPackageGroupName: string;
}

/** The ARNs the execution statements name, for the callers' cdk-nag acknowledgements (wildcards by necessity). */
export interface SageMakerPipelineExecutionResources {
  /** Training, processing and transform jobs and models, any name (SageMaker Pipelines names them at run time). */
  readonly jobs: string[];
  /** ECR repositories of any account (the framework images are in AWS-owned accounts per region). */
  readonly frameworkImages: string;
  /** The `/aws/sagemaker/*` log groups of the jobs. */
  readonly jobLogs: string;
  /** Every version of the group. */
  readonly modelPackages: string;
}

/**
 * Grants a SageMaker pipeline's execution role what its jobs need, least privilege: run the training,
 * processing and transform jobs and models, register versions into the one group, write the job logs and
 * metrics, pull the framework images, and pass itself to the jobs it creates (iam:PassRole on its own ARN,
 * only to SageMaker). Artifact bucket and key grants are the caller's.
 */
export function grantSageMakerPipelineExecution(role: iam.Role, group: SageMakerPipelineGroup): SageMakerPipelineExecutionResources {
  const stack = Stack.of(role);
  const arn = (service: string, resource: string, resourceName: string) => stack.formatArn({ service, resource, resourceName });
  const modelPackages = arn('sagemaker', 'model-package', `${group.modelPackageGroupName}/*`);
  const jobs = ['training-job', 'processing-job', 'transform-job', 'model'].map((r) => arn('sagemaker', r, '*'));
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'RunPipelineJobs',
      actions: [
        'sagemaker:CreateTrainingJob',
        'sagemaker:DescribeTrainingJob',
        'sagemaker:StopTrainingJob',
        'sagemaker:CreateProcessingJob',
        'sagemaker:DescribeProcessingJob',
        'sagemaker:StopProcessingJob',
        'sagemaker:CreateTransformJob',
        'sagemaker:DescribeTransformJob',
        'sagemaker:CreateModel',
        'sagemaker:DescribeModel',
        'sagemaker:AddTags',
      ],
      resources: jobs,
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'RegisterIntoTheGroup',
      actions: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:ListModelPackages'],
      resources: [group.modelPackageGroupArn, modelPackages],
    }),
  );
  const jobLogs = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/sagemaker/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'JobLogs',
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [jobLogs],
    }),
  );
  // GetAuthorizationToken and PutMetricData support no resource-level permissions ("Actions, resources, and
  // condition keys for Amazon ECR" / "... for Amazon CloudWatch", Service Authorization Reference).
  role.addToPolicy(new iam.PolicyStatement({ sid: 'PullImagesToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'JobMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } },
    }),
  );
  // The SageMaker framework images live in AWS-owned accounts that differ per region ("Docker Registry
  // Paths and Example Code", Amazon SageMaker Developer Guide).
  const frameworkImages = stack.formatArn({ service: 'ecr', account: '*', resource: 'repository', resourceName: '*' });
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'PullImages',
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      resources: [frameworkImages],
    }),
  );
  // The pipeline's steps pass this same role to the jobs they create.
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'PassSelfToJobs',
      actions: ['iam:PassRole'],
      resources: [role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }),
  );
  return { jobs, frameworkImages, jobLogs, modelPackages };
}

export interface SageMakerPipelineUpsertProps extends SageMakerPipelineGroup {
  /** Name of the one SageMaker pipeline the build upserts and starts. */
  readonly pipelineName: string;
  /** The pipeline's execution role, passed to SageMaker with the definition. */
  readonly executionRole: iam.IRole;
}

/** The ARNs the upsert statements name, for the callers' cdk-nag acknowledgements. */
export interface SageMakerPipelineUpsertResources {
  readonly pipeline: string;
  /** The pipeline's executions (ids assigned at start). */
  readonly executions: string;
  /** Every version of the group. */
  readonly modelPackages: string;
}

/**
 * Grants the role of a build (CodeBuild) what `pipeline-run` needs: create or update, start and watch the one
 * SageMaker pipeline, read the group's versions, and pass the execution role (only to SageMaker).
 */
export function grantSageMakerPipelineUpsert(role: iam.Role, props: SageMakerPipelineUpsertProps): SageMakerPipelineUpsertResources {
  const stack = Stack.of(role);
  const arn = (service: string, resource: string, resourceName: string) => stack.formatArn({ service, resource, resourceName });
  const pipeline = arn('sagemaker', 'pipeline', props.pipelineName);
  const executions = arn('sagemaker', 'pipeline', `${props.pipelineName}/execution/*`);
  const modelPackages = arn('sagemaker', 'model-package', `${props.modelPackageGroupName}/*`);
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'UpsertAndStartThePipeline',
      actions: [
        'sagemaker:CreatePipeline',
        'sagemaker:UpdatePipeline',
        'sagemaker:DescribePipeline',
        'sagemaker:StartPipelineExecution',
        'sagemaker:DescribePipelineExecution',
        'sagemaker:ListPipelineExecutionSteps',
        'sagemaker:AddTags',
      ],
      resources: [pipeline, executions],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ReadTheGroup',
      actions: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:ListModelPackages', 'sagemaker:DescribeModelPackage'],
      resources: [props.modelPackageGroupArn, modelPackages],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'PassExecutionRole',
      actions: ['iam:PassRole'],
      resources: [props.executionRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }),
  );
  return { pipeline, executions, modelPackages };
}
