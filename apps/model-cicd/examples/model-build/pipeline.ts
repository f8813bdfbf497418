// The training pipeline of this repository: the seed training pipeline of @sagemaker-mlops/pipelines
// (preprocess -> train XGBoost -> evaluate -> register as PendingManualApproval when the MSE is low enough).
// The role, bucket and model package group are placeholders, filled in by `render --substitute` from the
// environment the model-cicd build project sets (see buildspec.yml).
// ARTIFACT_BUCKET_KMS_KEY is not passed as the jobs' key: it is an alias, which the jobs' volume keys do not
// accept (VolumeKmsKeyId takes a key id or ARN, CreateTrainingJob / CreateProcessingJob API reference); the
// outputs are encrypted with it anyway, as the artifact bucket's default encryption.
import { trainingPipeline } from '@sagemaker-mlops/pipelines';

/** A variable the build project sets: without it the names in the definition and the uploads would differ. */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this in the model-cicd build project, or set it as that project does (see buildspec.yml)`);
  return value;
}

export default () =>
  trainingPipeline({
    // The uploads of buildspec.yml put the scripts and data under s3://$ARTIFACT_BUCKET/<this name>/.
    name: required('SAGEMAKER_PIPELINE_NAME'),
    // The images of the jobs are per region: the build account's region, where the pipeline runs.
    region: required('AWS_REGION'),
  });
