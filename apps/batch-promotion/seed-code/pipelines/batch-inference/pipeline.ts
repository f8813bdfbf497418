// The SageMaker pipeline of this repository: the seed batch-inference pipeline of @sagemaker-mlops/pipelines
// (preprocess -> train XGBoost -> evaluate -> if the MSE is low enough: register, create the model, batch transform).
// The Build step calls the default export once per target (dev, preprod, prod) and fills in the placeholders
// SageMakerRoleArn, ArtifactBucket, ModelPackageGroupName and CodePrefix for that target; nothing else runs.
import { batchInferencePipeline, Placeholder } from '@sagemaker-mlops/pipelines';

/** Where the definition is rendered for (given by the Build step). */
interface Target {
  readonly stage: string;
  readonly region: string;
  readonly pipelineName: string;
  readonly vpc?: { readonly subnets: readonly string[]; readonly securityGroupIds: readonly string[] };
}

export default (target: Target) =>
  batchInferencePipeline({
    name: target.pipelineName,
    region: target.region,
    vpc: target.vpc,
    // The released scripts (./scripts), uploaded by the Build step under a content-hash prefix.
    codePrefix: Placeholder.of('CodePrefix'),
  });
