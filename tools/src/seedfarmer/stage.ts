import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runtimeWorkspaceDeps } from '../workspace';

/**
 * Packs the workspace libraries an app uses into `<app>/vendor/*.tgz`.
 *
 * Seedfarmer zips only the module folder, so the deployspec installs these tarballs instead of
 * resolving `@sagemaker-mlops/*` from a registry that does not serve them.
 *
 * @returns the tarball file names
 */
export function stageModule(appDir: string, root = REPO_ROOT): string[] {
  const vendor = join(appDir, 'vendor');
  rmSync(vendor, { recursive: true, force: true });
  mkdirSync(vendor, { recursive: true });
  for (const pkg of runtimeWorkspaceDeps(appDir, root)) {
    if (!existsSync(join(pkg.dir, 'lib'))) {
      throw new Error(`${pkg.name} is not compiled (no ${join(pkg.dir, 'lib')}): run "npx nx run-many -t compile" first`);
    }
    execFileSync('npm', ['pack', '--silent', '--pack-destination', vendor], { cwd: pkg.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  }
  return readdirSync(vendor).filter((f) => f.endsWith('.tgz')).sort();
}
