import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePath } from '../src/bundles';

const packageRoot = join(__dirname, '..');
let workDir: string;

beforeAll(() => {
  execFileSync(process.execPath, [join(packageRoot, 'scripts', 'bundle.mjs')], { cwd: packageRoot, stdio: 'pipe' });
  workDir = mkdtempSync(join(tmpdir(), 'registry-bundle-'));
}, 120_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('bundles', () => {
  it('produces one self-contained bundle folder per tool', () => {
    expect(existsSync(join(packageRoot, 'bundles', 'promote', 'index.cjs'))).toBe(true);
    expect(bundlePath('promote')).toBe(join(packageRoot, 'bundles', 'promote'));
    expect(bundlePath('promote-cleanup')).toBe(join(packageRoot, 'bundles', 'promote-cleanup'));
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
});
