import { Pipeline } from '../core/pipeline';
import { ParameterInteger, ParameterString } from '../core/parameters';
import { CreateModelStep, TransformStep } from '../core/steps';
import { type SeedPipelineOptions, seedParts } from './common';

/**
 * Seed 002's `pipelines/batch_inference`: PreprocessData → TrainModel → EvaluateModel → MSECond
 * (`regression_metrics.mse.value <= MseThreshold`) → RegisterModel, CreateModel, Transform; else MSEFail.
 *
 * Unlike the reference: the Transform step reads `BatchDataUrl` (the reference ignores it, so a
 * schedule's value had no effect); XGBoost trains with `reg:squarederror`; no Elastic Inference
 * accelerator (retired); optional VPC and KMS; building the definition has no side effects.
 */
export function batchInferencePipeline(options: SeedPipelineOptions): Pipeline {
  const parts = seedParts(options, 'batch-inference');
  const { parameters: p } = parts;
  const inferenceInstanceCount = new ParameterInteger('InferenceInstanceCount', { defaultValue: 1 });
  const inferenceInstanceType = new ParameterString('InferenceInstanceType', { defaultValue: 'ml.m5.large' });
  const batchDataUrl = new ParameterString(
    'BatchDataUrl',
    !parts.isRunTime ? { defaultValue: `s3://${parts.bucket}/${parts.name}/data/batch/` } : {},
  );

  const register = parts.register(inferenceInstanceType);
  const model = new CreateModelStep({
    name: 'CreateModel',
    role: parts.role,
    image: parts.xgboost,
    modelDataUrl: parts.train.modelArtifacts,
    vpc: options.vpc,
  });
  const transform = new TransformStep({
    name: 'Transform',
    modelName: model.modelName,
    instanceType: inferenceInstanceType,
    instanceCount: inferenceInstanceCount,
    input: { s3Uri: batchDataUrl, contentType: 'text/csv', splitType: 'Line' },
    outputPath: parts.stepOutput('Transform', 'output'),
    accept: 'text/csv',
    assembleWith: 'Line',
    outputKmsKeyId: parts.kms,
    volumeKmsKeyId: parts.kms,
    // A model version is registered before its batch predictions are published.
    dependsOn: [register],
  });

  return new Pipeline({
    name: parts.name,
    parameters: [
      p.processingInstanceCount,
      p.processingInstanceType,
      p.trainingInstanceCount,
      p.trainingInstanceType,
      inferenceInstanceCount,
      inferenceInstanceType,
      p.mseThreshold,
      p.inputDataUrl,
      batchDataUrl,
      p.modelApprovalStatus,
      ...parts.accountParameters,
    ],
    steps: [parts.preprocess, parts.train, parts.evaluate, parts.condition([register, model, transform])],
  });
}
