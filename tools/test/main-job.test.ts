import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeployment } from '../src/main-job/deployment';
import { readEnvFile } from '../src/main-job/env-file';
import { synthModule } from '../src/main-job/synth';
import { REPO_ROOT } from '../src/workspace';

const { runs } = loadDeployment({
  deploymentPath: 'manifests/example/deployment.yaml',
  env: readEnvFile(join(REPO_ROOT, 'manifests/example/example.env')),
});
const pipeline = runs.find((r) => r.moduleName === 'promote-pipeline')!;

describe('main job', () => {
  it('synthesizes a module with Seedfarmer variables into a cloud assembly and counts what it made', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'main-job-'));
    const result = await synthModule(pipeline, outdir);
    expect(result.ok).toBe(true);
    expect(result.stacks).toEqual(['mlops-example-promote-pipeline']);
    expect(result.resources).toBeGreaterThan(10);
    expect(result.nagFindings).toBe(0);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    expect(manifest.artifacts['mlops-example-promote-pipeline'].environment).toBe(`aws://${pipeline.account}/${pipeline.region}`);
  });

  it('fails a module whose parameters are invalid, with the app\'s own error and no template', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'main-job-bad-'));
    const bad = { ...pipeline, env: { ...pipeline.env, SEEDFARMER_PARAMETER_TARGET_BUCKET_NAME: 'Not_A_Bucket' } };
    const result = await synthModule(bad, outdir);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/target_bucket_name: .*Not_A_Bucket/);
    expect(result.stacks).toEqual([]);
  });

  it('does not let variables of the calling shell leak into a module', async () => {
    process.env.SEEDFARMER_PARAMETER_TARGET_BUCKET = 'leaked';
    try {
      const result = await synthModule(pipeline, mkdtempSync(join(tmpdir(), 'main-job-leak-')));
      expect(result.ok).toBe(true);
    } finally {
      delete process.env.SEEDFARMER_PARAMETER_TARGET_BUCKET;
    }
  });
});
