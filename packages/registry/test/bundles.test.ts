import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePath } from '../src/bundles';

const packageRoot = join(__dirname, '..');
let workDir: string;

beforeAll(() => {
  execFileSync(process.execPath, [join(packageRoot, '..', '..', 'tools', 'scripts', 'bundle.mjs')], { cwd: packageRoot, stdio: 'pipe' });
  workDir = mkdtempSync(join(tmpdir(), 'registry-bundle-'));
}, 120_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('bundles', () => {
  it('produces one self-contained bundle folder per tool', () => {
    expect(existsSync(join(packageRoot, 'bundles', 'promote', 'index.cjs'))).toBe(true);
    expect(bundlePath('promote')).toBe(join(packageRoot, 'bundles', 'promote'));
    expect(bundlePath('promote-cleanup')).toBe(join(packageRoot, 'bundles', 'promote-cleanup'));
    expect(bundlePath('endpoint-build')).toBe(join(packageRoot, 'bundles', 'endpoint-build'));
    expect(bundlePath('endpoint-test')).toBe(join(packageRoot, 'bundles', 'endpoint-test'));
    for (const name of ['endpoint-build', 'endpoint-test'] as const) {
      expect(existsSync(join(bundlePath(name), 'index.cjs'))).toBe(true);
    }
  });

  it('fails when a bundle is missing, saying to run compile', () => {
    expect(() => bundlePath('no-such-tool')).toThrow(/does not exist: run compile in packages\/registry/);
    expect(() => bundlePath('../etc')).toThrow(/Invalid bundle name/);
  });

  it('runs the promote bundle with node alone, failing on a missing environment with a report', () => {
    // WHEN the bundle runs with no configuration and no node_modules around it
    const result = spawnSync(process.execPath, [join(bundlePath('promote'), 'index.cjs')], {
      cwd: workDir,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });

    // THEN
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/promote failed: .*3 problems/);
    expect(result.stderr).toContain('SOURCE_MODEL_PACKAGE_GROUP_ARN is missing');
    expect(JSON.parse(readFileSync(join(workDir, 'promotion-report.json'), 'utf8'))).toMatchObject({ status: 'failed' });
  });

  it('exports the Lambda handler from the cleanup bundle', () => {
    const bundle = createRequire(__filename)(join(bundlePath('promote-cleanup'), 'index.cjs'));
    expect(typeof bundle.handler).toBe('function');
  });

  it('runs the endpoint-build bundle, failing on invalid stage configurations before any AWS call', () => {
    // GIVEN a valid environment and a staging configuration with two mistakes
    const dir = mkdtempSync(join(workDir, 'build-'));
    writeFileSync(join(dir, 'staging-config.json'), '{"InstanceType": "ml.m5.large", "InstanceCount": 0, "Variant": "Blue"}');

    // WHEN
    const result = spawnSync(process.execPath, [join(bundlePath('endpoint-build'), 'index.cjs')], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'eu-west-1',
        MODEL_PACKAGE_GROUP_NAME: 'churn',
        STAGES: '["staging"]',
        SAGEMAKER_PROJECT_NAME: 'churn',
        SAGEMAKER_PROJECT_ID: 'p-abc123',
      },
      encoding: 'utf8',
    });

    // THEN
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('endpoint-build failed: staging-config.json in the deploy repository has 2 problems');
    expect(result.stderr).toContain('InstanceCount: must be an integer from 1 to 100');
    expect(result.stderr).toContain('unknown key "Variant"');
    expect(existsSync(join(dir, 'pipeline-variables.env'))).toBe(false);
  });

  it('runs the endpoint-test bundle, writing a failed JSON report and JUnit file when the environment is missing', () => {
    const dir = mkdtempSync(join(workDir, 'test-'));

    const result = spawnSync(process.execPath, [join(bundlePath('endpoint-test'), 'index.cjs')], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ENDPOINT_NAME: 'churn-staging', JUNIT_PATH: 'reports/junit.xml' },
      encoding: 'utf8',
    });

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/endpoint-test failed: FAILED: The endpoint-test command's environment has 4 problems/);
    const report = JSON.parse(readFileSync(join(dir, 'staging-test-report.json'), 'utf8'));
    expect(report).toMatchObject({ endpointName: 'churn-staging', passed: false, accounts: [] });
    expect(report.error).toContain('STAGE_ACCOUNTS is missing');
    expect(report.error).toContain('MODEL_PACKAGE_ARN is missing');
    const junit = readFileSync(join(dir, 'reports', 'junit.xml'), 'utf8');
    expect(junit).toContain('name="configuration"');
    expect(junit).toContain('<failure message="The endpoint-test command&apos;s environment has 4 problems');
  });
});
