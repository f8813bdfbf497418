import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, runtimeWorkspaceDeps, type WorkspacePackage } from '../workspace';

/** The manifest and lockfile the deployspec installs the module from (`npm ci`). */
export const MODULE_MANIFEST = 'vendor/package.json';
export const MODULE_LOCKFILE = 'vendor/package-lock.json';
/** What the lockfile was resolved from: the manifest and the tarballs' digests (reused when unchanged). */
const STAGE_KEY = 'vendor/.stage-key';

const execFileAsync = promisify(execFile);

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
  const packed = packLibraries(runtimeWorkspaceDeps(appDir, root));
  try {
    const staged = prepareVendor(appDir, packed.dir, packed.tarballs);
    if (staged.resolve) {
      const scratch = resolveScratch(appDir, packed.dir, staged);
      try {
        execFileSync('npm', LOCK_ARGS, { cwd: scratch, stdio: ['ignore', 'ignore', 'pipe'] });
        writeLock(appDir, staged, readLock(scratch));
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    }
    return [...staged.tarballs.values()].sort();
  } finally {
    rmSync(packed.dir, { recursive: true, force: true });
  }
}

/**
 * `stageModule` for several apps, as the main job needs it: every library packed once (one `npm pack`
 * for all of them), one resolution per distinct install tree (apps with the same dependencies share
 * it), run concurrently without blocking the event loop, so the staging runs while the modules
 * synthesize (the synths read the workspace, never vendor/). A lockfile is reused when its app's
 * dependencies and tarballs are unchanged since it was resolved.
 *
 * @returns the tarball file names of each app
 */
export async function stageModules(appDirs: readonly string[], root = REPO_ROOT): Promise<Map<string, string[]>> {
  const deps = new Map(appDirs.map((app) => [app, runtimeWorkspaceDeps(app, root)]));
  const libraries = [...new Map([...deps.values()].flat().map((p) => [p.name, p])).values()];
  const packed = await packLibrariesAsync(libraries);
  try {
    const staged = appDirs.map((app) => {
      const tarballs = new Map(deps.get(app)!.map((p) => [p.name, packed.tarballs.get(p.name)!]));
      return [app, prepareVendor(app, packed.dir, tarballs)] as const;
    });
    // Apps that install the same tree (same dependencies, overrides and tarballs) share one resolution.
    const byKey = new Map<string, (readonly [string, Prepared])[]>();
    for (const entry of staged.filter(([, s]) => s.resolve)) byKey.set(entry[1].key, [...(byKey.get(entry[1].key) ?? []), entry]);
    await Promise.all(
      [...byKey.values()].map(async (group) => {
        const [first, prepared] = group[0];
        const scratch = resolveScratch(first, packed.dir, prepared);
        try {
          await execFileAsync('npm', LOCK_ARGS, { cwd: scratch });
          const resolved = readLock(scratch);
          for (const [app, s] of group) writeLock(app, s, resolved);
        } finally {
          rmSync(scratch, { recursive: true, force: true });
        }
      }),
    );
    return new Map(staged.map(([app, s]) => [app, [...s.tarballs.values()].sort()]));
  } finally {
    rmSync(packed.dir, { recursive: true, force: true });
  }
}

/** Resolves the install tree from the manifest and tarballs alone, as `npm ci` will install it. */
const LOCK_ARGS = ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'];

interface Packed {
  /** A temporary folder holding the tarballs. */
  readonly dir: string;
  /** Tarball file name by package name. */
  readonly tarballs: Map<string, string>;
}

function checkCompiled(pkgs: readonly WorkspacePackage[]) {
  for (const pkg of pkgs) {
    if (!existsSync(join(pkg.dir, 'lib'))) {
      throw new Error(`${pkg.name} is not compiled (no ${join(pkg.dir, 'lib')}): run "npx nx run-many -t compile" first`);
    }
  }
}

function packArgs(pkgs: readonly WorkspacePackage[], dir: string) {
  return ['pack', '--silent', '--pack-destination', dir, ...pkgs.map((p) => p.dir)];
}

function packed(pkgs: readonly WorkspacePackage[], dir: string, stdout: string): Packed {
  // npm pack prints one file name per package, in the order given.
  const files = stdout.trim().split('\n').filter(Boolean);
  if (files.length !== pkgs.length) throw new Error(`npm pack printed ${files.length} tarballs for ${pkgs.length} packages:\n${stdout}`);
  return { dir, tarballs: new Map(pkgs.map((p, i) => [p.name, files[i]])) };
}

function packLibraries(pkgs: readonly WorkspacePackage[]): Packed {
  checkCompiled(pkgs);
  const dir = mkdtempSync(join(tmpdir(), 'stage-pack-'));
  if (pkgs.length === 0) return { dir, tarballs: new Map() };
  return packed(pkgs, dir, execFileSync('npm', packArgs(pkgs, dir), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

async function packLibrariesAsync(pkgs: readonly WorkspacePackage[]): Promise<Packed> {
  checkCompiled(pkgs);
  const dir = mkdtempSync(join(tmpdir(), 'stage-pack-'));
  if (pkgs.length === 0) return { dir, tarballs: new Map() };
  return packed(pkgs, dir, (await execFileAsync('npm', packArgs(pkgs, dir), { encoding: 'utf8' })).stdout);
}

interface Prepared {
  readonly tarballs: Map<string, string>;
  /** The module manifest written to vendor/package.json. */
  readonly manifest: Record<string, any>;
  /**
   * What the install tree is resolved from: the manifest's dependencies, overrides and engines and the
   * tarballs' bytes, not its name or description (apps that differ only there install the same tree).
   */
  readonly key: string;
  /** Whether the lockfile must be resolved (false: the previous one was kept). */
  readonly resolve: boolean;
}

/**
 * Writes `<app>/vendor/`: the tarballs and the module manifest. The lockfile of the previous staging is
 * kept when the app's key is unchanged (npm pack is reproducible, so unchanged libraries give the same
 * bytes).
 */
function prepareVendor(appDir: string, packDir: string, tarballs: Map<string, string>): Prepared {
  const vendor = join(appDir, 'vendor');
  const manifest = moduleManifest(appDir, tarballs);
  const hash = createHash('sha256').update(JSON.stringify([manifest.dependencies, manifest.overrides, manifest.engines, manifest.license]));
  for (const [name, file] of [...tarballs].sort()) hash.update(`${name}\0${file}\0`).update(readFileSync(join(packDir, file)));
  const key = hash.digest('hex');
  const previous = existsSync(join(appDir, STAGE_KEY)) && existsSync(join(appDir, MODULE_LOCKFILE));
  const reusable = previous && readFileSync(join(appDir, STAGE_KEY), 'utf8') === key ? readFileSync(join(appDir, MODULE_LOCKFILE), 'utf8') : undefined;

  rmSync(vendor, { recursive: true, force: true });
  mkdirSync(vendor, { recursive: true });
  for (const file of tarballs.values()) copyFileSync(join(packDir, file), join(vendor, file));
  writeFileSync(join(appDir, MODULE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  const prepared = { tarballs, manifest, key, resolve: reusable === undefined };
  if (reusable !== undefined) writeLock(appDir, prepared, JSON.parse(reusable));
  return prepared;
}

/** A scratch folder outside the workspace with the manifest and tarballs, for `npm install --package-lock-only`. */
function resolveScratch(appDir: string, packDir: string, prepared: Prepared): string {
  const scratch = mkdtempSync(join(tmpdir(), 'stage-module-'));
  mkdirSync(join(scratch, 'vendor'));
  for (const file of prepared.tarballs.values()) copyFileSync(join(packDir, file), join(scratch, 'vendor', file));
  copyFileSync(join(appDir, MODULE_MANIFEST), join(scratch, 'package.json'));
  return scratch;
}

function readLock(dir: string): Record<string, any> {
  return JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
}

/**
 * Writes the app's lockfile from a tree resolved for the same key, with the app's own name, version and
 * license in its root entries (the only parts of a lockfile that come from fields outside the key).
 */
function writeLock(appDir: string, prepared: Prepared, resolved: Record<string, any>) {
  const { name, version, license } = prepared.manifest;
  const lock = { ...resolved, name, version, packages: { ...resolved.packages, '': { ...resolved.packages[''], name, version, license } } };
  writeFileSync(join(appDir, MODULE_LOCKFILE), `${JSON.stringify(lock, null, 2)}\n`);
  writeFileSync(join(appDir, STAGE_KEY), prepared.key);
}

/** The module's package.json: no dev dependencies, workspace libraries pointing at their tarballs. */
function moduleManifest(appDir: string, tarballs: Map<string, string>): Record<string, any> {
  const manifest = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'));
  delete manifest.devDependencies;
  delete manifest.scripts;
  delete manifest['//'];
  for (const [name, file] of tarballs) {
    if (manifest.dependencies?.[name] !== undefined) manifest.dependencies[name] = `file:vendor/${file}`;
  }
  // Workspace libraries that only other libraries depend on are pinned to their tarballs too.
  manifest.overrides = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:vendor/${file}`]));
  return manifest;
}
