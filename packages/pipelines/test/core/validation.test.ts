import { describe, expect, it } from 'vitest';
import {
  ConditionStep,
  Conditions,
  FailStep,
  JsonGet,
  ParameterFloat,
  ParameterInteger,
  ParameterString,
  Parameters,
  Pipeline,
  PipelineValidationError,
  ProcessingStep,
  PropertyFile,
  type ProcessingStepOptions,
  RegisterModelStep,
  Steps,
  TrainingStep,
  TransformStep,
  type ValidationProblem,
} from '../../src';

const base: Omit<ProcessingStepOptions, 'name'> = { role: 'role', imageUri: 'image', instanceType: 'ml.m5.large', instanceCount: 1 };

function problemsOf(pipeline: Pipeline): ValidationProblem[] {
  try {
    pipeline.definition();
  } catch (error) {
    expect(error).toBeInstanceOf(PipelineValidationError);
    return [...(error as PipelineValidationError).problems];
  }
  throw new Error('expected the definition to fail');
}

describe('validation when the definition is built', () => {
  it('fails when two steps have the same name, naming the step', () => {
    const pipeline = new Pipeline({ name: 'p', steps: [new ProcessingStep({ name: 'A', ...base }), new ProcessingStep({ name: 'A', ...base })] });
    expect(problemsOf(pipeline)).toEqual([{ step: 'A', field: 'Name', message: 'two steps are named A' }]);
  });

  it('fails when a step in a condition branch has the name of a top-level step', () => {
    const a = new ProcessingStep({ name: 'A', ...base });
    const pipeline = new Pipeline({
      name: 'p',
      steps: [a, new ConditionStep({ name: 'C', conditions: [Conditions.equals(1, 1)], ifSteps: [new FailStep({ name: 'A', errorMessage: 'x' })] })],
    });
    expect(problemsOf(pipeline)).toContainEqual({ step: 'A', field: 'Name', message: 'two steps are named A' });
  });

  it('fails when a step references an unknown step, property or property file', () => {
    const report = new PropertyFile('Report', 'out', 'r.json');
    const a = new ProcessingStep({ name: 'A', ...base, outputs: [{ name: 'out', source: '/opt/ml/processing/out', destination: 's3://b/o' }] });
    const outside = new ProcessingStep({ name: 'Outside', ...base });
    const b = new ProcessingStep({
      name: 'B',
      ...base,
      inputs: [
        { name: 'i1', source: Steps.get('Missing', 'ProcessingJobArn'), destination: '/opt/ml/processing/i1' },
        { name: 'i2', source: a.property('ModelArtifacts.S3ModelArtifacts'), destination: '/opt/ml/processing/i2' },
        { name: 'i3', source: outside.outputUri('x'), destination: '/opt/ml/processing/i3' },
      ],
      environment: { REPORT: new JsonGet(a, report, 'x') },
    });
    const problems = problemsOf(new Pipeline({ name: 'p', steps: [a, b] }));
    expect(problems).toEqual([
      { step: 'B', field: 'Arguments.ProcessingInputs[0].S3Input.S3Uri', message: 'unknown step Missing' },
      {
        step: 'B',
        field: 'Arguments.ProcessingInputs[1].S3Input.S3Uri',
        message: expect.stringMatching(/^unknown property of Processing step A: 'ModelArtifacts' is not a property/),
      },
      { step: 'B', field: 'Arguments.ProcessingInputs[2].S3Input.S3Uri', message: 'unknown step Outside (the step is not part of the pipeline)' },
      { step: 'B', field: 'Arguments.Environment.REPORT', message: 'step A has no property file Report (it has: none)' },
    ]);
  });

  it('accepts the property paths of the Describe* responses: list items by name, map keys, nested members', () => {
    const a = new ProcessingStep({ name: 'A', ...base });
    const t = new TrainingStep({
      name: 'T',
      ...base,
      outputPath: 's3://b/m',
      inputs: { train: { s3Uri: a.outputUri('train') } },
      hyperParameters: { a: a.property('ProcessingResources.ClusterConfig.InstanceCount'), b: a.property("Environment['X']") },
    });
    expect(new Pipeline({ name: 'p', steps: [a, t] }).validate()).toEqual([]);
  });

  it('fails when a parameter is referenced by name but not declared, or used as an object but not declared', () => {
    const undeclared = new ParameterString('InputDataUrl');
    const pipeline = new Pipeline({
      name: 'p',
      steps: [new ProcessingStep({ name: 'A', ...base, inputs: [{ name: 'in', source: undeclared, destination: '/opt/ml/processing/in' }], environment: { X: Parameters.get('Nope') } })],
    });
    expect(problemsOf(pipeline)).toEqual([
      {
        step: 'A',
        field: 'Arguments.ProcessingInputs[0].S3Input.S3Uri',
        message: "parameter InputDataUrl is used but not declared in the pipeline's parameters",
      },
      { step: 'A', field: 'Arguments.Environment.X', message: 'unknown parameter Nope' },
    ]);
  });

  it('fails when a parameter default does not match its type or enum values', () => {
    const pipeline = new Pipeline({
      name: 'p',
      parameters: [new ParameterInteger('Count', { defaultValue: 1.5 }), new ParameterString('Status', { defaultValue: 'Maybe', enumValues: ['Approved', 'Rejected'] })],
      steps: [],
    });
    expect(problemsOf(pipeline)).toEqual([
      { step: undefined, field: 'Parameters.Count', message: '1.5 is not a value of a Integer parameter' },
      { step: undefined, field: 'Parameters.Status.DefaultValue', message: '"Maybe" is not one of the EnumValues ["Approved","Rejected"]' },
    ]);
  });

  it('fails when the pipeline name breaks the PipelineName pattern or length (botocore: 1-256, [a-zA-Z0-9](-*[a-zA-Z0-9]){0,255})', () => {
    for (const name of ['my_pipeline', '-starts-with-hyphen', 'a'.repeat(257), '']) {
      const problems = problemsOf(new Pipeline({ name, steps: [] }));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ step: undefined, field: 'PipelineName' });
    }
    expect(new Pipeline({ name: 'a'.repeat(256), steps: [] }).validate()).toEqual([]);
    expect(new Pipeline({ name: 'My-Pipeline-1', steps: [] }).validate()).toEqual([]);
  });

  it('fails when a step name breaks the StepName limits (botocore: up to 64 of [A-Za-z0-9_-])', () => {
    const long = 'S'.repeat(65);
    const pipeline = new Pipeline({ name: 'p', steps: [new FailStep({ name: long, errorMessage: 'x' }), new FailStep({ name: 'has space', errorMessage: 'x' })] });
    expect(problemsOf(pipeline).map((p) => [p.step, p.field])).toEqual([
      [long, 'Name'],
      ['has space', 'Name'],
    ]);
    expect(new Pipeline({ name: 'p', steps: [new FailStep({ name: 'S'.repeat(64), errorMessage: 'x' })] }).validate()).toEqual([]);
  });

  it('fails when a Fail step has no message', () => {
    const pipeline = new Pipeline({ name: 'p', steps: [new FailStep({ name: 'F', errorMessage: '  ' })] });
    expect(problemsOf(pipeline)).toEqual([{ step: 'F', field: 'Arguments.ErrorMessage', message: 'a Fail step needs an error message' }]);
  });

  it('fails when a numeric comparison reads a string parameter, a string literal or a string property', () => {
    const name = new ParameterString('Name', { defaultValue: 'x' });
    const a = new ProcessingStep({ name: 'A', ...base });
    const pipeline = new Pipeline({
      name: 'p',
      parameters: [name, new ParameterFloat('T', { defaultValue: 1 })],
      steps: [
        a,
        new ConditionStep({
          name: 'C',
          conditions: [
            Conditions.greaterThan(name, 1),
            Conditions.lessThanOrEqualTo(1, 'two'),
            Conditions.lessThan(a.property('ProcessingJobStatus'), 3),
            // numbers, JsonGet (unknown until run time) and numeric properties are fine
            Conditions.greaterThanOrEqualTo(a.property('ProcessingResources.ClusterConfig.InstanceCount'), Parameters.get('T')),
            // Equals compares anything
            Conditions.equals(name, 'x'),
          ],
        }),
      ],
    });
    expect(problemsOf(pipeline)).toEqual([
      { step: 'C', field: 'Arguments.Conditions[0].LeftValue', message: 'GreaterThan compares numbers, but {"Get":"Parameters.Name"} is a string' },
      { step: 'C', field: 'Arguments.Conditions[1].RightValue', message: 'LessThanOrEqualTo compares numbers, but "two" is a string' },
      {
        step: 'C',
        field: 'Arguments.Conditions[2].LeftValue',
        message: 'LessThan compares numbers, but {"Get":"Steps.A.ProcessingJobStatus"} is a string',
      },
    ]);
  });

  it('fails when an instance type is not an ml. type, or not one of the job kind (botocore ProcessingInstanceType, TrainingInstanceType, TransformInstanceType)', () => {
    const processingType = new ParameterString('ProcessingInstanceType', { defaultValue: 'm5.large' });
    const pipeline = new Pipeline({
      name: 'p',
      parameters: [processingType],
      steps: [
        new ProcessingStep({ name: 'P', ...base, instanceType: processingType }),
        new TrainingStep({ name: 'T', ...base, instanceType: 'ml.t2.medium', outputPath: 's3://b/m', inputs: {} }),
        new TransformStep({ name: 'X', modelName: 'm', instanceType: 'ml.c5n.xlarge', instanceCount: 1, input: { s3Uri: 's3://b/i' }, outputPath: 's3://b/o' }),
      ],
    });
    expect(problemsOf(pipeline)).toEqual([
      {
        step: 'P',
        field: 'Arguments.ProcessingResources.ClusterConfig.InstanceType',
        message: 'the default of parameter ProcessingInstanceType, "m5.large", is not an ml. instance type',
      },
      {
        step: 'T',
        field: 'Arguments.ResourceConfig.InstanceType',
        message: 'the value, ml.t2.medium, is not a Training instance type (botocore TrainingInstanceType)',
      },
      {
        step: 'X',
        field: 'Arguments.TransformResources.InstanceType',
        message: 'the value, ml.c5n.xlarge, is not a Transform instance type (botocore TransformInstanceType)',
      },
    ]);
  });

  it('fails when a registered model lists an instance type that cannot serve (botocore ProductionVariantInstanceType)', () => {
    const pipeline = new Pipeline({
      name: 'p',
      steps: [
        new RegisterModelStep({
          name: 'R',
          modelPackageGroupName: 'g',
          approvalStatus: 'PendingManualApproval',
          image: 'i',
          modelDataUrl: 's3://b/m',
          contentTypes: ['text/csv'],
          responseTypes: ['text/csv'],
          inferenceInstanceTypes: ['ml.m5.large', 'ml.c5n.xlarge'],
          transformInstanceTypes: ['t2.micro'],
        }),
      ],
    });
    expect(problemsOf(pipeline)).toEqual([
      {
        step: 'R',
        field: 'Arguments.InferenceSpecification.SupportedRealtimeInferenceInstanceTypes[1]',
        message: 'the value, ml.c5n.xlarge, is not an Inference instance type (botocore ProductionVariantInstanceType)',
      },
      { step: 'R', field: 'Arguments.InferenceSpecification.SupportedTransformInstanceTypes[0]', message: 'the value, "t2.micro", is not an ml. instance type' },
    ]);
  });

  it('fails when dependsOn names an unknown step, or the dependencies form a cycle', () => {
    const a: ProcessingStep = new ProcessingStep({ name: 'A', ...base, dependsOn: ['B', 'Ghost'] });
    const b = new ProcessingStep({ name: 'B', ...base, inputs: [{ name: 'i', source: a.outputUri('o'), destination: '/opt/ml/processing/i' }] });
    const problems = problemsOf(new Pipeline({ name: 'p', steps: [a, b] }));
    expect(problems).toContainEqual({ step: 'A', field: 'DependsOn', message: 'unknown step Ghost' });
    expect(problems).toContainEqual({ step: 'A', field: 'DependsOn', message: 'dependency cycle A -> B -> A' });
  });

  it('fails when the cache expiry is not an ISO 8601 duration', () => {
    const pipeline = new Pipeline({ name: 'p', steps: [new ProcessingStep({ name: 'A', ...base, cache: { expireAfter: '12 hours' } }), new ProcessingStep({ name: 'B', ...base, cache: { expireAfter: 'P1DT12H' } })] });
    expect(problemsOf(pipeline)).toEqual([{ step: 'A', field: 'CacheConfig.ExpireAfter', message: "'12 hours' is not an ISO 8601 duration (e.g. PT12H, P30D)" }]);
  });

  it('fails when a retry policy sets both maxAttempts and expireAfterMinutes', () => {
    const pipeline = new Pipeline({
      name: 'p',
      steps: [new ProcessingStep({ name: 'A', ...base, retryPolicies: [{ exceptionTypes: ['Step.THROTTLING'], maxAttempts: 2, expireAfterMinutes: 10 }] })],
    });
    expect(problemsOf(pipeline)).toEqual([{ step: 'A', field: 'RetryPolicies[0]', message: 'maxAttempts and expireAfterMinutes are exclusive' }]);
  });

  it('collects every problem into one error whose message names each step and field', () => {
    const pipeline = new Pipeline({
      name: 'bad_name',
      steps: [new FailStep({ name: 'F', errorMessage: '' }), new FailStep({ name: 'F', errorMessage: Parameters.get('Nope') })],
    });
    expect(() => pipeline.render()).toThrowError(
      /^Pipeline bad_name is not valid \(4 problems\):\n  - PipelineName: .*\n  - step F, Name: two steps are named F\n  - step F, Arguments.ErrorMessage: a Fail step needs an error message\n  - step F, Arguments.ErrorMessage: unknown parameter Nope$/,
    );
  });
});
