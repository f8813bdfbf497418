import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODULE_LOCKFILE, MODULE_MANIFEST, stageModules } from '../src/seedfarmer/stage';
import { REPO_ROOT } from '../src/workspace';

/** An app folder outside the repository with a real app's package.json: staging writes only its vendor/. */
function appCopy(app: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'stage-test-')), app);
  mkdirSync(dir);
  copyFileSync(join(REPO_ROOT, 'apps', app, 'package.json'), join(dir, 'package.json'));
  return dir;
}

const lock = (dir: string) => JSON.parse(readFileSync(join(dir, MODULE_LOCKFILE), 'utf8'));

describe('stageModules: the main job stages several apps at once', () => {
  it('packs each library once, vendors what each app needs, and reuses a lockfile while its inputs are unchanged', async () => {
    // GIVEN two apps sharing libraries
    const promote = appCopy('promote');
    const endpoint = appCopy('endpoint-deploy');

    // WHEN
    const staged = await stageModules([promote, endpoint]);

    // THEN each app's vendor/ holds its libraries' tarballs, and its lockfile pins them as file: tarballs
    for (const dir of [promote, endpoint]) {
      const files = staged.get(dir)!;
      expect(files).toContain('sagemaker-mlops-constructs-0.0.0.tgz');
      expect(readdirSync(join(dir, 'vendor')).filter((f) => f.endsWith('.tgz')).sort()).toEqual(files);
      const manifest = JSON.parse(readFileSync(join(dir, MODULE_MANIFEST), 'utf8'));
      expect(manifest.devDependencies).toBeUndefined();
      const packages = lock(dir).packages;
      for (const file of files) {
        const name = `@sagemaker-mlops/${file.replace(/^sagemaker-mlops-/, '').replace(/-0\.0\.0\.tgz$/, '')}`;
        expect(packages[`node_modules/${name}`]).toMatchObject({ resolved: `file:vendor/${file}`, integrity: expect.stringMatching(/^sha512-/) });
      }
      expect(packages['node_modules/aws-cdk-lib']).toMatchObject({ version: expect.any(String), integrity: expect.any(String) });
    }

    // WHEN staged again with nothing changed: the lockfile is not resolved again (a marker survives)
    const marked = { ...lock(promote), marker: 'kept' };
    writeFileSync(join(promote, MODULE_LOCKFILE), JSON.stringify(marked));
    await stageModules([promote]);
    expect(lock(promote).marker).toBe('kept');

    // and the two apps, which install the same tree, share one resolution under their own names
    const tree = (dir: string) => ({ ...lock(dir).packages, '': undefined });
    expect(tree(endpoint)).toEqual(tree(promote));
    expect(lock(endpoint)).toMatchObject({ name: '@sagemaker-mlops/endpoint-deploy', packages: { '': { name: '@sagemaker-mlops/endpoint-deploy' } } });

    // WHEN only the description changes: the same tree, still not resolved again
    const pkg = JSON.parse(readFileSync(join(promote, 'package.json'), 'utf8'));
    writeFileSync(join(promote, 'package.json'), JSON.stringify({ ...pkg, description: `${pkg.description} (changed)` }));
    await stageModules([promote]);
    expect(lock(promote).marker).toBe('kept');

    // WHEN a dependency changes: resolved again
    const { 'cdk-nag': _dropped, ...dependencies } = pkg.dependencies;
    writeFileSync(join(promote, 'package.json'), JSON.stringify({ ...pkg, dependencies }));
    await stageModules([promote]);
    expect(lock(promote).marker).toBeUndefined();
    expect(lock(promote).packages['node_modules/cdk-nag']).toBeUndefined();
    expect(lock(promote).packages[''].name).toBe('@sagemaker-mlops/promote');
  }, 240_000);
});
