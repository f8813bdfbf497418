import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreatePipelineCommand, DescribePipelineCommand, ListPipelineExecutionStepsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DUMMY_ACCOUNTS, DUMMY_REGION, motoRequired, startMoto, type MotoCredentials, type MotoServer } from '@sagemaker-mlops/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INLINE_DEFINITION_MAX_BYTES, renderDefinition, runPipeline, seedUploads, trainingPipeline } from '../src';

const noSleep = async () => undefined;
const BUNDLE = join(__dirname, '..', 'bundles', 'pipeline-run', 'index.cjs');

/**
 * The run tool against moto (verification.md: moto supports CreatePipeline and StartPipelineExecution,
 * the execution is Succeeded at once; ListPipelineExecutionSteps answers HTTP 500, so the failed-step
 * report stays covered by the mocked unit tests).
 */
describe.skipIf(!motoRequired())('pipeline-run against the AWS emulator', () => {
  let moto: MotoServer;
  let tooling: MotoCredentials;
  let roleArn: string;
  const definition = (account: string) =>
    renderDefinition(trainingPipeline({ region: DUMMY_REGION, name: 'abalone-training' }), {
      substitutions: { SageMakerRoleArn: `arn:aws:iam::${account}:role/sagemaker`, ArtifactBucket: `artifacts-${account}`, ModelPackageGroupName: 'abalone' },
    });

  beforeAll(async () => {
    moto = await startMoto(DUMMY_REGION, { maxRequests: 500 });
    tooling = await moto.adminCredentials(DUMMY_ACCOUNTS.tooling);
    roleArn = await moto.createRole(tooling, 'pipeline', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sagemaker:*', Resource: '*' }] });
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('creates the training pipeline, runs it to Succeeded, then updates it on the next run', async () => {
    // GIVEN the artifact bucket the definition names
    const sagemaker = new SageMakerClient(moto.clientConfig({ credentials: tooling }));
    const s3 = new S3Client(moto.clientConfig({ credentials: tooling }));
    const bucket = `artifacts-${DUMMY_ACCOUNTS.tooling}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: DUMMY_REGION } }));
    const run = (runId: string) =>
      runPipeline({
        sagemaker,
        s3,
        uploads: seedUploads(bucket, 'abalone-training'),
        pipelineName: 'abalone-training',
        definition: definition(DUMMY_ACCOUNTS.tooling),
        roleArn,
        parameters: { MseThreshold: '7.5' },
        tags: { project: 'mlops' },
        runId,
        sleep: noSleep,
        log: () => undefined,
        retry: { attempts: 1 },
      });

    // WHEN
    const first = await run('build-1');
    const second = await run('build-2');

    // THEN
    expect(first).toMatchObject({ created: true, status: 'Succeeded', failedSteps: [] });
    expect(second).toMatchObject({ created: false, status: 'Succeeded' });
    expect(second.executionArn).not.toBe(first.executionArn);
    const described = await sagemaker.send(new DescribePipelineCommand({ PipelineName: 'abalone-training' }));
    expect(JSON.parse(described.PipelineDefinition!).Steps.map((s: { Name: string }) => s.Name)).toEqual(['PreprocessData', 'TrainModel', 'EvaluateModel', 'MSECond']);
    expect(described.RoleArn).toBe(roleArn);
    // the scripts and data sit where the seed pipeline's defaults point
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([
      'abalone-training/code/evaluate.py',
      'abalone-training/code/preprocess.py',
      'abalone-training/data/abalone.csv',
      'abalone-training/data/batch/abalone-batch.csv',
    ]);
    const inputDefault = JSON.parse(described.PipelineDefinition!).Parameters.find((p: { Name: string }) => p.Name === 'InputDataUrl').DefaultValue;
    expect(inputDefault).toBe(`s3://${bucket}/abalone-training/data/abalone.csv`);
  });

  it('passes a large definition through S3', async () => {
    // GIVEN a definition beyond the inline limit, and a bucket for it
    const s3 = new S3Client(moto.clientConfig({ credentials: tooling }));
    await s3.send(new CreateBucketCommand({ Bucket: 'pipeline-definitions', CreateBucketConfiguration: { LocationConstraint: DUMMY_REGION } }));
    const large = JSON.stringify({ ...JSON.parse(definition(DUMMY_ACCOUNTS.tooling)), Metadata: { padding: 'x'.repeat(INLINE_DEFINITION_MAX_BYTES) } });
    const sagemaker = new SageMakerClient(moto.clientConfig({ credentials: tooling }));

    // WHEN
    const result = await runPipeline({
      sagemaker,
      s3,
      pipelineName: 'large-definition',
      definition: large,
      definitionBucket: 'pipeline-definitions',
      roleArn,
      runId: 'build-1',
      sleep: noSleep,
      log: () => undefined,
      retry: { attempts: 1 },
    });

    // THEN
    expect(result.definitionLocation).toMatch(/^s3:\/\/pipeline-definitions\/pipeline-definitions\/large-definition\/[0-9a-f]{16}\.json$/);
    expect(result.status).toBe('Succeeded');
    const uploaded = await s3.send(new GetObjectCommand({ Bucket: 'pipeline-definitions', Key: result.definitionLocation.replace('s3://pipeline-definitions/', '') }));
    expect(await uploaded.Body!.transformToString()).toBe(large);
    const described = await sagemaker.send(new DescribePipelineCommand({ PipelineName: 'large-definition' }));
    expect(described.PipelineArn).toContain(':pipeline/large-definition');
    // moto's gap: it keeps a definition read from S3 as parsed JSON, so DescribePipeline answers no string.
    expect(typeof described.PipelineDefinition).not.toBe('string');
  });

  it('runs as the bundled tool, assuming a role into another account (node index.cjs, exit code 0)', async () => {
    // GIVEN a role in the staging account and the definition as a file
    const staging = await moto.adminCredentials(DUMMY_ACCOUNTS.staging);
    const target = await moto.createRole(staging, 'pipeline-deployer', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sagemaker:*', Resource: '*' }] });
    const dir = mkdtempSync(join(tmpdir(), 'pipeline-run-'));
    writeFileSync(join(dir, 'definition.json'), definition(DUMMY_ACCOUNTS.staging));

    // WHEN
    const out = spawnSync(
      process.execPath,
      [BUNDLE, '--definition', join(dir, 'definition.json'), '--pipeline-name', 'abalone-training', '--role-arn', target, '--assume-role-arn', target, '--parameter', 'MseThreshold=9'],
      // NODE_NO_WARNINGS: the SDK's warning about this machine's Node 20 (CodeBuild runs Node 22).
      { env: { ...moto.childEnv(tooling), CODEBUILD_BUILD_ID: 'build:42', NODE_NO_WARNINGS: '1' }, encoding: 'utf8', timeout: 60_000 },
    );

    // THEN
    expect({ status: out.status, stderr: out.stderr }).toEqual({ status: 0, stderr: '' });
    expect(out.stdout).toContain('[pipeline-run] pipeline abalone-training: created');
    expect(out.stdout).toContain('[pipeline-run] execution status: Succeeded');
    const inStaging = new SageMakerClient(moto.clientConfig({ credentials: staging }));
    const described = await inStaging.send(new DescribePipelineCommand({ PipelineName: 'abalone-training' }));
    expect(described.PipelineArn).toContain(`:${DUMMY_ACCOUNTS.staging}:pipeline/`);
  });

  it("pins moto's answers: DescribePipeline of a missing pipeline is a ValidationException, a second CreatePipeline too", async () => {
    const sagemaker = new SageMakerClient(moto.clientConfig({ credentials: tooling }));
    await expect(sagemaker.send(new DescribePipelineCommand({ PipelineName: 'never-created' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Could not find pipeline with PipelineName never-created.',
    });
    const input = { PipelineName: 'twice', PipelineDefinition: definition(DUMMY_ACCOUNTS.tooling), RoleArn: roleArn, ClientRequestToken: 'a'.repeat(32) };
    await sagemaker.send(new CreatePipelineCommand(input));
    await expect(sagemaker.send(new CreatePipelineCommand({ ...input, ClientRequestToken: 'b'.repeat(32) }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('already exists'),
    });
  });

  it("pins moto's gap: ListPipelineExecutionSteps answers HTTP 500 (the mocked unit tests cover the failed-step report)", async () => {
    const sagemaker = new SageMakerClient(moto.clientConfig({ credentials: tooling }));
    const result = await runPipeline({
      sagemaker,
      pipelineName: 'gap',
      definition: definition(DUMMY_ACCOUNTS.tooling),
      roleArn,
      runId: 'gap',
      sleep: noSleep,
      log: () => undefined,
      retry: { attempts: 1 },
    });
    await expect(sagemaker.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: result.executionArn }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 500 },
    });
  });
});
