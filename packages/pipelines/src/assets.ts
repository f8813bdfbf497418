import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The package root: lib/assets.js and src/assets.ts are both one level below it. */
const ROOT = join(__dirname, '..');

/** The ML scripts and sample data of the seed pipelines (`ml/`: preprocess.py, evaluate.py, data/). */
export const ML_ASSETS_DIR = join(ROOT, 'ml');

/** The bundled tools of this package, each a self-contained `bundles/<tool>/index.cjs`. */
export type PipelinesTool = 'pipeline-run' | 'pipeline-promotion';

/**
 * The folder `bundles/<tool>/` holding a tool's self-contained `index.cjs`: ship it as a CDK asset,
 * run `node index.cjs` in CodeBuild.
 *
 * @throws Error when the bundle is missing (the package was not compiled)
 */
export function pipelinesBundlePath(tool: PipelinesTool): string {
  const folder = join(ROOT, 'bundles', tool);
  if (!existsSync(join(folder, 'index.cjs'))) {
    throw new Error(`Bundle ${join(folder, 'index.cjs')} does not exist: run compile in packages/pipelines (npx projen compile)`);
  }
  return folder;
}

/** The run tool's bundle folder (upsert, start and wait for a pipeline execution). */
export function pipelineRunBundlePath(): string {
  return pipelinesBundlePath('pipeline-run');
}

/** The batch-promotion tool's bundle folder (its Build and RunInDev steps). */
export function promotionBundlePath(): string {
  return pipelinesBundlePath('pipeline-promotion');
}

/** A local file or folder and where it goes in S3 (a folder's files keep their relative paths under the prefix). */
export interface Upload {
  readonly localPath: string;
  readonly s3Uri: string;
}

/**
 * What the seed pipelines expect in the artifact bucket before they run: the scripts under
 * `s3://<bucket>/<pipeline>/code/`, the sample data under `s3://<bucket>/<pipeline>/data/`.
 */
export function seedUploads(bucket: string, pipelineName: string): Upload[] {
  const base = `s3://${bucket}/${pipelineName}`;
  return [
    { localPath: join(ML_ASSETS_DIR, 'preprocess.py'), s3Uri: `${base}/code/preprocess.py` },
    { localPath: join(ML_ASSETS_DIR, 'evaluate.py'), s3Uri: `${base}/code/evaluate.py` },
    { localPath: join(ML_ASSETS_DIR, 'data'), s3Uri: `${base}/data/` },
  ];
}
