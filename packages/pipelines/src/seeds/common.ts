import { Conditions } from '../core/conditions';
import { ExecutionVariables, Join, JsonGet, PropertyFile, type StringValue } from '../core/expressions';
import { isParameter, type Parameter, ParameterFloat, ParameterInteger, ParameterString } from '../core/parameters';
import { Placeholder } from '../core/placeholders';
import { ConditionStep, FailStep, ProcessingStep, RegisterModelStep, type Step, TrainingStep, type VpcConfig } from '../core/steps';
import { sklearnImageUri, xgboostImageUri } from '../images/image-uris';

/** What the seed pipelines take from the account they run in. */
export interface SeedPipelineOptions {
  /** The pipeline name. @default - the seed's name */
  readonly name?: string;
  /** The region the pipeline runs in: it selects the XGBoost and scikit-learn images. */
  readonly region: string;
  /** The role the jobs run as. @default Placeholder.of('SageMakerRoleArn') */
  readonly role?: StringValue;
  /** The artifact bucket (name): outputs go to `s3://<bucket>/<pipeline>/<execution id>/<step>/`. @default Placeholder.of('ArtifactBucket') */
  readonly bucket?: StringValue;
  /** The S3 prefix holding the ML scripts (preprocess.py, evaluate.py). @default `s3://<bucket>/<pipeline>/code` */
  readonly codePrefix?: StringValue;
  /** The model package group versions are registered in. @default Placeholder.of('ModelPackageGroupName') */
  readonly modelPackageGroupName?: StringValue;
  /** KMS key of the job volumes and outputs. @default - AWS managed keys and the bucket's default encryption */
  readonly kmsKeyId?: StringValue;
  /** Runs the jobs and the model in a VPC. @default - no VPC */
  readonly vpc?: VpcConfig;
}

/** Ordinary values a string template can hold: literals and placeholders, not run-time values. */
function templatable(value: StringValue): value is string | Placeholder {
  return typeof value === 'string' || value instanceof Placeholder;
}

/** The building blocks both seed pipelines share. */
export function seedParts(options: SeedPipelineOptions, defaultName: string) {
  const name = options.name ?? defaultName;
  const role = options.role ?? Placeholder.of('SageMakerRoleArn');
  const bucket = options.bucket ?? Placeholder.of('ArtifactBucket');
  const base = templatable(bucket) ? `s3://${bucket}/${name}` : undefined;
  const codePrefix = options.codePrefix ?? (base ? `${base}/code` : Join.of('/', 's3:/', bucket, name, 'code'));
  const stepOutput = (step: string, output: string) => Join.of('/', 's3:/', bucket, name, ExecutionVariables.PIPELINE_EXECUTION_ID, step, output);
  const kms = options.kmsKeyId;

  const parameters = {
    processingInstanceCount: new ParameterInteger('ProcessingInstanceCount', { defaultValue: 1 }),
    processingInstanceType: new ParameterString('ProcessingInstanceType', { defaultValue: 'ml.m5.large' }),
    trainingInstanceCount: new ParameterInteger('TrainingInstanceCount', { defaultValue: 1 }),
    trainingInstanceType: new ParameterString('TrainingInstanceType', { defaultValue: 'ml.m5.xlarge' }),
    mseThreshold: new ParameterFloat('MseThreshold', { defaultValue: 8.0 }),
    // The input data is the account's own copy (the shipped sample, uploaded with the code), never a public bucket of one region.
    inputDataUrl: new ParameterString('InputDataUrl', base ? { defaultValue: `${base}/data/abalone.csv` } : {}),
    modelApprovalStatus: new ParameterString('ModelApprovalStatus', {
      defaultValue: 'PendingManualApproval',
      enumValues: ['PendingManualApproval', 'Approved', 'Rejected'],
    }),
  };

  const sklearn = sklearnImageUri(options.region);
  const xgboost = xgboostImageUri(options.region);
  const job = { role, volumeKmsKeyId: kms, vpc: options.vpc };

  const preprocess = new ProcessingStep({
    name: 'PreprocessData',
    ...job,
    imageUri: sklearn,
    instanceType: parameters.processingInstanceType,
    instanceCount: parameters.processingInstanceCount,
    outputKmsKeyId: kms,
    code: { s3Prefix: codePrefix, file: 'preprocess.py' },
    inputs: [{ name: 'input', source: parameters.inputDataUrl, destination: '/opt/ml/processing/input' }],
    outputs: ['train', 'validation', 'test'].map((o) => ({ name: o, source: `/opt/ml/processing/${o}`, destination: stepOutput('PreprocessData', o) })),
    containerArguments: ['--input-dir', '/opt/ml/processing/input', '--output-dir', '/opt/ml/processing'],
  });

  const train = new TrainingStep({
    name: 'TrainModel',
    ...job,
    imageUri: xgboost,
    instanceType: parameters.trainingInstanceType,
    instanceCount: parameters.trainingInstanceCount,
    outputPath: Join.of('/', 's3:/', bucket, name, ExecutionVariables.PIPELINE_EXECUTION_ID, 'TrainModel'),
    outputKmsKeyId: kms,
    inputs: {
      train: { s3Uri: preprocess.outputUri('train'), contentType: 'text/csv' },
      validation: { s3Uri: preprocess.outputUri('validation'), contentType: 'text/csv' },
    },
    // reg:squarederror: reg:linear is deprecated in XGBoost (renamed in 0.90) and gone from current releases.
    hyperParameters: { objective: 'reg:squarederror', num_round: 50, max_depth: 5, eta: 0.2, gamma: 4, min_child_weight: 6, subsample: 0.7 },
    retryPolicies: [{ exceptionTypes: ['SageMaker.CAPACITY_ERROR', 'SageMaker.JOB_INTERNAL_ERROR'], intervalSeconds: 60, backoffRate: 2, maxAttempts: 3 }],
  });

  const report = new PropertyFile('EvaluationReport', 'evaluation', 'evaluation.json');
  const evaluate = new ProcessingStep({
    name: 'EvaluateModel',
    ...job,
    // evaluate.py loads the booster with the xgboost library of the XGBoost container.
    imageUri: xgboost,
    instanceType: parameters.processingInstanceType,
    instanceCount: 1,
    outputKmsKeyId: kms,
    code: { s3Prefix: codePrefix, file: 'evaluate.py' },
    inputs: [
      { name: 'model', source: train.modelArtifacts, destination: '/opt/ml/processing/model' },
      { name: 'test', source: preprocess.outputUri('test'), destination: '/opt/ml/processing/test' },
    ],
    outputs: [{ name: 'evaluation', source: '/opt/ml/processing/evaluation', destination: stepOutput('EvaluateModel', 'evaluation') }],
    propertyFiles: [report],
  });

  const register = (inferenceInstanceType?: ParameterString) =>
    new RegisterModelStep({
      name: 'RegisterModel',
      modelPackageGroupName: options.modelPackageGroupName ?? Placeholder.of('ModelPackageGroupName'),
      approvalStatus: parameters.modelApprovalStatus,
      image: xgboost,
      modelDataUrl: train.modelArtifacts,
      contentTypes: ['text/csv'],
      responseTypes: ['text/csv'],
      inferenceInstanceTypes: inferenceInstanceType ? [inferenceInstanceType] : ['ml.m5.large', 'ml.m5.xlarge'],
      transformInstanceTypes: inferenceInstanceType ? [inferenceInstanceType] : ['ml.m5.large', 'ml.m5.xlarge'],
      modelStatistics: { s3Uri: Join.of('/', evaluate.outputUri('evaluation'), 'evaluation.json') },
    });

  const condition = (ifSteps: Step[]) =>
    new ConditionStep({
      name: 'MSECond',
      conditions: [Conditions.lessThanOrEqualTo(new JsonGet(evaluate, report, 'regression_metrics.mse.value'), parameters.mseThreshold)],
      ifSteps,
      elseSteps: [new FailStep({ name: 'MSEFail', errorMessage: Join.of(' ', 'Execution failed: the MSE of the model is above the threshold', parameters.mseThreshold) })],
    });

  // Account-specific values passed as pipeline parameters are declared by the pipeline.
  const accountParameters: Parameter[] = [role, bucket, options.codePrefix, options.modelPackageGroupName, kms].filter(isParameter);

  return { name, role, bucket, kms, accountParameters, xgboost, parameters, preprocess, train, evaluate, register, condition, stepOutput, isRunTime: !templatable(bucket) };
}
