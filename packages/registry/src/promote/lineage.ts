/** Customer metadata key of a promoted package holding the ARN of the source package it copies. */
export const SOURCE_MODEL_PACKAGE_ARN_KEY = 'mlops:source-model-package-arn';
/** Customer metadata key of a promoted package naming who promoted it (the promote module's stack). */
export const PROMOTED_BY_KEY = 'mlops:promoted-by';
/** Customer metadata key of a promoted package holding the SageMaker project id (a version of a group takes no tags). */
export const PROJECT_ID_KEY = 'mlops:project-id';
/** Customer metadata key of a promoted package holding the SageMaker project name. */
export const PROJECT_NAME_KEY = 'mlops:project-name';
/** Tag of a target group created by a promotion, naming who created it. */
export const CREATED_BY_TAG = 'mlops:created-by';
/** Tag carrying the SageMaker project id. */
export const PROJECT_ID_TAG = 'sagemaker:project-id';
/** Tag carrying the SageMaker project name. */
export const PROJECT_NAME_TAG = 'sagemaker:project-name';
/**
 * Start of the ApprovalDescription set when a promoted copy is rejected because its source was:
 * only copies rejected this way are approved again when the source is, never a copy someone
 * rejected by hand in the target registry.
 */
export const REJECTED_BY_PROMOTION = 'Rejected by promotion:';
