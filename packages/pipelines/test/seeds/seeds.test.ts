import { describe, expect, it } from 'vitest';
import { batchInferencePipeline, ParameterString, renderDefinition, renderForCloudFormation, trainingPipeline } from '../../src';
import { requestProblems } from '../request-shapes';

type JsonObject = Record<string, any>;
const SUBSTITUTIONS = { SageMakerRoleArn: 'role-arn', ArtifactBucket: 'artifacts', ModelPackageGroupName: 'abalone' };

function flatSteps(definition: { Steps: JsonObject[] }): JsonObject[] {
  const out: JsonObject[] = [];
  const visit = (s: JsonObject) => {
    out.push(s);
    [...(s.Arguments?.IfSteps ?? []), ...(s.Arguments?.ElseSteps ?? [])].forEach(visit);
  };
  definition.Steps.forEach(visit);
  return out;
}

function render(pipeline: ReturnType<typeof batchInferencePipeline>) {
  return JSON.parse(renderDefinition(pipeline, { substitutions: SUBSTITUTIONS }));
}

describe('batchInferencePipeline (seed 002 pipelines/batch_inference)', () => {
  const definition = render(batchInferencePipeline({ region: 'eu-west-1' }));
  const steps = Object.fromEntries(flatSteps(definition).map((s) => [s.Name, s]));

  it('has the seed parameters with their names and defaults', () => {
    expect(definition.Parameters).toEqual([
      { Name: 'ProcessingInstanceCount', Type: 'Integer', DefaultValue: 1 },
      { Name: 'ProcessingInstanceType', Type: 'String', DefaultValue: 'ml.m5.large' },
      { Name: 'TrainingInstanceCount', Type: 'Integer', DefaultValue: 1 },
      { Name: 'TrainingInstanceType', Type: 'String', DefaultValue: 'ml.m5.xlarge' },
      { Name: 'InferenceInstanceCount', Type: 'Integer', DefaultValue: 1 },
      { Name: 'InferenceInstanceType', Type: 'String', DefaultValue: 'ml.m5.large' },
      { Name: 'MseThreshold', Type: 'Float', DefaultValue: 8 },
      { Name: 'InputDataUrl', Type: 'String', DefaultValue: 's3://artifacts/batch-inference/data/abalone.csv' },
      { Name: 'BatchDataUrl', Type: 'String', DefaultValue: 's3://artifacts/batch-inference/data/batch/' },
      { Name: 'ModelApprovalStatus', Type: 'String', DefaultValue: 'PendingManualApproval', EnumValues: ['PendingManualApproval', 'Approved', 'Rejected'] },
    ]);
  });

  it('has the seed steps in order, the condition branching to RegisterModel, CreateModel, Transform or MSEFail', () => {
    expect(definition.Steps.map((s: JsonObject) => [s.Name, s.Type])).toEqual([
      ['PreprocessData', 'Processing'],
      ['TrainModel', 'Training'],
      ['EvaluateModel', 'Processing'],
      ['MSECond', 'Condition'],
    ]);
    expect(steps.MSECond.Arguments.IfSteps.map((s: JsonObject) => [s.Name, s.Type])).toEqual([
      ['RegisterModel', 'RegisterModel'],
      ['CreateModel', 'Model'],
      ['Transform', 'Transform'],
    ]);
    expect(steps.MSECond.Arguments.ElseSteps.map((s: JsonObject) => [s.Name, s.Type])).toEqual([['MSEFail', 'Fail']]);
    expect(steps.MSECond.Arguments.Conditions).toEqual([
      {
        Type: 'LessThanOrEqualTo',
        LeftValue: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.EvaluateModel.PropertyFiles.EvaluationReport' }, Path: 'regression_metrics.mse.value' } },
        RightValue: { Get: 'Parameters.MseThreshold' },
      },
    ]);
  });

  it('fails when the Transform step ignores BatchDataUrl (the reference bug): it reads the parameter', () => {
    expect(steps.Transform.Arguments.TransformInput.DataSource.S3DataSource.S3Uri).toEqual({ Get: 'Parameters.BatchDataUrl' });
    expect(steps.Transform.Arguments.TransformResources).toEqual({ InstanceCount: { Get: 'Parameters.InferenceInstanceCount' }, InstanceType: { Get: 'Parameters.InferenceInstanceType' } });
    expect(steps.Transform.Arguments.ModelName).toEqual({ Get: 'Steps.CreateModel.ModelName' });
  });

  it('fails when XGBoost trains with the deprecated reg:linear objective: it uses reg:squarederror', () => {
    expect(steps.TrainModel.Arguments.HyperParameters.objective).toBe('reg:squarederror');
    expect(steps.TrainModel.Arguments.AlgorithmSpecification.TrainingImage).toBe('141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1');
  });

  it('fails when a step asks for an Elastic Inference accelerator (retired): none does', () => {
    expect(JSON.stringify(definition)).not.toMatch(/Accelerator|ml\.eia/);
  });

  it('has valid requests for every job step (botocore model)', () => {
    for (const s of flatSteps(definition).filter((x) => !['Condition', 'Fail'].includes(x.Type))) {
      expect({ step: s.Name, problems: requestProblems(s.Type, s.Arguments) }).toEqual({ step: s.Name, problems: [] });
    }
  });

  it('registers the model with the evaluation report and the approval status parameter', () => {
    expect(steps.RegisterModel.Arguments.ModelApprovalStatus).toEqual({ Get: 'Parameters.ModelApprovalStatus' });
    expect(steps.RegisterModel.Arguments.ModelPackageGroupName).toBe('abalone');
    expect(steps.RegisterModel.Arguments.ModelMetrics.ModelQuality.Statistics.S3Uri['Std:Join'].Values[1]).toBe('evaluation.json');
  });

  it('puts the jobs in the VPC and encrypts volumes and outputs with the KMS key when given', () => {
    const vpc = { subnets: ['subnet-1', 'subnet-2'], securityGroupIds: ['sg-1'] };
    const d = render(batchInferencePipeline({ region: 'eu-west-1', kmsKeyId: 'alias/mlops', vpc }));
    const s = Object.fromEntries(flatSteps(d).map((x) => [x.Name, x]));
    const network = { SecurityGroupIds: ['sg-1'], Subnets: ['subnet-1', 'subnet-2'] };
    expect(s.PreprocessData.Arguments.NetworkConfig).toEqual({ VpcConfig: network });
    expect(s.TrainModel.Arguments.VpcConfig).toEqual(network);
    expect(s.CreateModel.Arguments.VpcConfig).toEqual(network);
    expect(s.PreprocessData.Arguments.ProcessingResources.ClusterConfig.VolumeKmsKeyId).toBe('alias/mlops');
    expect(s.PreprocessData.Arguments.ProcessingOutputConfig.KmsKeyId).toBe('alias/mlops');
    expect(s.TrainModel.Arguments.OutputDataConfig.KmsKeyId).toBe('alias/mlops');
    expect(s.TrainModel.Arguments.ResourceConfig.VolumeKmsKeyId).toBe('alias/mlops');
    expect(s.Transform.Arguments.TransformOutput.KmsKeyId).toBe('alias/mlops');
    expect(steps.PreprocessData.Arguments).not.toHaveProperty('NetworkConfig');
  });

  it('has no side effects and no region-bound data: the same options give the same definition, data lives in the account bucket', () => {
    const again = render(batchInferencePipeline({ region: 'eu-west-1' }));
    expect(again).toEqual(definition);
    expect(JSON.stringify(definition)).not.toMatch(/sagemaker-servicecatalog-seedcode|sagemaker-sample-files/);
    const frankfurt = render(batchInferencePipeline({ region: 'eu-central-1' }));
    expect(Object.fromEntries(flatSteps(frankfurt).map((x) => [x.Name, x])).TrainModel.Arguments.AlgorithmSpecification.TrainingImage).toMatch(/^492215442770\.dkr\.ecr\.eu-central-1\./);
  });

  it('renders for CloudFormation with the role, bucket and group as Fn::Sub variables', () => {
    const [body, variables] = renderForCloudFormation(batchInferencePipeline({ region: 'eu-west-1' }), {
      SageMakerRoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
      ArtifactBucket: { Ref: 'Bucket' },
      ModelPackageGroupName: 'abalone',
    })['Fn::Sub'];
    expect(Object.keys(variables).sort()).toEqual(['ArtifactBucket', 'ModelPackageGroupName', 'SageMakerRoleArn']);
    expect(body).toContain('"DefaultValue":"s3://${ArtifactBucket}/batch-inference/data/batch/"');
  });

  it('takes account-specific values as pipeline parameters too, and declares them', () => {
    const bucket = new ParameterString('ArtifactBucketName');
    const d = batchInferencePipeline({ region: 'eu-west-1', bucket, role: 'role', modelPackageGroupName: 'g' }).definition();
    expect(d.Parameters).toContainEqual({ Name: 'ArtifactBucketName', Type: 'String' });
    // No defaults can derive from a run-time bucket.
    expect(d.Parameters).toContainEqual({ Name: 'BatchDataUrl', Type: 'String' });
    const train = (d.Steps as JsonObject[]).find((s) => s.Name === 'TrainModel')!;
    expect(train.Arguments.OutputDataConfig.S3OutputPath['Std:Join'].Values.slice(0, 2)).toEqual(['s3:/', { Get: 'Parameters.ArtifactBucketName' }]);
  });
});

describe('trainingPipeline (build repositories)', () => {
  const definition = render(trainingPipeline({ region: 'us-east-1' }));

  it('preprocesses, trains, evaluates, and registers with PendingManualApproval, failing otherwise', () => {
    const steps = flatSteps(definition);
    expect(steps.map((s) => s.Name)).toEqual(['PreprocessData', 'TrainModel', 'EvaluateModel', 'MSECond', 'RegisterModel', 'MSEFail']);
    const register = steps.find((s) => s.Name === 'RegisterModel')!;
    expect(register.Arguments.ModelApprovalStatus).toEqual({ Get: 'Parameters.ModelApprovalStatus' });
    expect(definition.Parameters.find((p: JsonObject) => p.Name === 'ModelApprovalStatus').DefaultValue).toBe('PendingManualApproval');
    expect(definition.Parameters.map((p: JsonObject) => p.Name)).not.toContain('BatchDataUrl');
  });
});
