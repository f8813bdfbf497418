import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AddTagsCommand,
  CreatePipelineCommand,
  DescribePipelineCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  UpdatePipelineCommand,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { DUMMY_ACCOUNTS, DUMMY_REGION } from '@sagemaker-mlops/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INLINE_DEFINITION_MAX_BYTES, parsePipelineRunArguments, pipelineRunMain, runPipeline, runSucceeded, seedUploads, type PipelineRunOptions } from '../../src';

const sagemaker = mockClient(SageMakerClient);
const s3 = mockClient(S3Client);
const ARN = `arn:aws:sagemaker:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:pipeline/p`;
const EXECUTION = `${ARN}/execution/abc`;
const ROLE = `arn:aws:iam::${DUMMY_ACCOUNTS.tooling}:role/pipeline`;
const DEFINITION = JSON.stringify({
  Version: '2020-12-01',
  Metadata: {},
  Parameters: [
    { Name: 'MseThreshold', Type: 'Float', DefaultValue: 8 },
    { Name: 'A', Type: 'String' },
  ],
  Steps: [],
});

function notFound() {
  return Object.assign(new Error('Pipeline p does not exist'), { name: 'ResourceNotFound', $metadata: { httpStatusCode: 400 } });
}
function throttled() {
  return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
}

/** A clock the fake sleep advances, so polling takes no real time. */
function world(overrides: Partial<PipelineRunOptions> = {}) {
  let clock = 0;
  const sleeps: number[] = [];
  const logs: string[] = [];
  const options: PipelineRunOptions = {
    sagemaker: sagemaker as unknown as PipelineRunOptions['sagemaker'],
    s3: s3 as unknown as PipelineRunOptions['s3'],
    pipelineName: 'p',
    definition: DEFINITION,
    roleArn: ROLE,
    runId: 'build-1',
    log: (m) => logs.push(m),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    retry: { random: () => 0.5 },
    ...overrides,
  };
  return { run: () => runPipeline(options), sleeps, logs, options };
}

beforeEach(() => {
  sagemaker.reset();
  s3.reset();
  sagemaker.on(DescribePipelineCommand).rejects(notFound());
  sagemaker.on(CreatePipelineCommand).resolves({ PipelineArn: ARN });
  sagemaker.on(UpdatePipelineCommand).resolves({ PipelineArn: ARN });
  sagemaker.on(StartPipelineExecutionCommand).resolves({ PipelineExecutionArn: EXECUTION });
});

describe('pipeline-run', () => {
  it('creates the pipeline, starts it with parameters, and polls with backoff until Succeeded', async () => {
    // GIVEN an execution that runs for three polls
    sagemaker
      .on(DescribePipelineExecutionCommand)
      .resolvesOnce({ PipelineExecutionStatus: 'Executing' })
      .resolvesOnce({ PipelineExecutionStatus: 'Executing' })
      .resolves({ PipelineExecutionStatus: 'Succeeded' });
    const w = world({ parameters: { MseThreshold: '6.5' }, tags: { project: 'mlops' }, parallelism: 4, description: 'd' });

    // WHEN
    const result = await w.run();

    // THEN
    expect(result).toMatchObject({ pipelineArn: ARN, created: true, executionArn: EXECUTION, status: 'Succeeded', failedSteps: [], definitionLocation: 'inline' });
    expect(runSucceeded(result)).toBe(true);
    expect(sagemaker).toHaveReceivedCommandWith(CreatePipelineCommand, {
      PipelineName: 'p',
      PipelineDefinition: DEFINITION,
      RoleArn: ROLE,
      PipelineDescription: 'd',
      Tags: [{ Key: 'project', Value: 'mlops' }],
      ParallelismConfiguration: { MaxParallelExecutionSteps: 4 },
    });
    expect(sagemaker).toHaveReceivedCommandWith(StartPipelineExecutionCommand, {
      PipelineName: 'p',
      PipelineParameters: [{ Name: 'MseThreshold', Value: '6.5' }],
    });
    expect(w.sleeps).toEqual([10_000, 15_000]);
    expect(sagemaker).not.toHaveReceivedCommand(ListPipelineExecutionStepsCommand);
  });

  it('fails when the execution fails, printing each failed step and its FailureReason', async () => {
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Failed', FailureReason: 'Step failure: One or multiple steps failed.' });
    sagemaker
      .on(ListPipelineExecutionStepsCommand)
      .resolvesOnce({
        PipelineExecutionSteps: [
          { StepName: 'MSEFail', StepStatus: 'Failed', FailureReason: 'Execution failed: the MSE of the model is above the threshold 8' },
        ],
        NextToken: 'n',
      })
      .resolves({ PipelineExecutionSteps: [{ StepName: 'MSECond', StepStatus: 'Succeeded' }, { StepName: 'EvaluateModel', StepStatus: 'Failed', FailureReason: 'AlgorithmError: boom' }] });
    const w = world();

    const result = await w.run();

    expect(result.status).toBe('Failed');
    expect(runSucceeded(result)).toBe(false);
    expect(result.failedSteps).toEqual([
      { name: 'MSEFail', status: 'Failed', reason: 'Execution failed: the MSE of the model is above the threshold 8' },
      { name: 'EvaluateModel', status: 'Failed', reason: 'AlgorithmError: boom' },
    ]);
    expect(w.logs).toContain('step EvaluateModel Failed: AlgorithmError: boom');
    expect(sagemaker).toHaveReceivedCommandWith(ListPipelineExecutionStepsCommand, { PipelineExecutionArn: EXECUTION, NextToken: 'n' });
  });

  it('fails when the execution is stopped', async () => {
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Stopped' });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [{ StepName: 'TrainModel', StepStatus: 'Stopped' }] });
    const result = await world().run();
    expect(result.status).toBe('Stopped');
    expect(runSucceeded(result)).toBe(false);
    expect(result.failedSteps).toEqual([{ name: 'TrainModel', status: 'Stopped', reason: '(no reason given)' }]);
  });

  it('fails when the timeout passes first, leaving the execution running', async () => {
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Executing' });
    const w = world({ timeoutSeconds: 120 });
    const result = await w.run();
    expect(result.status).toBe('TimedOut');
    expect(runSucceeded(result)).toBe(false);
    // 10 + 15 + 22.5 + 33.75 + 38.75 (the rest) = 120 s of polling, bounded by the deadline
    expect(w.sleeps.reduce((a, b) => a + b, 0)).toBe(120_000);
    expect(w.logs.at(-1)).toBe('execution still Executing after 120 s: giving up waiting (the execution goes on)');
  });

  it('retries throttled calls with backoff', async () => {
    sagemaker.on(StartPipelineExecutionCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({ PipelineExecutionArn: EXECUTION });
    sagemaker.on(DescribePipelineExecutionCommand).rejectsOnce(throttled()).resolves({ PipelineExecutionStatus: 'Succeeded' });
    const w = world();
    const result = await w.run();
    expect(result.status).toBe('Succeeded');
    expect(sagemaker).toHaveReceivedCommandTimes(StartPipelineExecutionCommand, 3);
    // full jitter at 0.5 of 500 ms, 1000 ms, then 500 ms again for the describe
    expect(w.sleeps).toEqual([250, 500, 250]);
  });

  it('updates an existing pipeline and adds the tags, which UpdatePipeline does not take', async () => {
    sagemaker.on(DescribePipelineCommand).resolves({ PipelineArn: ARN, PipelineName: 'p' });
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Succeeded' });
    const result = await world({ tags: { project: 'mlops' } }).run();
    expect(result.created).toBe(false);
    expect(sagemaker).not.toHaveReceivedCommand(CreatePipelineCommand);
    expect(sagemaker).toHaveReceivedCommandWith(UpdatePipelineCommand, { PipelineName: 'p', PipelineDefinition: DEFINITION, RoleArn: ROLE });
    expect(sagemaker).toHaveReceivedCommandWith(AddTagsCommand, { ResourceArn: ARN, Tags: [{ Key: 'project', Value: 'mlops' }] });
  });

  it('creates the pipeline when DescribePipeline answers ValidationException "Could not find pipeline" (as moto does)', async () => {
    sagemaker.on(DescribePipelineCommand).rejects(Object.assign(new Error('Could not find pipeline with PipelineName p.'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }));
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Succeeded' });
    expect((await world().run()).created).toBe(true);
  });

  it('fails when DescribePipeline fails otherwise, before changing anything', async () => {
    sagemaker.on(DescribePipelineCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    await expect(world().run()).rejects.toThrowError('User is not authorized');
    expect(sagemaker).not.toHaveReceivedCommand(CreatePipelineCommand);
  });

  it('updates when another run created the pipeline meanwhile (ConflictException on create)', async () => {
    sagemaker.on(CreatePipelineCommand).rejects(Object.assign(new Error('exists'), { name: 'ConflictException', $metadata: { httpStatusCode: 400 } }));
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Succeeded' });
    const result = await world().run();
    expect(result.created).toBe(false);
    expect(sagemaker).toHaveReceivedCommandTimes(UpdatePipelineCommand, 1);
  });

  it('updates when the create answers ValidationException "already exists" (moto, and the SDK\'s upsert)', async () => {
    sagemaker.on(CreatePipelineCommand).rejects(Object.assign(new Error('Pipeline with name (p) already exists.'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }));
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Succeeded' });
    expect((await world().run()).created).toBe(false);
    expect(sagemaker).toHaveReceivedCommandTimes(UpdatePipelineCommand, 1);
  });

  it('is idempotent on retry: the same run id, definition and parameters give the same client request tokens', async () => {
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Succeeded' });
    await world({ parameters: { A: '1' } }).run();
    await world({ parameters: { A: '1' } }).run();
    await world({ parameters: { A: '2' } }).run();
    const tokens = sagemaker.commandCalls(StartPipelineExecutionCommand).map((c) => c.args[0].input.ClientRequestToken!);
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[2]).not.toBe(tokens[0]);
    // IdempotencyToken: 32 to 128 characters (botocore model)
    expect(tokens[0]).toMatch(/^[0-9a-f]{64}$/);
    const creates = sagemaker.commandCalls(CreatePipelineCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect(creates[0]).toBe(creates[1]);
  });

  it('passes a definition larger than the request body allows through S3 (PipelineDefinitionS3Location)', async () => {
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Succeeded' });
    s3.on(PutObjectCommand).resolves({});
    const large = JSON.stringify({ Version: '2020-12-01', Metadata: { pad: 'x'.repeat(INLINE_DEFINITION_MAX_BYTES) }, Steps: [] });
    const result = await world({ definition: large, definitionBucket: 'defs', expectedBucketOwner: DUMMY_ACCOUNTS.tooling }).run();
    const key = (s3.commandCalls(PutObjectCommand)[0].args[0].input.Key)!;
    expect(key).toMatch(/^pipeline-definitions\/p\/[0-9a-f]{16}\.json$/);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'defs', Body: large, ExpectedBucketOwner: DUMMY_ACCOUNTS.tooling });
    expect(sagemaker).toHaveReceivedCommandWith(CreatePipelineCommand, { PipelineDefinitionS3Location: { Bucket: 'defs', ObjectKey: key } });
    expect(sagemaker.commandCalls(CreatePipelineCommand)[0].args[0].input.PipelineDefinition).toBeUndefined();
    expect(result.definitionLocation).toBe(`s3://defs/${key}`);
  });

  it('uploads the seed scripts and sample data before upserting the pipeline', async () => {
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Succeeded' });
    s3.on(PutObjectCommand).resolves({});
    const w = world({ uploads: seedUploads('artifacts', 'p'), expectedBucketOwner: DUMMY_ACCOUNTS.tooling });
    await w.run();
    expect(s3.commandCalls(PutObjectCommand).map((c) => `${c.args[0].input.Bucket}/${c.args[0].input.Key}`)).toEqual([
      'artifacts/p/code/preprocess.py',
      'artifacts/p/code/evaluate.py',
      'artifacts/p/data/abalone.csv',
      'artifacts/p/data/batch/abalone-batch.csv',
    ]);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { ExpectedBucketOwner: DUMMY_ACCOUNTS.tooling });
    expect(w.logs[0]).toBe('uploaded 4 file(s): s3://artifacts/p/code/, s3://artifacts/p/data/, s3://artifacts/p/data/batch/');
  });

  it('fails when a parameter is not declared by the definition, or its value does not fit, before changing anything', async () => {
    const definition = JSON.stringify({
      Version: '2020-12-01',
      Parameters: [
        { Name: 'Count', Type: 'Integer', DefaultValue: 1 },
        { Name: 'Threshold', Type: 'Float' },
        { Name: 'Status', Type: 'String', EnumValues: ['Approved', 'Rejected'] },
      ],
      Steps: [],
    });
    await expect(world({ definition, parameters: { Count: '1.5', Threshold: 'high', Status: 'Maybe', Treshold: '3' } }).run()).rejects.toThrowError(
      "Parameters of p: Count is an Integer, got '1.5'; Threshold is a Float, got 'high'; Status must be one of Approved, Rejected, got 'Maybe'; Treshold is not a parameter of the pipeline (it has: Count, Threshold, Status)",
    );
    expect(sagemaker).not.toHaveReceivedCommand(DescribePipelineCommand);
  });

  it('fails when a large definition has no bucket to go through', async () => {
    const large = JSON.stringify({ pad: 'x'.repeat(INLINE_DEFINITION_MAX_BYTES) });
    await expect(world({ definition: large }).run()).rejects.toThrowError(/more than 102400 for the request body: give a definition bucket/);
    expect(sagemaker).not.toHaveReceivedCommand(CreatePipelineCommand);
  });

  it('keeps the status when the steps cannot be listed', async () => {
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Failed' });
    sagemaker.on(ListPipelineExecutionStepsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    const w = world();
    const result = await w.run();
    expect(result.status).toBe('Failed');
    expect(w.logs).toContain(`could not list the steps of ${EXECUTION}: denied`);
  });
});

describe('pipeline-run command', () => {
  const definitionFile = join(mkdtempSync(join(tmpdir(), 'run-')), 'definition.json');
  writeFileSync(definitionFile, DEFINITION);
  const argv = ['--definition', definitionFile, '--pipeline-name', 'p', '--role-arn', ROLE, '--region', DUMMY_REGION];
  const io = (errors: string[]) => ({ log: () => undefined, error: (m: string) => errors.push(m), sleep: async () => undefined });

  it('exits 0 when the execution succeeded', async () => {
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Succeeded' });
    const errors: string[] = [];
    expect(await pipelineRunMain(argv, {}, io(errors))).toBe(0);
    expect(errors).toEqual([]);
  });

  it('fails when the execution failed: exit 1, with the execution and its reason', async () => {
    sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Failed', FailureReason: 'Step failure' });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [] });
    const errors: string[] = [];
    expect(await pipelineRunMain(argv, {}, io(errors))).toBe(1);
    expect(errors).toEqual([`pipeline-run: execution ${EXECUTION} ended Failed: Step failure`]);
  });

  it('fails when the arguments are wrong or the file is missing: exit 1, nothing called', async () => {
    const errors: string[] = [];
    expect(await pipelineRunMain(['--definition', '/nonexistent.json', '--pipeline-name', 'p', '--role-arn', ROLE], {}, io(errors))).toBe(1);
    expect(errors[0]).toMatch(/ENOENT.*nonexistent\.json/);
    expect(sagemaker).not.toHaveReceivedCommand(CreatePipelineCommand);
  });
});

describe('pipeline-run arguments', () => {
  it('parses flags, repeated parameters and tags, and the environment', () => {
    const args = parsePipelineRunArguments(
      ['--definition', 'd.json', '--parameter', 'A=1', '--parameter', 'B=x=y', '--tag', 'k=v', '--parallelism', '2', '--no-wait', '--timeout-minutes', '30'],
      { PIPELINE_NAME: 'p', PIPELINE_ROLE_ARN: ROLE, CODEBUILD_BUILD_ID: 'build:1', ASSUME_ROLE_ARN: 'role-b', AWS_REGION: DUMMY_REGION },
    );
    expect(args).toEqual({
      definitionFile: 'd.json',
      pipelineName: 'p',
      roleArn: ROLE,
      region: DUMMY_REGION,
      parameters: { A: '1', B: 'x=y' },
      tags: { k: 'v' },
      parallelism: 2,
      description: undefined,
      definitionBucket: undefined,
      expectedBucketOwner: undefined,
      uploads: [],
      assumeRoleArn: 'role-b',
      timeoutSeconds: 1800,
      start: true,
      wait: false,
      runId: 'build:1',
    });
  });

  it('parses uploads', () => {
    const args = parsePipelineRunArguments(['--definition', 'd.json', '--upload', 'ml=s3://b/p/code/', '--expected-bucket-owner', DUMMY_ACCOUNTS.tooling], {
      PIPELINE_NAME: 'p',
      PIPELINE_ROLE_ARN: ROLE,
    });
    expect(args.uploads).toEqual([{ localPath: 'ml', s3Uri: 's3://b/p/code/' }]);
    expect(args.expectedBucketOwner).toBe(DUMMY_ACCOUNTS.tooling);
    expect(() => parsePipelineRunArguments(['--definition', 'd', '--upload', 'ml=/tmp/x'], { PIPELINE_NAME: 'p', PIPELINE_ROLE_ARN: ROLE })).toThrowError(
      "pipeline-run: --upload takes <local path>=s3://bucket/key, got 'ml=/tmp/x'",
    );
  });

  it('fails when required values are missing or malformed, listing every problem', () => {
    expect(() => parsePipelineRunArguments(['--parameter', 'novalue', '--parallelism', '0'], {})).toThrowError(
      /^pipeline-run: --definition is required; --pipeline-name \(or PIPELINE_NAME\) is required; --role-arn \(or PIPELINE_ROLE_ARN\) is required; --parameter takes Name=Value, got 'novalue'; --parallelism takes a positive integer, got '0'\nusage:/,
    );
  });
});
