import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DUMMY_ACCOUNTS, DUMMY_REGION } from '@sagemaker-mlops/test-utils';
import { mockClient } from 'aws-sdk-client-mock';
import { xgboostImageUri } from '../../src';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildRelease, DEV_DEFINITION_FILE, type PromotionSettings, ReleaseError, VARIABLES_FILE } from '../../src/bin/pipeline-promotion/build';
import { loadPipelineSource } from '../../src/bin/pipeline-promotion/load-source';
import { promotionMain } from '../../src/bin/pipeline-promotion/main';
import { runInDev } from '../../src/bin/pipeline-promotion/run-dev';
import { parseStageFile } from '../../src/bin/pipeline-promotion/stage-file';
import { BUCKET, DEV, PREPROD_STAGE, promotionSettings, role, STAGE_FILE } from './fixtures';

const s3 = mockClient(S3Client);
const SETTINGS: PromotionSettings = promotionSettings({
  stages: [
    PREPROD_STAGE,
    { name: 'prod', account: DUMMY_ACCOUNTS.prod, region: 'us-east-1', pipelineName: 'abalone-p-1-prod-pipeline', roleArn: role(DUMMY_ACCOUNTS.prod, 'prod'), bucket: 'p-1-prod-artifacts-444444444444', createModelPackageGroup: true },
  ],
  tags: { 'sagemaker:project-name': 'abalone', 'sagemaker:project-id': 'p-1' },
});

/** A repository as the module seeds it: the pipeline source (with a relative TypeScript import), scripts, stage files. */
function repository(stageFiles: Record<string, unknown> = { preprod: STAGE_FILE, prod: { ...STAGE_FILE, InferenceInstanceType: 'ml.m5.xlarge' } }): string {
  const dir = mkdtempSync(join(tmpdir(), 'promotion-repo-'));
  const pipelines = join(dir, 'pipelines', 'batch-inference');
  mkdirSync(join(pipelines, 'scripts'), { recursive: true });
  writeFileSync(join(pipelines, 'options.ts'), `export const codePrefixName: string = 'CodePrefix';\n`);
  writeFileSync(
    join(pipelines, 'pipeline.ts'),
    [
      `import { batchInferencePipeline, Placeholder } from '@sagemaker-mlops/pipelines';`,
      `import { codePrefixName } from './options';`,
      `interface Target { stage: string; region: string; pipelineName: string }`,
      `export default (t: Target) => batchInferencePipeline({ name: t.pipelineName, region: t.region, codePrefix: Placeholder.of(codePrefixName) });`,
    ].join('\n'),
  );
  writeFileSync(join(pipelines, 'scripts', 'preprocess.py'), 'print("preprocess")\n');
  writeFileSync(join(pipelines, 'scripts', 'evaluate.py'), 'print("evaluate")\n');
  mkdirSync(join(dir, 'config'));
  for (const [stage, content] of Object.entries(stageFiles)) writeFileSync(join(dir, 'config', `${stage}.json`), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
});

describe('stage files (config/<stage>.json)', () => {
  it('accepts the seed\'s values and writes the schedule as EventBridge takes it', () => {
    const parsed = parseStageFile(JSON.stringify(STAGE_FILE), 'config/preprod.json');
    expect(parsed).toEqual({ ok: true, value: { ...STAGE_FILE, ScheduleExpressionforPipeline: 'rate(1 day)' } });
    const numbers = parseStageFile(JSON.stringify({ ...STAGE_FILE, ProcessingInstanceCount: 2, MseThreshold: 7.5, ScheduleExpressionforPipeline: '12 hours' }), 'f');
    expect(parsed.ok && numbers.ok && numbers.value).toMatchObject({ ProcessingInstanceCount: '2', MseThreshold: '7.5', ScheduleExpressionforPipeline: 'rate(12 hours)' });
    for (const expression of ['rate(5 minutes)', 'cron(0 6 * * ? *)']) {
      expect(parseStageFile(JSON.stringify({ ...STAGE_FILE, ScheduleExpressionforPipeline: expression }), 'f')).toMatchObject({ ok: true, value: { ScheduleExpressionforPipeline: expression } });
    }
  });

  it('fails on the reference\'s malformed data URLs (anchors 3.5 #2), naming each field and the fix', () => {
    const parsed = parseStageFile(
      JSON.stringify({
        ...STAGE_FILE,
        InputDataUrl: 's3: //sagemaker-servicecatalog-seedcode-us-east-1/dataset/abalone-dataset.csv',
        BatchDataUrl: 'sagemaker-servicecatalog-seedcode-us-east-1/dataset/abalone-dataset-batch',
      }),
      'config/prod.json',
    );
    expect(parsed).toEqual({
      ok: false,
      problems: [
        { file: 'config/prod.json', field: 'InputDataUrl', message: expect.stringMatching(/^expected an S3 URL s3:\/\/<bucket>\/<key> \(remove the space after "s3:"\), got "s3: \/\//) },
        { file: 'config/prod.json', field: 'BatchDataUrl', message: expect.stringMatching(/\(add the scheme: s3:\/\/sagemaker-servicecatalog-seedcode-us-east-1\/dataset\/abalone-dataset-batch\)/) },
      ],
    });
  });

  it('names every bad, missing and unknown field at once', () => {
    const { ProcessingInstanceType: _omitted, ...rest } = STAGE_FILE;
    const parsed = parseStageFile(
      JSON.stringify({ ...rest, ProcessingInstanceCount: '0', InferenceInstanceType: 'm5.large', MseThreshold: 'low', ScheduleExpressionforPipeline: '1 days', Extra: 1 }),
      'config/preprod.json',
    );
    expect(parsed.ok).toBe(false);
    const problems = parsed.ok ? [] : parsed.problems.map((p) => `${p.field}: ${p.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ProcessingInstanceCount: expected a whole number of instances from 1 to 999.*got "0"/),
        'ProcessingInstanceType: is required',
        expect.stringMatching(/^InferenceInstanceType: expected an ML instance type/),
        expect.stringMatching(/^MseThreshold: expected a non-negative number/),
        expect.stringMatching(/^ScheduleExpressionforPipeline: EventBridge takes "1 day"/),
        expect.stringMatching(/^Extra: is not a stage value/),
      ]),
    );
    expect(problems).toHaveLength(6);
    expect(parseStageFile('{ not json', 'config/prod.json')).toMatchObject({ ok: false, problems: [{ field: '(file)', message: expect.stringMatching(/^is not valid JSON/) }] });
  });
});

describe('buildRelease (the Build step)', () => {
  it('renders one definition per target, uploads the code and the stage definitions, and writes each stage\'s template configuration', async () => {
    // GIVEN a repository and an output folder
    const dir = repository();
    const out = join(dir, 'build-output');

    // WHEN
    const result = await buildRelease({ settings: SETTINGS, sourceDir: dir, outputDir: out, s3: new S3Client({ region: DUMMY_REGION }), log: () => {} });

    // THEN the code and both stage definitions are uploaded to the release bucket, owned by dev
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Key)).toEqual([
      expect.stringMatching(/^releases\/code\/[0-9a-f]{16}\/evaluate\.py$/),
      expect.stringMatching(/^releases\/code\/[0-9a-f]{16}\/preprocess\.py$/),
      result.definitionKeys.preprod,
      result.definitionKeys.prod,
    ]);
    expect(puts.every((p) => p.Bucket === BUCKET && p.ExpectedBucketOwner === DEV)).toBe(true);

    // the prod definition runs as prod's role, writes to prod's bucket, reads the released code and BatchDataUrl
    const prod = JSON.parse(String(puts[3].Body));
    const body = JSON.stringify(prod);
    expect(body).toContain(role(DUMMY_ACCOUNTS.prod, 'prod'));
    expect(body).toContain('p-1-prod-artifacts-444444444444');
    expect(body).not.toContain(role(DEV, 'dev'));
    expect(body).toContain(`"S3Uri":"${result.codePrefix}"`);
    expect(body).toContain(xgboostImageUri('us-east-1')); // the XGBoost image of prod's region
    const transform = prod.Steps.flatMap((s: any) => [s, ...(s.Arguments?.IfSteps ?? []), ...(s.Arguments?.ElseSteps ?? [])]).find((s: any) => s.Name === 'Transform');
    expect(transform.Arguments.TransformInput.DataSource.S3DataSource.S3Uri).toEqual({ Get: 'Parameters.BatchDataUrl' });

    // the template configuration passes every stage value, the definition key and the schedule
    const configuration = JSON.parse(readFileSync(join(out, 'prod-template-configuration.json'), 'utf8'));
    expect(configuration).toEqual({
      Parameters: {
        StageName: 'prod',
        PipelineDefinitionKey: result.definitionKeys.prod,
        ProcessingInstanceCount: '1',
        ProcessingInstanceType: 'ml.m5.large',
        TrainingInstanceCount: '1',
        InferenceInstanceCount: '1',
        InferenceInstanceType: 'ml.m5.xlarge',
        MseThreshold: '8.0',
        InputDataUrl: STAGE_FILE.InputDataUrl,
        BatchDataUrl: STAGE_FILE.BatchDataUrl,
        InputDataBucket: 'p-1-preprod-artifacts-333333333333',
        BatchDataBucket: 'p-1-preprod-artifacts-333333333333',
        ScheduleExpression: 'rate(1 day)',
        CreateModelPackageGroup: 'true',
      },
      Tags: { 'sagemaker:project-name': 'abalone', 'sagemaker:project-id': 'p-1', Environment: 'prod' },
    });
    expect(JSON.parse(readFileSync(join(out, DEV_DEFINITION_FILE), 'utf8')).Parameters.map((p: { Name: string }) => p.Name)).toContain('BatchDataUrl');
    expect(readFileSync(join(out, VARIABLES_FILE), 'utf8')).toBe(
      `export RELEASE_ID='${result.releaseId}'\nexport CODE_PREFIX='${result.codePrefix}'\nexport DEV_RUN_MARKER='s3://${BUCKET}/releases/dev-runs/${result.releaseId}.json'\n`,
    );
  });

  it('gives the same release id when only a stage file changed, a new one when a script changed', async () => {
    const first = await buildRelease({ settings: SETTINGS, sourceDir: repository(), outputDir: mkdtempSync(join(tmpdir(), 'o-')), s3: new S3Client({}), log: () => {} });
    const stageOnly = await buildRelease({
      settings: SETTINGS,
      sourceDir: repository({ preprod: { ...STAGE_FILE, MseThreshold: '6.5' }, prod: STAGE_FILE }),
      outputDir: mkdtempSync(join(tmpdir(), 'o-')),
      s3: new S3Client({}),
      log: () => {},
    });
    expect(stageOnly.releaseId).toBe(first.releaseId);
    const dir = repository();
    writeFileSync(join(dir, 'pipelines/batch-inference/scripts/evaluate.py'), 'print("evaluate v2")\n');
    const changed = await buildRelease({ settings: SETTINGS, sourceDir: dir, outputDir: mkdtempSync(join(tmpdir(), 'o-')), s3: new S3Client({}), log: () => {} });
    expect(changed.releaseId).not.toBe(first.releaseId);
  });

  it('fails on a bad stage file with its field names, and uploads nothing (rendering has no side effects)', async () => {
    const dir = repository({ preprod: { ...STAGE_FILE, BatchDataUrl: 'bucket/batch' }, prod: { ...STAGE_FILE, Unknown: 'x' } });
    const error = await buildRelease({ settings: SETTINGS, sourceDir: dir, outputDir: join(dir, 'out'), s3: new S3Client({}), log: () => {} }).catch((e) => e);
    expect(error).toBeInstanceOf(ReleaseError);
    expect((error as ReleaseError).message).toMatch(/config\/preprod\.json: BatchDataUrl expected an S3 URL/);
    expect((error as ReleaseError).message).toMatch(/config\/prod\.json: Unknown is not a stage value/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('fails when a stage file is missing, or the definition lacks a stage parameter', async () => {
    const missing = repository({ preprod: STAGE_FILE });
    await expect(buildRelease({ settings: SETTINGS, sourceDir: missing, outputDir: join(missing, 'o'), s3: new S3Client({}), log: () => {} })).rejects.toThrow(/config\/prod\.json: \(file\) is missing/);
    const dir = repository();
    writeFileSync(
      join(dir, 'pipelines/batch-inference/pipeline.ts'),
      `import { trainingPipeline, Placeholder } from '@sagemaker-mlops/pipelines';\nexport default (t: { region: string; pipelineName: string }) => trainingPipeline({ name: t.pipelineName, region: t.region, codePrefix: Placeholder.of('CodePrefix') });\n`,
    );
    const error = await buildRelease({ settings: SETTINGS, sourceDir: dir, outputDir: join(dir, 'o'), s3: new S3Client({}), log: () => {} }).catch((e: unknown) => e as ReleaseError) as ReleaseError;
    expect(error.problems.map((p: { field: string }) => p.field)).toEqual(expect.arrayContaining(['InferenceInstanceType', 'BatchDataUrl', 'InferenceInstanceCount']));
  });

  it('names a placeholder the definition holds but the module does not fill', async () => {
    const dir = repository();
    writeFileSync(join(dir, 'pipelines/batch-inference/pipeline.ts'), `import { batchInferencePipeline, Placeholder } from '@sagemaker-mlops/pipelines';\nexport default batchInferencePipeline({ region: 'eu-west-1', kmsKeyId: Placeholder.of('KmsKey') });\n`);
    await expect(buildRelease({ settings: SETTINGS, sourceDir: dir, outputDir: join(dir, 'o'), s3: new S3Client({}), log: () => {} })).rejects.toThrow(/no value for the placeholder\(s\) KmsKey/);
  });
});

describe('loadPipelineSource', () => {
  it('loads TypeScript with relative imports, the library resolving to the tool\'s own copy, calling the export with the target', async () => {
    const dir = repository();
    const pipeline = await loadPipelineSource(join(dir, 'pipelines/batch-inference/pipeline.ts'), { stage: 'dev', region: 'eu-central-1', pipelineName: 'x-dev-pipeline' });
    expect(pipeline.name).toBe('x-dev-pipeline');
    expect(JSON.stringify(pipeline.definition())).toContain('eu-central-1');
  });
});

describe('runInDev (the RunInDev step)', () => {
  const MARKER = `s3://${BUCKET}/releases/dev-runs/0123456789abcdef.json`;
  const notFound = () => Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });

  it('skips the run when this release already succeeded in dev (a stage-file-only commit does not retrain, anchors 3.5 #8)', async () => {
    s3.on(HeadObjectCommand).resolves({});
    let runs = 0;
    const code = await runInDev({ argv: [], env: {}, marker: MARKER, s3: new S3Client({}), run: async () => ++runs && 0, log: () => {} });
    expect(code).toBe(0);
    expect(runs).toBe(0);
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: BUCKET, Key: 'releases/dev-runs/0123456789abcdef.json' });
  });

  it('runs pipeline-run with the step\'s arguments and records the success', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    const seen: string[][] = [];
    const code = await runInDev({ argv: ['--definition', 'dev-definition.json'], env: { CODEBUILD_BUILD_ID: 'b:1' }, marker: MARKER, s3: new S3Client({}), run: async (argv) => (seen.push(argv), 0), log: () => {}, expectedBucketOwner: DEV });
    expect(code).toBe(0);
    expect(seen).toEqual([['--definition', 'dev-definition.json']]);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: BUCKET, Key: 'releases/dev-runs/0123456789abcdef.json', ExpectedBucketOwner: DEV });
  });

  it('fails, and records nothing, unless the execution succeeded', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    expect(await runInDev({ argv: [], env: {}, marker: MARKER, s3: new S3Client({}), run: async () => 1, log: () => {} })).toBe(1);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('fails on an access error instead of running again', async () => {
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Forbidden'), { name: 'Forbidden', $metadata: { httpStatusCode: 403 } }));
    await expect(runInDev({ argv: [], env: {}, marker: MARKER, s3: new S3Client({}), run: async () => 0, log: () => {} })).rejects.toThrow(/Forbidden/);
  });
});

describe('promotionMain', () => {
  it('builds from the PROMOTION settings, installing the repository\'s locked dependencies only when it has a lock file', async () => {
    const dir = repository();
    const installs: string[] = [];
    const io = { s3: new S3Client({}), cwd: dir, log: () => {}, error: () => {}, install: (d: string) => (installs.push(d), 0) };
    expect(await promotionMain(['build'], { PROMOTION: JSON.stringify(SETTINGS), OUTPUT_DIR: 'out' }, io)).toBe(0);
    expect(installs).toEqual([]);
    writeFileSync(join(dir, 'package-lock.json'), '{}');
    expect(await promotionMain(['build'], { PROMOTION: JSON.stringify(SETTINGS), OUTPUT_DIR: 'out' }, io)).toBe(0);
    expect(installs).toEqual([dir]);
    expect(readFileSync(join(dir, 'out', 'preprod-template-configuration.json'), 'utf8')).toContain('"StageName": "preprod"');
  });

  it('exits 1 with every problem of a bad release, 2 on an unknown command', async () => {
    const errors: string[] = [];
    const io = { s3: new S3Client({}), cwd: repository({ preprod: { ...STAGE_FILE, MseThreshold: 'x' }, prod: STAGE_FILE }), log: () => {}, error: (m: string) => errors.push(m) };
    expect(await promotionMain(['build'], { PROMOTION: JSON.stringify(SETTINGS) }, io)).toBe(1);
    expect(errors.join('\n')).toMatch(/config\/preprod\.json: MseThreshold expected a non-negative number/);
    expect(await promotionMain(['deploy'], {}, io)).toBe(2);
    expect(await promotionMain(['run-dev'], {}, io)).toBe(1);
  });
});
