import type {
  ModelApprovalStatus,
  PipelineExecutionState,
  SageMakerPipelineExecutionStatus,
} from './patterns';
import { DEFAULT_SAMPLE_TIME, addSeconds, digest, partitionOf, uuid } from './private/sample-values';

/**
 * The envelope EventBridge wraps around every AWS service event.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
 */
export interface EventBridgeEvent<TDetailType extends string = string, TDetail = Record<string, unknown>> {
  /** Always "0" for AWS service events. */
  readonly version: string;
  /** Unique id of the event. */
  readonly id: string;
  /** Identifies the kind of event, together with `source`. */
  readonly 'detail-type': TDetailType;
  /** The emitting service, e.g. `aws.sagemaker`. */
  readonly source: string;
  /** Account where the event originated; kept when the event is forwarded to another account's bus. */
  readonly account: string;
  /** ISO-8601 time of the event. */
  readonly time: string;
  /** Region where the event originated. */
  readonly region: string;
  /** ARNs of the resources involved. */
  readonly resources: string[];
  /** Service-specific payload. */
  readonly detail: TDetail;
}

/** Options shared by every sample factory. */
export interface SampleEventOptions {
  /** Account the event comes from. */
  readonly account: string;
  /** Region the event comes from. */
  readonly region: string;
  /**
   * Event time (ISO-8601).
   *
   * @default '2024-05-14T09:30:00Z'
   */
  readonly time?: string;
}

/** Options of {@link sampleModelPackageStateChange}. */
export interface SampleModelPackageStateChangeOptions extends SampleEventOptions {
  /** The model package group. */
  readonly groupName: string;
  /** The approval status after the change. */
  readonly status: ModelApprovalStatus;
  /**
   * The model package version within the group.
   *
   * @default 1
   */
  readonly version?: number;
}

/** `detail` of a "SageMaker Model Package State Change" event. */
export interface ModelPackageStateChangeDetail {
  /** Name of the model package group. */
  readonly ModelPackageGroupName: string;
  /** Version within the group, starting at 1. */
  readonly ModelPackageVersion: number;
  /** ARN of the model package version. */
  readonly ModelPackageArn: string;
  /** Name of the model package (for a versioned package, the group name). */
  readonly ModelPackageName: string;
  /** Creation time of the version. */
  readonly CreationTime: string;
  /** Inference containers and content types. */
  readonly InferenceSpecification: {
    readonly Containers: { readonly Image: string; readonly ImageDigest: string; readonly ModelDataUrl: string }[];
    readonly SupportedContentTypes: string[];
    readonly SupportedResponseMIMETypes: string[];
  };
  /** Lifecycle status of the package itself (not its approval). */
  readonly ModelPackageStatus: string;
  /** Validation and image scan statuses. */
  readonly ModelPackageStatusDetails: { readonly ValidationStatuses: unknown[]; readonly ImageScanStatuses: unknown[] };
  /** Whether the package is listed on AWS Marketplace. */
  readonly CertifyForMarketplace: boolean;
  /** Approval status after the change. */
  readonly ModelApprovalStatus: ModelApprovalStatus;
  /** Lineage: the pipeline execution that registered the version. */
  readonly MetadataProperties: { readonly GeneratedBy: string };
  /** Evaluation report location. */
  readonly ModelMetrics: {
    readonly ModelQuality: { readonly Statistics: { readonly ContentType: string; readonly S3Uri: string } };
  };
  /** Time of the change. */
  readonly LastModifiedTime: string;
}

/**
 * A "SageMaker Model Package State Change" event, shaped as SageMaker emits it when a version is
 * registered or its approval status changes.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html#eventbridge-model-package
 */
export function sampleModelPackageStateChange(
  options: SampleModelPackageStateChangeOptions,
): EventBridgeEvent<'SageMaker Model Package State Change', ModelPackageStateChangeDetail> {
  const { account, region, groupName, status } = options;
  const version = options.version ?? 1;
  const time = options.time ?? DEFAULT_SAMPLE_TIME;
  const partition = partitionOf(region);
  const arnPrefix = `arn:${partition}:sagemaker:${region}:${account}`;
  // SageMaker lowercases resource names inside ARNs.
  const modelPackageArn = `${arnPrefix}:model-package/${groupName.toLowerCase()}/${version}`;
  const executionId = digest(groupName, version).slice(0, 12);
  const bucket = `s3://sagemaker-${region}-${account}/${groupName}`;
  return {
    version: '0',
    id: uuid('model-package', account, region, groupName, version, status, time),
    'detail-type': 'SageMaker Model Package State Change',
    source: 'aws.sagemaker',
    account,
    time,
    region,
    resources: [modelPackageArn],
    detail: {
      ModelPackageGroupName: groupName,
      ModelPackageVersion: version,
      ModelPackageArn: modelPackageArn,
      ModelPackageName: groupName,
      CreationTime: addSeconds(time, -3600),
      InferenceSpecification: {
        Containers: [
          {
            Image: `${account}.dkr.ecr.${region}.amazonaws.com/${groupName.toLowerCase()}-inference:${version}`,
            ImageDigest: `sha256:${digest('image', groupName, version)}`,
            ModelDataUrl: `${bucket}/pipelines-${executionId}-TrainModel/output/model.tar.gz`,
          },
        ],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
      ModelPackageStatus: 'Completed',
      ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
      CertifyForMarketplace: false,
      ModelApprovalStatus: status,
      MetadataProperties: {
        GeneratedBy: `${arnPrefix}:pipeline/${groupName.toLowerCase()}-pipeline/execution/${executionId}`,
      },
      ModelMetrics: {
        ModelQuality: {
          Statistics: {
            ContentType: 'application/json',
            S3Uri: `${bucket}/pipelines-${executionId}-EvaluateModel/output/evaluation/evaluation.json`,
          },
        },
      },
      LastModifiedTime: time,
    },
  };
}

/** Options of {@link sampleCodeCommitReferenceUpdated}. */
export interface SampleCodeCommitReferenceUpdatedOptions extends SampleEventOptions {
  /** ARN of the repository, `arn:<partition>:codecommit:<region>:<account>:<name>`. */
  readonly repositoryArn: string;
  /** Branch that was pushed to (name, not `refs/heads/...`). */
  readonly branch: string;
}

/** `detail` of a CodeCommit `referenceCreated` / `referenceUpdated` event. */
export interface CodeCommitReferenceDetail {
  /** The IAM identity that pushed. */
  readonly callerUserArn: string;
  /** Commit the reference points to now. */
  readonly commitId: string;
  /** `referenceCreated`, `referenceUpdated` or `referenceDeleted`. */
  readonly event: string;
  /**
   * Commit the reference pointed to before the push.
   *
   * @default - absent from `referenceCreated` events
   */
  readonly oldCommitId?: string;
  /** e.g. `refs/heads/main`. */
  readonly referenceFullName: string;
  /** Branch or tag name. */
  readonly referenceName: string;
  /** `branch` or `tag`. */
  readonly referenceType: string;
  /** Id of the repository. */
  readonly repositoryId: string;
  /** Name of the repository. */
  readonly repositoryName: string;
}

/**
 * A CodeCommit `referenceUpdated` event: a push to an existing branch.
 *
 * @see https://docs.aws.amazon.com/codecommit/latest/userguide/monitoring-events.html#referenceUpdated
 * @throws Error when `repositoryArn` is not a CodeCommit repository ARN
 */
export function sampleCodeCommitReferenceUpdated(
  options: SampleCodeCommitReferenceUpdatedOptions,
): EventBridgeEvent<'CodeCommit Repository State Change', CodeCommitReferenceDetail> {
  const { account, region, repositoryArn, branch } = options;
  const time = options.time ?? DEFAULT_SAMPLE_TIME;
  const parts = repositoryArn.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'codecommit' || parts[5] === '') {
    throw new Error(
      `sampleCodeCommitReferenceUpdated: repositoryArn must look like arn:<partition>:codecommit:<region>:<account>:<name>, received "${repositoryArn}".`,
    );
  }
  const repositoryName = parts[5];
  return {
    version: '0',
    id: uuid('codecommit', account, region, repositoryArn, branch, time),
    'detail-type': 'CodeCommit Repository State Change',
    source: 'aws.codecommit',
    account,
    time,
    region,
    resources: [repositoryArn],
    detail: {
      callerUserArn: `arn:${partitionOf(region)}:sts::${account}:assumed-role/Developer/jane.doe`,
      commitId: digest('commit', repositoryArn, branch, time).slice(0, 40),
      event: 'referenceUpdated',
      oldCommitId: digest('old-commit', repositoryArn, branch, time).slice(0, 40),
      referenceFullName: `refs/heads/${branch}`,
      referenceName: branch,
      referenceType: 'branch',
      repositoryId: uuid('repository', repositoryArn),
      repositoryName,
    },
  };
}

/** Options of {@link samplePipelineExecutionStateChange}. */
export interface SamplePipelineExecutionStateChangeOptions extends SampleEventOptions {
  /** Name of the CodePipeline pipeline. */
  readonly pipelineName: string;
  /** Execution state after the change. */
  readonly state: PipelineExecutionState;
  /**
   * Execution id.
   *
   * @default - derived from the other options
   */
  readonly executionId?: string;
}

/** `detail` of a "CodePipeline Pipeline Execution State Change" event. */
export interface PipelineExecutionStateChangeDetail {
  /** Pipeline name. */
  readonly pipeline: string;
  /** Execution id. */
  readonly 'execution-id': string;
  /** Start of the execution. */
  readonly 'start-time': string;
  /** What started the execution. */
  readonly 'execution-trigger': { readonly 'trigger-type': string; readonly 'trigger-detail': string };
  /** State after the change. */
  readonly state: PipelineExecutionState;
  /** Pipeline structure version. */
  readonly version: number;
  /** Attempt number of this execution id. */
  readonly 'pipeline-execution-attempt': number;
}

/**
 * A "CodePipeline Pipeline Execution State Change" event.
 *
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
 */
export function samplePipelineExecutionStateChange(
  options: SamplePipelineExecutionStateChangeOptions,
): EventBridgeEvent<'CodePipeline Pipeline Execution State Change', PipelineExecutionStateChangeDetail> {
  const { account, region, pipelineName, state } = options;
  const time = options.time ?? DEFAULT_SAMPLE_TIME;
  const executionId = options.executionId ?? uuid('codepipeline-execution', account, region, pipelineName, time);
  return {
    version: '0',
    id: uuid('codepipeline', account, region, pipelineName, state, executionId, time),
    'detail-type': 'CodePipeline Pipeline Execution State Change',
    source: 'aws.codepipeline',
    account,
    time,
    region,
    resources: [`arn:${partitionOf(region)}:codepipeline:${region}:${account}:${pipelineName}`],
    detail: {
      pipeline: pipelineName,
      'execution-id': executionId,
      'start-time': addSeconds(time, -300).replace('Z', '.000Z'),
      'execution-trigger': {
        'trigger-type': 'StartPipelineExecution',
        'trigger-detail': `arn:${partitionOf(region)}:sts::${account}:assumed-role/Developer/jane.doe`,
      },
      state,
      version: 1,
      'pipeline-execution-attempt': 1,
    },
  };
}

/** Options of {@link sampleSageMakerPipelineExecutionStatusChange}. */
export interface SampleSageMakerPipelineExecutionStatusChangeOptions extends SampleEventOptions {
  /** Name of the SageMaker pipeline. */
  readonly pipelineName: string;
  /** Status after the change. */
  readonly status: SageMakerPipelineExecutionStatus;
  /**
   * Status before the change.
   *
   * @default 'Executing'
   */
  readonly previousStatus?: SageMakerPipelineExecutionStatus;
  /**
   * Execution id (last segment of the execution ARN).
   *
   * @default - derived from the other options
   */
  readonly executionId?: string;
}

/** `detail` of a "SageMaker Model Building Pipeline Execution Status Change" event. */
export interface SageMakerPipelineExecutionStatusChangeDetail {
  /** Display name of the execution. */
  readonly pipelineExecutionDisplayName: string;
  /** Status after the change. */
  readonly currentPipelineExecutionStatus: SageMakerPipelineExecutionStatus;
  /** Status before the change. */
  readonly previousPipelineExecutionStatus: SageMakerPipelineExecutionStatus;
  /** Start of the execution. */
  readonly executionStartTime: string;
  /**
   * End of the execution.
   *
   * @default - absent until the execution has stopped, failed or succeeded
   */
  readonly executionEndTime?: string;
  /** Description of the execution. */
  readonly pipelineExecutionDescription: string;
  /** ARN of the pipeline. */
  readonly pipelineArn: string;
  /** ARN of the execution. */
  readonly pipelineExecutionArn: string;
}

const TERMINAL_SAGEMAKER_STATUSES: readonly SageMakerPipelineExecutionStatus[] = ['Stopped', 'Failed', 'Succeeded'];

/**
 * A "SageMaker Model Building Pipeline Execution Status Change" event.
 *
 * The pipeline ARN carries the pipeline name in lowercase, as SageMaker reports it; build patterns from
 * `event.detail.pipelineArn` or from the pipeline resource's ARN attribute.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html#eventbridge-pipeline
 */
export function sampleSageMakerPipelineExecutionStatusChange(
  options: SampleSageMakerPipelineExecutionStatusChangeOptions,
): EventBridgeEvent<'SageMaker Model Building Pipeline Execution Status Change', SageMakerPipelineExecutionStatusChangeDetail> {
  const { account, region, pipelineName, status } = options;
  const time = options.time ?? DEFAULT_SAMPLE_TIME;
  const executionId = options.executionId ?? digest('sagemaker-execution', account, region, pipelineName).slice(0, 12);
  const pipelineArn = `arn:${partitionOf(region)}:sagemaker:${region}:${account}:pipeline/${pipelineName.toLowerCase()}`;
  const pipelineExecutionArn = `${pipelineArn}/execution/${executionId}`;
  return {
    version: '0',
    id: uuid('sagemaker-pipeline', account, region, pipelineName, status, executionId, time),
    'detail-type': 'SageMaker Model Building Pipeline Execution Status Change',
    source: 'aws.sagemaker',
    account,
    time,
    region,
    resources: [pipelineArn, pipelineExecutionArn],
    detail: {
      pipelineExecutionDisplayName: `execution-${executionId}`,
      currentPipelineExecutionStatus: status,
      previousPipelineExecutionStatus: options.previousStatus ?? 'Executing',
      executionStartTime: addSeconds(time, -420),
      ...(TERMINAL_SAGEMAKER_STATUSES.includes(status) ? { executionEndTime: addSeconds(time, -1) } : {}),
      pipelineExecutionDescription: `Execution of ${pipelineName}`,
      pipelineArn,
      pipelineExecutionArn,
    },
  };
}
