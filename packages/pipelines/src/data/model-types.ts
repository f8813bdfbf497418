/** A response shape of the SageMaker API, reduced to what property references need. */
export type ShapeTree = 'string' | 'number' | 'boolean' | 'timestamp' | 'blob' | 'any' | { s: Record<string, ShapeTree> } | { l: ShapeTree } | { m: ShapeTree };

/** Constraints of a name in the SageMaker API model. */
export interface NameConstraint {
  readonly min: number;
  readonly max: number;
  readonly pattern: string;
}

/** What scripts/sagemaker-model.py extracts from the botocore SageMaker model. */
export interface SageMakerModelData {
  readonly source: string;
  readonly properties: Record<'Processing' | 'Training' | 'Model' | 'RegisterModel' | 'Transform', ShapeTree>;
  readonly instanceTypes: Record<'Processing' | 'Training' | 'Transform' | 'Inference', string[]>;
  readonly names: Record<'PipelineName' | 'StepName' | 'PipelineParameterName', NameConstraint>;
  readonly pipelineDefinitionMaxLength: number;
}
