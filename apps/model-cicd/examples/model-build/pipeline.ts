// The training pipeline of this repository: the seed training pipeline of @sagemaker-mlops/pipelines
// (preprocess -> train XGBoost -> evaluate -> register as PendingManualApproval when the MSE is low enough).
// The role, bucket and model package group are placeholders, filled in by `render --substitute` from the
// environment the model-cicd build project sets (see buildspec.yml).
import { trainingPipeline } from '@sagemaker-mlops/pipelines';

export default () =>
  trainingPipeline({
    name: process.env.SAGEMAKER_PIPELINE_NAME,
    region: process.env.AWS_REGION ?? 'eu-west-1',
  });
