import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRelease, type PromotionSettings } from '@sagemaker-mlops/pipelines/lib/bin/pipeline-promotion/build';
import { DUMMY_ACCOUNTS } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { promotionSettings } from '../src/constructs/promotion-pipeline';
import { prepareSeedCode } from '../src/seed';
import { PIPELINE_STAGE_PARAMETERS } from '../src/stage/batch-stage-stack';
import { load, MULTI_ACCOUNT } from './fixtures';

/** An S3 client that records the uploads (the Build step only puts objects). */
function recordingS3() {
  const puts: Array<{ Key: string; Body: string }> = [];
  return { puts, client: { send: async (command: any) => (puts.push({ Key: command.input.Key, Body: String(command.input.Body) }), {}) } };
}

describe('the seeded repository, built by the Build step\'s own code', () => {
  const { config } = load(MULTI_ACCOUNT);
  const dir = prepareSeedCode(config, mkdtempSync(join(tmpdir(), 'seed-')));
  const devRole = `arn:aws:iam::${DUMMY_ACCOUNTS.tooling}:role/${config.devPipelineRole.kind === 'created' ? config.devPipelineRole.name : ''}`;

  it('holds the pipeline source, the scripts, the sample data, one stage file per stage and the README', () => {
    for (const file of [
      'pipelines/batch-inference/pipeline.ts',
      'pipelines/batch-inference/scripts/preprocess.py',
      'pipelines/batch-inference/scripts/evaluate.py',
      'data/abalone.csv',
      'config/preprod.json',
      'config/prod.json',
      'README.md',
    ]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
  });

  it('has the seed\'s stage values, with well-formed URLs of the stage\'s own bucket (anchors 3.5 #2)', () => {
    const prod = JSON.parse(readFileSync(join(dir, 'config/prod.json'), 'utf8'));
    expect(prod).toEqual({
      ProcessingInstanceCount: '1',
      ProcessingInstanceType: 'ml.m5.large',
      InferenceInstanceCount: '1',
      InferenceInstanceType: 'ml.m5.large',
      TrainingInstanceCount: '1',
      MseThreshold: '8.0',
      InputDataUrl: `s3://p-abc123def456-prod-artifacts-${DUMMY_ACCOUNTS.prod}/abalone-p-abc123def456-prod-pipeline/data/abalone.csv`,
      BatchDataUrl: `s3://p-abc123def456-prod-artifacts-${DUMMY_ACCOUNTS.prod}/abalone-p-abc123def456-prod-pipeline/data/batch/`,
      ScheduleExpressionforPipeline: '1 day',
    });
  });

  it('renders for dev and both stages; the template configurations carry every parameter the stage template declares', async () => {
    const s3 = recordingS3();
    const out = join(dir, 'build-output');
    const settings = promotionSettings(config, devRole) as PromotionSettings;
    const result = await buildRelease({ settings, sourceDir: dir, outputDir: out, s3: s3.client, log: () => {} });
    const configuration = JSON.parse(readFileSync(join(out, 'preprod-template-configuration.json'), 'utf8'));
    for (const name of [...PIPELINE_STAGE_PARAMETERS, 'StageName', 'PipelineDefinitionKey', 'ScheduleExpression', 'InputDataBucket', 'BatchDataBucket', 'CreateModelPackageGroup']) {
      expect(configuration.Parameters[name], name).toBeDefined();
    }
    expect(configuration.Parameters.ScheduleExpression).toBe('rate(1 day)');
    // BatchDataUrl reaches the Transform step of the preprod definition (anchors 3.5 #2: the reference ignored it).
    const preprod = s3.puts.find((p) => p.Key === result.definitionKeys.preprod)!;
    expect(preprod.Body).toContain('"TransformInput":{"DataSource":{"S3DataSource":{"S3DataType":"S3Prefix","S3Uri":{"Get":"Parameters.BatchDataUrl"}}}');
    // No Elastic Inference accelerator (anchors 3.5 #5).
    expect(preprod.Body).not.toContain('AcceleratorType');
    expect(preprod.Body).toContain(`arn:aws:iam::${DUMMY_ACCOUNTS.staging}:role/abalone-p-abc123def456-preprod-sm-execution`);
  });

  it('fails the Build step on a bad stage file, naming the field (and uploads nothing)', async () => {
    const bad = prepareSeedCode(config, mkdtempSync(join(tmpdir(), 'seed-bad-')));
    const file = join(bad, 'config/preprod.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ProcessingInstanceType: 'm5.large' }));
    const s3 = recordingS3();
    await expect(buildRelease({ settings: promotionSettings(config, devRole) as PromotionSettings, sourceDir: bad, outputDir: join(bad, 'o'), s3: s3.client, log: () => {} })).rejects.toThrow(
      /config\/preprod\.json: ProcessingInstanceType expected an ML instance type/,
    );
    expect(s3.puts).toEqual([]);
  });
});
