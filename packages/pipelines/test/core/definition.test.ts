import { describe, expect, it } from 'vitest';
import {
  ConditionStep,
  Conditions,
  CreateModelStep,
  ExecutionVariables,
  FailStep,
  Join,
  JsonGet,
  ParameterBoolean,
  ParameterFloat,
  ParameterInteger,
  ParameterString,
  Parameters,
  Pipeline,
  ProcessingStep,
  PropertyFile,
  RegisterModelStep,
  Steps,
  TrainingStep,
  TransformStep,
} from '../../src';
import { requestProblems } from '../request-shapes';

// The reference for the shapes below: the SageMaker Python SDK's own unit tests,
// aws/sagemaker-python-sdk tests/unit/sagemaker/workflow/test_pipeline.py (test_pipeline_basic,
// test_pipeline_two_step: Version/Metadata/Parameters/PipelineExperimentConfig/Steps, Get expressions),
// sagemaker/workflow/functions.py (JsonGet: {"Std:JsonGet": {"PropertyFile": {"Get": "Steps.<s>.PropertyFiles.<f>"}, "Path"}}),
// and the request shapes of CreateProcessingJob/CreateTrainingJob/CreateModel/CreateModelPackage/CreateTransformJob
// in botocore's SageMaker model (test/fixtures/request-shapes.json, from scripts/sagemaker-model.py).

const role = new ParameterString('RoleArn');
const instanceType = new ParameterString('ProcessingInstanceType', { defaultValue: 'ml.m5.large' });
const threshold = new ParameterFloat('MseThreshold', { defaultValue: 8.0 });
const IMAGE = 'registry.example/sagemaker-scikit-learn:1.2-1-cpu-py3';

function example() {
  const report = new PropertyFile('EvaluationReport', 'evaluation', 'evaluation.json');
  const preprocess = new ProcessingStep({
    name: 'Preprocess',
    role,
    imageUri: IMAGE,
    instanceType,
    instanceCount: 1,
    code: { s3Prefix: 's3://bucket/code/', file: 'preprocess.py' },
    inputs: [{ name: 'input', source: 's3://bucket/raw/', destination: '/opt/ml/processing/input' }],
    outputs: [{ name: 'train', source: '/opt/ml/processing/train', destination: Join.of('/', 's3://bucket', ExecutionVariables.PIPELINE_EXECUTION_ID, 'train') }],
    cache: { expireAfter: 'PT12H' },
    retryPolicies: [{ exceptionTypes: ['SageMaker.CAPACITY_ERROR'], maxAttempts: 3 }],
  });
  const train = new TrainingStep({
    name: 'Train',
    role,
    imageUri: IMAGE,
    instanceType: 'ml.m5.xlarge',
    instanceCount: 1,
    outputPath: 's3://bucket/model',
    inputs: { train: { s3Uri: preprocess.outputUri('train'), contentType: 'text/csv' } },
    hyperParameters: { objective: 'reg:squarederror', num_round: 50, max_depth: new ParameterInteger('MaxDepth', { defaultValue: 5 }) },
  });
  const evaluate = new ProcessingStep({
    name: 'Evaluate',
    role,
    imageUri: IMAGE,
    instanceType,
    instanceCount: 1,
    inputs: [{ name: 'model', source: train.modelArtifacts, destination: '/opt/ml/processing/model' }],
    outputs: [{ name: 'evaluation', source: '/opt/ml/processing/evaluation', destination: 's3://bucket/evaluation' }],
    propertyFiles: [report],
  });
  const register = new RegisterModelStep({
    name: 'Register',
    modelPackageGroupName: 'group',
    approvalStatus: new ParameterString('ModelApprovalStatus', { defaultValue: 'PendingManualApproval' }),
    image: IMAGE,
    modelDataUrl: train.modelArtifacts,
    contentTypes: ['text/csv'],
    responseTypes: ['text/csv'],
    inferenceInstanceTypes: ['ml.m5.large'],
    transformInstanceTypes: ['ml.m5.large'],
    modelStatistics: { s3Uri: Join.of('/', evaluate.outputUri('evaluation'), 'evaluation.json') },
  });
  const model = new CreateModelStep({ name: 'CreateModel', role, image: IMAGE, modelDataUrl: train.modelArtifacts });
  const transform = new TransformStep({
    name: 'Transform',
    modelName: model.modelName,
    instanceType: 'ml.m5.large',
    instanceCount: 1,
    input: { s3Uri: Parameters.get('BatchDataUrl'), contentType: 'text/csv' },
    outputPath: 's3://bucket/transform',
    dependsOn: [register],
  });
  const fail = new FailStep({ name: 'Fail', errorMessage: Join.of(' ', 'MSE above', threshold) });
  const condition = new ConditionStep({
    name: 'Check',
    conditions: [Conditions.lessThanOrEqualTo(new JsonGet(evaluate, report, 'regression_metrics.mse.value'), threshold)],
    ifSteps: [register, model, transform],
    elseSteps: [fail],
  });
  const pipeline = new Pipeline({
    name: 'example-pipeline',
    parameters: [
      role,
      instanceType,
      threshold,
      register.props.approvalStatus as ParameterString,
      new ParameterString('BatchDataUrl'),
      new ParameterInteger('MaxDepth', { defaultValue: 5 }),
    ],
    steps: [preprocess, train, evaluate, condition],
  });
  return { pipeline, preprocess, train, evaluate, register, model, transform, fail, condition };
}

type JsonObject = Record<string, any>;
function step(definition: { Steps: unknown[] }, name: string): JsonObject {
  const found: JsonObject[] = [];
  const visit = (s: JsonObject) => {
    if (s.Name === name) found.push(s);
    for (const c of [...(s.Arguments?.IfSteps ?? []), ...(s.Arguments?.ElseSteps ?? [])]) visit(c);
  };
  (definition.Steps as JsonObject[]).forEach(visit);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('pipeline definition', () => {
  it('has the top-level shape of a SageMaker Python SDK definition (test_pipeline.py test_pipeline_basic)', () => {
    // GIVEN
    const parameter = new ParameterString('MyStr');
    const pipeline = new Pipeline({
      name: 'MyPipeline',
      parameters: [parameter],
      steps: [new FailStep({ name: 'MyStep', errorMessage: parameter })],
    });

    // WHEN
    const definition = JSON.parse(pipeline.render());

    // THEN
    expect(definition).toEqual({
      Version: '2020-12-01',
      Metadata: {},
      Parameters: [{ Name: 'MyStr', Type: 'String' }],
      PipelineExperimentConfig: { ExperimentName: { Get: 'Execution.PipelineName' }, TrialName: { Get: 'Execution.PipelineExecutionId' } },
      Steps: [{ Name: 'MyStep', Type: 'Fail', Arguments: { ErrorMessage: { Get: 'Parameters.MyStr' } } }],
    });
  });

  it('declares parameters of the four types with defaults and enum values', () => {
    const pipeline = new Pipeline({
      name: 'p',
      experimentConfig: null,
      parameters: [
        new ParameterString('S', { defaultValue: 'a', enumValues: ['a', 'b'] }),
        new ParameterInteger('I', { defaultValue: 1 }),
        new ParameterFloat('F', { defaultValue: 8.0 }),
        new ParameterBoolean('B', { defaultValue: false }),
      ],
      steps: [],
    });
    const definition = pipeline.definition();
    expect(definition.Parameters).toEqual([
      { Name: 'S', Type: 'String', DefaultValue: 'a', EnumValues: ['a', 'b'] },
      { Name: 'I', Type: 'Integer', DefaultValue: 1 },
      { Name: 'F', Type: 'Float', DefaultValue: 8 },
      { Name: 'B', Type: 'Boolean', DefaultValue: false },
    ]);
    expect(definition.PipelineExperimentConfig).toBeNull();
  });

  it('renders every step type with Arguments that are valid requests of its API call (botocore model)', () => {
    const definition = example().pipeline.definition();
    for (const name of ['Preprocess', 'Train', 'Evaluate', 'Register', 'CreateModel', 'Transform']) {
      const s = step(definition, name);
      expect({ name, problems: requestProblems(s.Type, s.Arguments) }).toEqual({ name, problems: [] });
    }
    expect(['Preprocess', 'Train', 'Check', 'Register', 'CreateModel', 'Transform', 'Fail'].map((n) => step(definition, n).Type)).toEqual([
      'Processing',
      'Training',
      'Condition',
      'RegisterModel',
      'Model',
      'Transform',
      'Fail',
    ]);
  });

  it('renders a processing step with its code as the input named code and python3 as entrypoint, cache and retry policy', () => {
    const s = step(example().pipeline.definition(), 'Preprocess');
    expect(s.Arguments.AppSpecification).toEqual({ ImageUri: IMAGE, ContainerEntrypoint: ['python3', '/opt/ml/processing/input/code/preprocess.py'] });
    expect(s.Arguments.ProcessingInputs[1]).toEqual({
      InputName: 'code',
      AppManaged: false,
      S3Input: {
        S3Uri: 's3://bucket/code/',
        LocalPath: '/opt/ml/processing/input/code',
        S3DataType: 'S3Prefix',
        S3InputMode: 'File',
        S3DataDistributionType: 'FullyReplicated',
        S3CompressionType: 'None',
      },
    });
    expect(s.Arguments.ProcessingResources.ClusterConfig).toEqual({ InstanceType: { Get: 'Parameters.ProcessingInstanceType' }, InstanceCount: 1, VolumeSizeInGB: 30 });
    expect(s.Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri).toEqual({
      'Std:Join': { On: '/', Values: ['s3://bucket', { Get: 'Execution.PipelineExecutionId' }, 'train'] },
    });
    expect(s.CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'PT12H' });
    expect(s.RetryPolicies).toEqual([{ ExceptionType: ['SageMaker.CAPACITY_ERROR'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }]);
  });

  it('passes hyperparameters as strings, run-time values wrapped in Std:Join (CreateTrainingJob HyperParameters is a string map)', () => {
    const s = step(example().pipeline.definition(), 'Train');
    expect(s.Arguments.HyperParameters).toEqual({
      objective: 'reg:squarederror',
      num_round: '50',
      max_depth: { 'Std:Join': { On: '', Values: [{ Get: 'Parameters.MaxDepth' }] } },
    });
    expect(s.Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toEqual({
      Get: "Steps.Preprocess.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri",
    });
  });

  it('renders a condition with JsonGet on a property file, the branches nested as whole steps', () => {
    const definition = example().pipeline.definition();
    const s = step(definition, 'Check');
    expect(s.Arguments.Conditions).toEqual([
      {
        Type: 'LessThanOrEqualTo',
        LeftValue: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Evaluate.PropertyFiles.EvaluationReport' }, Path: 'regression_metrics.mse.value' } },
        RightValue: { Get: 'Parameters.MseThreshold' },
      },
    ]);
    expect(s.Arguments.IfSteps.map((x: JsonObject) => x.Name)).toEqual(['Register', 'CreateModel', 'Transform']);
    expect(s.Arguments.ElseSteps.map((x: JsonObject) => x.Name)).toEqual(['Fail']);
    expect(definition.Steps.map((x: any) => x.Name)).toEqual(['Preprocess', 'Train', 'Evaluate', 'Check']);
    expect(step(definition, 'Evaluate').PropertyFiles).toEqual([{ PropertyFileName: 'EvaluationReport', OutputName: 'evaluation', FilePath: 'evaluation.json' }]);
  });

  it('renders the other conditions: Equals, GreaterThan, GreaterThanOrEqualTo, LessThan, In, Not, Or', () => {
    const x = new ParameterInteger('X', { defaultValue: 1 });
    const conditions = [
      Conditions.equals(x, 1),
      Conditions.greaterThan(x, 1),
      Conditions.greaterThanOrEqualTo(x, 1),
      Conditions.lessThan(x, 1),
      Conditions.in(x, [1, 2]),
      Conditions.not(Conditions.equals(x, 3)),
      Conditions.or(Conditions.equals(x, 1), Conditions.equals(x, 2)),
    ];
    const pipeline = new Pipeline({ name: 'p', parameters: [x], steps: [new ConditionStep({ name: 'C', conditions })] });
    const get = { Get: 'Parameters.X' };
    expect((pipeline.definition().Steps[0] as JsonObject).Arguments.Conditions).toEqual([
      { Type: 'Equals', LeftValue: get, RightValue: 1 },
      { Type: 'GreaterThan', LeftValue: get, RightValue: 1 },
      { Type: 'GreaterThanOrEqualTo', LeftValue: get, RightValue: 1 },
      { Type: 'LessThan', LeftValue: get, RightValue: 1 },
      { Type: 'In', QueryValue: get, Values: [1, 2] },
      { Type: 'Not', Expression: { Type: 'Equals', LeftValue: get, RightValue: 3 } },
      { Type: 'Or', Conditions: [{ Type: 'Equals', LeftValue: get, RightValue: 1 }, { Type: 'Equals', LeftValue: get, RightValue: 2 }] },
    ]);
  });

  it('renders RegisterModel with approval status from a parameter and the evaluation report as model quality statistics', () => {
    const s = step(example().pipeline.definition(), 'Register');
    expect(s.Arguments.ModelApprovalStatus).toEqual({ Get: 'Parameters.ModelApprovalStatus' });
    expect(s.Arguments.ModelMetrics).toEqual({
      ModelQuality: {
        Statistics: {
          ContentType: 'application/json',
          S3Uri: { 'Std:Join': { On: '/', Values: [{ Get: "Steps.Evaluate.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri" }, 'evaluation.json'] } },
        },
      },
    });
    expect(s.Arguments.InferenceSpecification.Containers).toEqual([{ Image: IMAGE, ModelDataUrl: { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' } }]);
    expect(s.Arguments).not.toHaveProperty('Tags');
  });

  it('renders CreateModel as Type Model and Transform reading the model name; explicit dependsOn as DependsOn', () => {
    const definition = example().pipeline.definition();
    expect(step(definition, 'CreateModel').Arguments).toEqual({
      ExecutionRoleArn: { Get: 'Parameters.RoleArn' },
      PrimaryContainer: { Image: IMAGE, ModelDataUrl: { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' } },
    });
    const t = step(definition, 'Transform');
    expect(t.Arguments.ModelName).toEqual({ Get: 'Steps.CreateModel.ModelName' });
    expect(t.Arguments.TransformInput.DataSource.S3DataSource.S3Uri).toEqual({ Get: 'Parameters.BatchDataUrl' });
    expect(t.DependsOn).toEqual(['Register']);
  });

  it('infers dependencies from references, explicit dependsOn and condition branches', () => {
    expect(example().pipeline.dependencies()).toEqual({
      Preprocess: [],
      Train: ['Preprocess'],
      Evaluate: ['Train'],
      Check: ['Evaluate'],
      Register: ['Check', 'Evaluate', 'Train'],
      CreateModel: ['Check', 'Train'],
      Transform: ['Check', 'CreateModel', 'Register'],
      Fail: ['Check'],
    });
  });

  it('references steps and parameters by name with Steps.get and Parameters.get', () => {
    expect(Steps.get('Train', 'ModelArtifacts.S3ModelArtifacts').toJson()).toEqual({ Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' });
    expect(Parameters.get('X').toJson()).toEqual({ Get: 'Parameters.X' });
    expect(ExecutionVariables.START_DATETIME.toJson()).toEqual({ Get: 'Execution.StartDateTime' });
  });
});
