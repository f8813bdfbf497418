import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The package root: lib/assets.js and src/assets.ts are both one level below it. */
const ROOT = join(__dirname, '..');

/** The ML scripts and sample data of the seed pipelines (`ml/`: preprocess.py, evaluate.py, data/). */
export const ML_ASSETS_DIR = join(ROOT, 'ml');

/**
 * The folder `bundles/pipeline-run/` holding the run tool's self-contained `index.cjs`: ship it as a
 * CDK asset, run `node index.cjs` in CodeBuild.
 *
 * @throws Error when the bundle is missing (the package was not compiled)
 */
export function pipelineRunBundlePath(): string {
  const folder = join(ROOT, 'bundles', 'pipeline-run');
  if (!existsSync(join(folder, 'index.cjs'))) {
    throw new Error(`Bundle ${join(folder, 'index.cjs')} does not exist: run compile in packages/pipelines (npx projen compile)`);
  }
  return folder;
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
