import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAGEMAKER_MODEL } from '../src/data/sagemaker-model';

const ROOT = join(__dirname, '..');
const installed = spawnSync('python3', ['-c', 'import botocore; print(botocore.__version__)'], { encoding: 'utf8' });
const sameBotocore = installed.status === 0 && SAGEMAKER_MODEL.source.startsWith(`botocore ${installed.stdout.trim()} `);

describe('data generated from the botocore SageMaker model', () => {
  it('holds the constraints the validation relies on', () => {
    expect(SAGEMAKER_MODEL.names.PipelineName).toEqual({ min: 1, max: 256, pattern: '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}' });
    expect(SAGEMAKER_MODEL.names.StepName).toMatchObject({ max: 64, pattern: '[A-Za-z0-9\\-_]*' });
    expect(SAGEMAKER_MODEL.pipelineDefinitionMaxLength).toBe(1_048_576);
    expect(SAGEMAKER_MODEL.instanceTypes.Processing).toContain('ml.m5.large');
  });

  // Skipped where another botocore is installed: the file names the version it came from.
  it.skipIf(!sameBotocore)('fails when src/data/sagemaker-model.ts or the request shapes were edited by hand (regenerated, they are identical)', () => {
    const out = mkdtempSync(join(tmpdir(), 'sagemaker-model-'));
    execFileSync('python3', [join(ROOT, 'scripts', 'sagemaker-model.py'), out], { encoding: 'utf8' });
    for (const file of ['src/data/sagemaker-model.ts', 'test/fixtures/request-shapes.json']) {
      expect({ file, same: readFileSync(join(out, file), 'utf8') === readFileSync(join(ROOT, file), 'utf8') }).toEqual({ file, same: true });
    }
  });
});
