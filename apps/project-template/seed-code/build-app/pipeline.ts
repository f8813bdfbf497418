// The training pipeline of this repository: the seed training pipeline of @sagemaker-mlops/pipelines
// (PreprocessData -> TrainModel (XGBoost) -> EvaluateModel -> MSECond -> RegisterModel as
// PendingManualApproval when the MSE is low enough, MSEFail otherwise).
// The role, bucket, KMS key and model package group are placeholders, filled in by `render --substitute`
// from the environment the project's build project sets (see buildspec.yml). Change the steps, parameters
// or scripts here: this repository is yours.
import { Placeholder, trainingPipeline } from '@sagemaker-mlops/pipelines';

export default () =>
  trainingPipeline({
    name: process.env.SAGEMAKER_PIPELINE_NAME,
    region: process.env.AWS_REGION ?? 'eu-west-1',
    // Job volumes and outputs encrypted with the project's artifact key (the bucket's default key too).
    kmsKeyId: Placeholder.of('ArtifactBucketKmsId'),
  });
