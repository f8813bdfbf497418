import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ML_ASSETS_DIR } from '@sagemaker-mlops/pipelines';
import { parseStageFile } from '@sagemaker-mlops/pipelines/lib/bin/pipeline-promotion/stage-file';
import type { BatchPromotionConfig, StageSettings } from './config';

/** The seed code shipped with the module: the files a created repository starts with. */
export const SEED_CODE_DIR = join(__dirname, '..', 'seed-code');
/** Where the repository keeps what (the Build step's settings). */
export const REPOSITORY_LAYOUT = {
  pipelineSource: 'pipelines/batch-inference/pipeline.ts',
  scriptsDir: 'pipelines/batch-inference/scripts',
  configDir: 'config',
  dataDir: 'data',
} as const;

/** The seed's stage values (deploy_target/*-config.tfvars.json), with the data in that stage's own bucket. */
export function seedStageFile(stage: StageSettings): Record<string, string> {
  const base = `s3://${stage.bucketName}/${stage.sagemakerPipelineName}/data`;
  return {
    ProcessingInstanceCount: '1',
    ProcessingInstanceType: 'ml.m5.large',
    InferenceInstanceCount: '1',
    InferenceInstanceType: 'ml.m5.large',
    TrainingInstanceCount: '1',
    MseThreshold: '8.0',
    // The reference pointed both at a public bucket of us-east-1, one URL with a space and one without s3://.
    InputDataUrl: `${base}/abalone.csv`,
    BatchDataUrl: `${base}/batch/`,
    ScheduleExpressionforPipeline: '1 day',
  };
}

/**
 * Writes the seed code of a created repository: the pipeline source and README of `seed-code/`, the ML scripts and
 * sample data of `@sagemaker-mlops/pipelines` (one copy, not a fork), and one stage file per stage. Returns the
 * folder, which `codecommit.Code.fromDirectory` zips as an asset.
 */
export function prepareSeedCode(config: BatchPromotionConfig, outDir?: string): string {
  const dir = outDir ?? mkdtempSync(join(tmpdir(), 'batch-promotion-seed-'));
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(SEED_CODE_DIR, dir, { recursive: true });
  const scripts = join(dir, REPOSITORY_LAYOUT.scriptsDir);
  mkdirSync(scripts, { recursive: true });
  for (const script of ['preprocess.py', 'evaluate.py']) cpSync(join(ML_ASSETS_DIR, script), join(scripts, script));
  if (existsSync(join(ML_ASSETS_DIR, 'data'))) cpSync(join(ML_ASSETS_DIR, 'data'), join(dir, REPOSITORY_LAYOUT.dataDir), { recursive: true });
  mkdirSync(join(dir, REPOSITORY_LAYOUT.configDir), { recursive: true });
  for (const stage of config.stages) {
    const file = `${REPOSITORY_LAYOUT.configDir}/${stage.name}.json`;
    const text = `${JSON.stringify(seedStageFile(stage), null, 2)}\n`;
    // The seeded file passes the Build step's own check.
    const parsed = parseStageFile(text, file);
    if (!parsed.ok) throw new Error(`seed ${file}: ${parsed.problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
    writeFileSync(join(dir, file), text);
  }
  return dir;
}
