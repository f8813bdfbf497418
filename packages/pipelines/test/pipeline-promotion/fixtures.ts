import { DUMMY_ACCOUNTS, DUMMY_REGION } from '@sagemaker-mlops/test-utils';
import type { PromotionSettings } from '../../src/bin/pipeline-promotion/build';

/** Shared by the pipeline-promotion tests: a dev account promoting `abalone-p-1` to pre-prod (and prod). */
export const DEV = DUMMY_ACCOUNTS.tooling;
export const BUCKET = `p-1-dev-artifacts-${DEV}`;
export const role = (account: string, stage: string) => `arn:aws:iam::${account}:role/abalone-p-1-${stage}-sm-execution`;

/** The seed's stage values, with the reference's URLs fixed. */
export const STAGE_FILE = {
  ProcessingInstanceCount: '1',
  ProcessingInstanceType: 'ml.m5.large',
  InferenceInstanceCount: '1',
  InferenceInstanceType: 'ml.m5.large',
  TrainingInstanceCount: '1',
  MseThreshold: '8.0',
  InputDataUrl: 's3://p-1-preprod-artifacts-333333333333/abalone-p-1-preprod-pipeline/data/abalone.csv',
  BatchDataUrl: 's3://p-1-preprod-artifacts-333333333333/abalone-p-1-preprod-pipeline/data/batch/',
  ScheduleExpressionforPipeline: '1 day',
};

/** The pre-prod stage of the settings. */
export const PREPROD_STAGE: PromotionSettings['stages'][number] = {
  name: 'preprod',
  account: DUMMY_ACCOUNTS.staging,
  region: DUMMY_REGION,
  pipelineName: 'abalone-p-1-preprod-pipeline',
  roleArn: role(DUMMY_ACCOUNTS.staging, 'preprod'),
  bucket: 'p-1-preprod-artifacts-333333333333',
  createModelPackageGroup: true,
};

/** The Build tool's settings for the seeded repository layout, with the stages and tags given. */
export function promotionSettings(overrides: Pick<PromotionSettings, 'stages' | 'tags'> & Partial<PromotionSettings>): PromotionSettings {
  return {
    pipelineSource: 'pipelines/batch-inference/pipeline.ts',
    scriptsDir: 'pipelines/batch-inference/scripts',
    configDir: 'config',
    releaseBucket: BUCKET,
    releaseBucketOwner: DEV,
    modelPackageGroupName: 'abalone-p-1',
    dev: { region: DUMMY_REGION, pipelineName: 'abalone-p-1-dev-pipeline', roleArn: role(DEV, 'dev'), bucket: BUCKET },
    ...overrides,
  };
}
