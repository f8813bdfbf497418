import {
  DefaultTokenResolver,
  StringConcat,
  Token,
  Tokenization,
  aws_codepipeline as codepipeline,
  aws_events as events,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { assertAccountIds, assertNonEmpty } from './private/validation';

/**
 * Approval status of a SageMaker model package version.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateModelPackage.html#sagemaker-UpdateModelPackage-request-ModelApprovalStatus
 */
export type ModelApprovalStatus = 'Approved' | 'Rejected' | 'PendingManualApproval';

/** Every {@link ModelApprovalStatus}, for validating values read from configuration. */
export const MODEL_APPROVAL_STATUSES: readonly ModelApprovalStatus[] = ['Approved', 'Rejected', 'PendingManualApproval'];

/**
 * State of a CodePipeline pipeline execution, as carried by `detail.state`.
 *
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
 */
export type PipelineExecutionState =
  | 'CANCELED'
  | 'FAILED'
  | 'RESUMED'
  | 'STARTED'
  | 'STOPPED'
  | 'STOPPING'
  | 'SUCCEEDED'
  | 'SUPERSEDED';

/**
 * Status of a SageMaker Pipelines execution, as carried by `detail.currentPipelineExecutionStatus`.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribePipelineExecution.html#sagemaker-DescribePipelineExecution-response-PipelineExecutionStatus
 */
export type SageMakerPipelineExecutionStatus = 'Executing' | 'Stopping' | 'Stopped' | 'Failed' | 'Succeeded';

/** Options of {@link modelPackageStateChange}. */
export interface ModelPackageStateChangeOptions {
  /** Model package groups whose versions are matched. Must not be empty. */
  readonly groupNames: string[];
  /**
   * Accounts the event must come from (its `account` field). Needed on a bus that receives forwarded events.
   *
   * @default - events from any account
   */
  readonly sourceAccounts?: string[];
  /**
   * Approval statuses to match, either listed (`include`) or excluded (`exclude`, rendered as `anything-but`).
   *
   * @default - every approval status
   */
  readonly statuses?: { readonly include: ModelApprovalStatus[] } | { readonly exclude: ModelApprovalStatus[] };
}

/**
 * Matches "SageMaker Model Package State Change" events of the given model package groups.
 *
 * SageMaker emits this event when a model package version is created or when its approval status changes.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html#eventbridge-model-package
 * @throws Error when `groupNames`, `sourceAccounts` or a status list is empty, or a status is unknown
 */
export function modelPackageStateChange(options: ModelPackageStateChangeOptions): events.EventPattern {
  assertNonEmpty(options.groupNames, 'modelPackageStateChange: groupNames');
  if (options.sourceAccounts !== undefined) {
    assertNonEmpty(options.sourceAccounts, 'modelPackageStateChange: sourceAccounts', 'omit it to match every account');
    assertAccountIds(options.sourceAccounts, 'modelPackageStateChange: sourceAccounts');
  }
  const detail: Record<string, unknown> = { ModelPackageGroupName: [...options.groupNames] };
  const statuses = options.statuses;
  if (statuses !== undefined) {
    if ('include' in statuses) {
      assertStatuses(statuses.include, 'statuses.include');
      detail.ModelApprovalStatus = [...statuses.include];
    } else {
      assertStatuses(statuses.exclude, 'statuses.exclude');
      detail.ModelApprovalStatus = [{ 'anything-but': [...statuses.exclude] }];
    }
  }
  return {
    source: ['aws.sagemaker'],
    detailType: ['SageMaker Model Package State Change'],
    ...(options.sourceAccounts ? { account: [...options.sourceAccounts] } : {}),
    detail,
  };
}

/** Options of {@link codeCommitBranchPush}. */
export interface CodeCommitBranchPushOptions {
  /** ARN of the CodeCommit repository (may be a token, e.g. `repository.repositoryArn`). */
  readonly repositoryArn: string;
  /** Branch names (not `refs/heads/...`) whose creation or update is matched. Must not be empty. */
  readonly branches: string[];
}

/**
 * Matches pushes to branches of a CodeCommit repository: "CodeCommit Repository State Change" events whose
 * `event` is `referenceCreated` or `referenceUpdated` on a `branch` reference.
 *
 * @see https://docs.aws.amazon.com/codecommit/latest/userguide/monitoring-events.html#referenceUpdated
 * @throws Error when `branches` is empty
 */
export function codeCommitBranchPush(options: CodeCommitBranchPushOptions): events.EventPattern {
  assertNonEmpty(options.branches, 'codeCommitBranchPush: branches');
  return {
    source: ['aws.codecommit'],
    detailType: ['CodeCommit Repository State Change'],
    resources: [options.repositoryArn],
    detail: {
      event: ['referenceCreated', 'referenceUpdated'],
      referenceType: ['branch'],
      referenceName: [...options.branches],
    },
  };
}

/** Options of {@link pipelineExecutionStateChange}. */
export interface PipelineExecutionStateChangeOptions {
  /** Names of the CodePipeline pipelines. Must not be empty. */
  readonly pipelineNames: string[];
  /**
   * Execution states to match.
   *
   * @default - every state
   */
  readonly states?: PipelineExecutionState[];
}

/**
 * Matches "CodePipeline Pipeline Execution State Change" events of the given pipelines.
 *
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
 * @throws Error when `pipelineNames` or `states` is empty
 */
export function pipelineExecutionStateChange(options: PipelineExecutionStateChangeOptions): events.EventPattern {
  assertNonEmpty(options.pipelineNames, 'pipelineExecutionStateChange: pipelineNames');
  if (options.states !== undefined) {
    assertNonEmpty(options.states, 'pipelineExecutionStateChange: states', 'omit it to match every state');
  }
  return {
    source: ['aws.codepipeline'],
    detailType: ['CodePipeline Pipeline Execution State Change'],
    detail: {
      pipeline: [...options.pipelineNames],
      ...(options.states ? { state: [...options.states] } : {}),
    },
  };
}

/** Options of {@link sageMakerPipelineExecutionStatusChange}. */
export interface SageMakerPipelineExecutionStatusChangeOptions {
  /** ARNs of the SageMaker pipelines (not of executions). Must not be empty. */
  readonly pipelineArns: string[];
  /**
   * Statuses the execution changed to (`detail.currentPipelineExecutionStatus`).
   *
   * @default - every status
   */
  readonly statuses?: SageMakerPipelineExecutionStatus[];
}

/**
 * Matches "SageMaker Model Building Pipeline Execution Status Change" events of the given pipelines.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html#eventbridge-pipeline
 * @throws Error when `pipelineArns` or `statuses` is empty
 */
export function sageMakerPipelineExecutionStatusChange(
  options: SageMakerPipelineExecutionStatusChangeOptions,
): events.EventPattern {
  assertNonEmpty(options.pipelineArns, 'sageMakerPipelineExecutionStatusChange: pipelineArns');
  if (options.statuses !== undefined) {
    assertNonEmpty(options.statuses, 'sageMakerPipelineExecutionStatusChange: statuses', 'omit it to match every status');
  }
  return {
    source: ['aws.sagemaker'],
    detailType: ['SageMaker Model Building Pipeline Execution Status Change'],
    detail: {
      pipelineArn: [...options.pipelineArns],
      ...(options.statuses ? { currentPipelineExecutionStatus: [...options.statuses] } : {}),
    },
  };
}

/** Options of {@link gitPushTrigger}. */
export interface GitPushTriggerOptions {
  /** The pipeline's `CodeStarConnectionsSourceAction` (provider `CodeStarSourceConnection`). */
  readonly sourceAction: codepipeline.IAction;
  /** Branch names or glob patterns that start the pipeline. 1 to 8 entries. */
  readonly branches: string[];
  /**
   * File path glob patterns; a push starts the pipeline only if it changes one of them. At most 8 entries.
   *
   * @default - any change on a matching branch
   */
  readonly filePaths?: string[];
}

/** CodePipeline limits each include/exclude list of a trigger filter to 8 entries. */
const MAX_TRIGGER_FILTER_ENTRIES = 8;

/**
 * A CodePipeline V2 trigger that starts the pipeline on a push to the given branches of a
 * GitHub / GitLab / Bitbucket repository reached through AWS CodeConnections.
 *
 * This is not an `EventPattern` because CodeConnections does not publish repository events to EventBridge:
 * the connection delivers the push to CodePipeline directly, and the only place to filter it is the
 * pipeline's trigger configuration (`PipelineType.V2`, `triggers: [gitPushTrigger(...)]`).
 *
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-filter.html
 * @throws Error when the action is not a CodeConnections source action, or a list is empty or too long
 */
export function gitPushTrigger(options: GitPushTriggerOptions): codepipeline.TriggerProps {
  const provider = options.sourceAction.actionProperties.provider;
  if (provider !== 'CodeStarSourceConnection') {
    throw new Error(
      `gitPushTrigger: sourceAction must be a CodeStarConnectionsSourceAction (provider CodeStarSourceConnection), received provider "${provider}".`,
    );
  }
  assertNonEmpty(options.branches, 'gitPushTrigger: branches');
  assertMaxLength(options.branches, 'gitPushTrigger: branches');
  if (options.filePaths !== undefined) {
    assertNonEmpty(options.filePaths, 'gitPushTrigger: filePaths', 'omit it to trigger on any change');
    assertMaxLength(options.filePaths, 'gitPushTrigger: filePaths');
  }
  return {
    providerType: codepipeline.ProviderType.CODE_STAR_SOURCE_CONNECTION,
    gitConfiguration: {
      sourceAction: options.sourceAction,
      pushFilter: [
        {
          branchesIncludes: [...options.branches],
          ...(options.filePaths ? { filePathsIncludes: [...options.filePaths] } : {}),
        },
      ],
    },
  };
}

const RATE_EXPRESSION = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON_EXPRESSION = /^cron\((.+)\)$/;

/**
 * Parses an EventBridge schedule expression: `rate(value unit)` or `cron(minutes hours day-of-month month
 * day-of-week year)`.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 * @throws Error when the expression is neither a valid rate nor a 6-field cron expression
 */
export function schedule(expression: string): events.Schedule {
  const rate = RATE_EXPRESSION.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const singular = !rate[2].endsWith('s');
    if (value < 1 || (value === 1) !== singular) {
      throw new Error(
        `schedule: invalid rate expression "${expression}": the value must be a positive integer, with a singular unit for 1 (rate(1 hour)) and a plural unit otherwise (rate(5 minutes)).`,
      );
    }
    return events.Schedule.expression(expression);
  }
  const cron = CRON_EXPRESSION.exec(expression);
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6) {
      throw new Error(
        `schedule: invalid cron expression "${expression}": expected 6 fields (minutes hours day-of-month month day-of-week year), received ${fields.length}.`,
      );
    }
    const [, , dayOfMonth, , dayOfWeek] = fields;
    if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
      throw new Error(
        `schedule: invalid cron expression "${expression}": exactly one of day-of-month and day-of-week must be "?" (e.g. cron(0 12 * * ? *)).`,
      );
    }
    return events.Schedule.expression(expression);
  }
  throw new Error(
    `schedule: "${expression}" is not a schedule expression; use rate(value unit), e.g. rate(1 day), or cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 12 * * ? *).`,
  );
}

/**
 * Renders an `aws_events.EventPattern` as the JSON EventBridge receives: resolves `aws_events.Match`
 * tokens and renames `detailType` to `detail-type`. Feed the result to `matchesEventPattern`.
 *
 * @param pattern the CDK event pattern
 * @returns the pattern as EventBridge JSON
 * @throws Error when the pattern holds a token that only resolves within a stack (e.g. a resource ARN)
 */
export function renderEventPattern(pattern: events.EventPattern): Record<string, unknown> {
  // Match tokens resolve without a stack; any other token would still be unresolved afterwards.
  const resolved = Tokenization.resolve(pattern, {
    scope: new Construct(undefined as unknown as Construct, ''),
    resolver: new DefaultTokenResolver(new StringConcat()),
  }) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resolved)) {
    if (value !== undefined) {
      out[key === 'detailType' ? 'detail-type' : key] = value;
    }
  }
  if (Token.isUnresolved(JSON.stringify(out))) {
    throw new Error(
      'renderEventPattern: the pattern contains tokens that only resolve within a stack; use literal values, or resolve it with Stack.of(scope).resolve().',
    );
  }
  return out;
}

function assertStatuses(statuses: ModelApprovalStatus[], name: string): void {
  assertNonEmpty(statuses, `modelPackageStateChange: ${name}`, 'omit statuses to match every approval status');
  const unknown = statuses.filter((s) => !MODEL_APPROVAL_STATUSES.includes(s));
  if (unknown.length > 0) {
    throw new Error(
      `modelPackageStateChange: ${name} contains unknown approval status(es) ${JSON.stringify(unknown)}; use ${MODEL_APPROVAL_STATUSES.join(', ')}.`,
    );
  }
}

function assertMaxLength(values: string[], name: string): void {
  if (values.length > MAX_TRIGGER_FILTER_ENTRIES) {
    throw new Error(`${name} has ${values.length} entries; CodePipeline allows at most ${MAX_TRIGGER_FILTER_ENTRIES}.`);
  }
}
