export {
  MODEL_APPROVAL_STATUSES,
  codeCommitBranchPush,
  gitPushTrigger,
  modelPackageStateChange,
  pipelineExecutionStateChange,
  renderEventPattern,
  sageMakerPipelineExecutionStatusChange,
  schedule,
} from './patterns';
export type {
  CodeCommitBranchPushOptions,
  GitPushTriggerOptions,
  ModelApprovalStatus,
  ModelPackageStateChangeOptions,
  PipelineExecutionState,
  PipelineExecutionStateChangeOptions,
  SageMakerPipelineExecutionStatus,
  SageMakerPipelineExecutionStatusChangeOptions,
} from './patterns';
export { assertValidPattern, matchesEventPattern } from './matcher';
export {
  sampleCodeCommitReferenceUpdated,
  sampleModelPackageStateChange,
  samplePipelineExecutionStateChange,
  sampleSageMakerPipelineExecutionStatusChange,
} from './samples';
export type {
  CodeCommitReferenceDetail,
  EventBridgeEvent,
  ModelPackageStateChangeDetail,
  PipelineExecutionStateChangeDetail,
  SageMakerPipelineExecutionStatusChangeDetail,
  SampleCodeCommitReferenceUpdatedOptions,
  SampleEventOptions,
  SampleModelPackageStateChangeOptions,
  SamplePipelineExecutionStateChangeOptions,
  SampleSageMakerPipelineExecutionStatusChangeOptions,
} from './samples';
export { DeadLetterQueue } from './dead-letter-queue';
export type { DeadLetterQueueProps } from './dead-letter-queue';
export { CrossAccountEventBus, EventForwardingRule, allowPutEventsFrom } from './forwarding';
export type { CrossAccountEventBusProps, EventForwardingRuleProps } from './forwarding';
