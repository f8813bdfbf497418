import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runtimeWorkspaceDeps } from '../workspace';

/** The manifest and lockfile the deployspec installs the module from (`npm ci`). */
export const MODULE_MANIFEST = 'vendor/package.json';
export const MODULE_LOCKFILE = 'vendor/package-lock.json';

/**
 * Stages an app as a self-contained Seedfarmer module, in `<app>/vendor/`:
 * - the workspace libraries it uses, packed as `*.tgz` (Seedfarmer zips only the module folder, and no
 *   registry serves `@sagemaker-mlops/*`);
 * - `package.json` without dev dependencies, pointing at those tarballs, and its `package-lock.json`, so
 *   every deployment installs exactly the same tree with `npm ci`.
 *
 * @returns the tarball file names
 */
export function stageModule(appDir: string, root = REPO_ROOT): string[] {
  const vendor = join(appDir, 'vendor');
  rmSync(vendor, { recursive: true, force: true });
  mkdirSync(vendor, { recursive: true });
  const tarballs = new Map<string, string>();
  for (const pkg of runtimeWorkspaceDeps(appDir, root)) {
    if (!existsSync(join(pkg.dir, 'lib'))) {
      throw new Error(`${pkg.name} is not compiled (no ${join(pkg.dir, 'lib')}): run "npx nx run-many -t compile" first`);
    }
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', vendor], {
      cwd: pkg.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    tarballs.set(pkg.name, packed.trim().split('\n').pop()!);
  }
  lockModule(appDir, vendor, tarballs);
  return [...tarballs.values()].sort();
}

/** Resolves the module's install once, outside the workspace, into vendor/package.json + package-lock.json. */
function lockModule(appDir: string, vendor: string, tarballs: Map<string, string>) {
  const manifest = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'));
  delete manifest.devDependencies;
  delete manifest.scripts;
  delete manifest['//'];
  for (const [name, file] of tarballs) {
    if (manifest.dependencies?.[name] !== undefined) manifest.dependencies[name] = `file:vendor/${file}`;
  }
  // Workspace libraries that only other libraries depend on are pinned to their tarballs too.
  manifest.overrides = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:vendor/${file}`]));

  const scratch = mkdtempSync(join(tmpdir(), 'stage-module-'));
  try {
    mkdirSync(join(scratch, 'vendor'));
    for (const file of tarballs.values()) copyFileSync(join(vendor, file), join(scratch, 'vendor', file));
    writeFileSync(join(scratch, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: scratch,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    copyFileSync(join(scratch, 'package.json'), join(appDir, MODULE_MANIFEST));
    copyFileSync(join(scratch, 'package-lock.json'), join(appDir, MODULE_LOCKFILE));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
