import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/workspace';

const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);

/** Where 12-digit literals are expected: example configuration and test fixtures. */
const ACCOUNT_LITERALS_ALLOWED = [
  /^manifests\//,
  /^examples\/config\//, // config-file examples of the READMEs (CDK CLI without Seedfarmer)
  /^packages\/test-utils\//,
  /(^|\/)fixtures?\//, // fixtures of tests and benchmarks
  /(^|\/)test\//,
  /\.test\.ts$/,
  /^package-lock\.json$/,
  /\.md$/,
  // AWS-owned registries of the SageMaker framework images: a published data table (source cited in the file), not accounts of ours.
  /^packages\/pipelines\/src\/images\/registry-accounts\.ts$/,
];

const SOURCE = /\.(ts|mts|js|mjs|cjs|json|ya?ml)$/;

describe('repository hygiene', () => {
  it('has no 12-digit account literal outside config examples and test fixtures', () => {
    // GIVEN every tracked or new file
    const offenders = tracked
      .filter((f) => SOURCE.test(f) && !ACCOUNT_LITERALS_ALLOWED.some((allowed) => allowed.test(f)))
      .flatMap((file) =>
        readFileSync(join(REPO_ROOT, file), 'utf8')
          .split('\n')
          .map((line, i) => ({ file, line: i + 1, text: line }))
          .filter(({ text }) => /\b\d{12}\b/.test(text)),
      )
      .map(({ file, line, text }) => `${file}:${line}: ${text.trim()}`);
    // THEN none holds an account id
    expect(offenders).toEqual([]);
  });

  it('has no hand-written partition in source code', () => {
    const offenders = tracked
      .filter((f) => /\/src\/.*\.ts$/.test(f))
      .filter((file) => /['"`]arn:aws(-[a-z-]+)?:/.test(readFileSync(join(REPO_ROOT, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('never installs an unpinned CDK CLI', () => {
    // Commands live in generated YAML/JSON (deployspecs, projen tasks) and CI scripts.
    const offenders = tracked
      .filter((f) => /\.(ya?ml|json|sh)$/.test(f) || f === '.ci/run')
      .filter((file) => /aws-cdk@latest|install -g aws-cdk(?!@\d)/.test(readFileSync(join(REPO_ROOT, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('targets Node.js 22 or newer for code that runs in AWS', () => {
    const offenders = tracked
      .filter((f) => /\/src\/.*\.ts$/.test(f))
      .filter((file) => /NODEJS_(1\d|20)_X/.test(readFileSync(join(REPO_ROOT, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('does not let a package pass without tests', () => {
    const configs = tracked.filter((f) => /(^|\/)\.projen\/tasks\.json$/.test(f) || /(^|\/)package\.json$/.test(f));
    expect(configs.length).toBeGreaterThan(8);
    const offenders = configs.filter((file) => readFileSync(join(REPO_ROOT, file), 'utf8').includes('passWithNoTests'));
    expect(offenders).toEqual([]);
  });
});

describe('first-hour docs', () => {
  it('has no placeholder README and no table row pointing at folders outside the repository', () => {
    expect(readFileSync(join(REPO_ROOT, 'tools/README.md'), 'utf8')).not.toMatch(/replace this/i);
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).not.toContain('../shared/seeds');
  });
});

describe('npm install scripts', () => {
  it('allows every dependency install script explicitly, so npm ci does not warn (npm docs: allow-scripts, package.json#allowScripts)', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(pkg.allowScripts).toEqual({ esbuild: true, nx: true });
    const pending = spawnSync('npm', ['install-scripts', 'ls'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(pending.stdout + pending.stderr).toContain('No packages with unreviewed install scripts.');
  }, 60_000);
});
