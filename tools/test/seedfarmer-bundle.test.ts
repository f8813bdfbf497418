import { execSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploySpecSchema } from '@sagemaker-mlops/config';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDeployment } from '../src/main-job/deployment';
import { readEnvFile } from '../src/main-job/env-file';
import { createSeedfarmerBundle, seedfarmerModuleFiles } from '../src/seedfarmer/bundle';
import { stageModule } from '../src/seedfarmer/stage';
import { REPO_ROOT } from '../src/workspace';

const { runs } = loadDeployment({
  deploymentPath: 'manifests/example/deployment.yaml',
  env: readEnvFile(join(REPO_ROOT, 'manifests/example/example.env')),
});
const apps = [...new Set(runs.map((r) => r.app))];
const workdir = mkdtempSync(join(tmpdir(), 'sf-bundle-'));
// npm reads its global config from <prefix>/etc/npmrc: keep the machine's (CA file, registry) when the prefix moves.
const globalConfig = execSync('npm config get globalconfig', { cwd: workdir, encoding: 'utf8' }).trim();
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

describe('Seedfarmer bundle filter', () => {
  it('drops hidden files and build, dist, node_modules and cdk.out paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-filter-'));
    for (const f of ['keep.ts', '.hidden', '.projen/tasks.json', 'dist/x.js', 'node_modules/a/index.js', 'cdk.out/m.json', 'src/build/y.ts', 'src/ok.ts']) {
      execSync(`mkdir -p "$(dirname '${join(dir, f)}')"`);
      writeFileSync(join(dir, f), 'x');
    }
    expect(seedfarmerModuleFiles(dir)).toEqual(['keep.ts', 'src/ok.ts']);
    rmSync(dir, { recursive: true, force: true });
  });
});

/**
 * Reproduces what Seedfarmer ships to CodeBuild for each app and runs the deployspec's install and
 * pre_build (synth) commands on it in an empty directory, with only the npm registry reachable.
 */
describe.each(apps)('apps/%s as a Seedfarmer module', (app) => {
  const appRuns = runs.filter((r) => r.app === app);
  const moduleDir = createBundleFor(app);
  const spec = deploySpecSchema.parse(parse(readFileSync(join(moduleDir, 'deployspec.yaml'), 'utf8')));
  const globalPrefix = join(workdir, `${app}-npm-global`);
  const shellEnv = {
    PATH: `${join(globalPrefix, 'bin')}:${process.env.PATH}`,
    HOME: process.env.HOME ?? workdir,
    // `npm install -g` lands in a throw-away prefix instead of the machine's.
    npm_config_prefix: globalPrefix,
    npm_config_globalconfig: globalConfig,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    // No AWS account here: the CLI must not wait for instance metadata.
    AWS_EC2_METADATA_DISABLED: 'true',
  };

  it('bundles without workspace links, the vendored libraries and no build output', () => {
    expect(existsSync(join(moduleDir, 'deployspec.yaml'))).toBe(true);
    expect(existsSync(join(moduleDir, 'vendor'))).toBe(true);
    expect(existsSync(join(moduleDir, 'node_modules'))).toBe(false);
    expect(existsSync(join(moduleDir, 'cdk.out'))).toBe(false);
    expect(existsSync(join(moduleDir, '.projen'))).toBe(false);
  });

  it('ships a manifest without dev dependencies and a lockfile that pins every package', () => {
    const manifest = JSON.parse(readFileSync(join(moduleDir, 'vendor', 'package.json'), 'utf8'));
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.dependencies['@sagemaker-mlops/config']).toMatch(/^file:vendor\/sagemaker-mlops-config-.*\.tgz$/);
    const lock = JSON.parse(readFileSync(join(moduleDir, 'vendor', 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/aws-cdk-lib'].version).toBe(manifest.dependencies['aws-cdk-lib']);
    expect(lock.packages['node_modules/@sagemaker-mlops/registry'].resolved).toMatch(/^file:vendor\//);
  });

  it('installs with the deployspec install commands', () => {
    for (const command of spec.deploy.phases.install?.commands ?? []) {
      execSync(command, { cwd: moduleDir, env: shellEnv, stdio: 'pipe', shell: '/bin/bash' });
    }
    const config = join(moduleDir, 'node_modules', '@sagemaker-mlops', 'config');
    expect(lstatSync(config).isSymbolicLink()).toBe(false);
    expect(existsSync(join(globalPrefix, 'bin', 'cdk'))).toBe(true);
  });

  it.each(appRuns.map((r) => [r.moduleName, r]))('synthesizes module %s with the deployspec pre_build commands', (_name, run) => {
    rmSync(join(moduleDir, 'cdk.out'), { recursive: true, force: true });
    for (const command of spec.deploy.phases.pre_build?.commands ?? []) {
      execSync(command, { cwd: moduleDir, env: { ...shellEnv, ...run.env }, stdio: 'pipe', shell: '/bin/bash' });
    }
    const manifest = JSON.parse(readFileSync(join(moduleDir, 'cdk.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.artifacts)).toContain(`mlops-example-${run.moduleName}`);
  });
});

function createBundleFor(app: string): string {
  const appDir = join(REPO_ROOT, 'apps', app);
  stageModule(appDir);
  const dataFiles = runs.filter((r) => r.app === app).flatMap((r) => r.dataFiles);
  return createSeedfarmerBundle({ moduleDir: appDir, projectRoot: REPO_ROOT, dataFiles, outDir: join(workdir, app) });
}
