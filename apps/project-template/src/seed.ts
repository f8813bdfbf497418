import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The module folder (apps/project-template, or the staged Seedfarmer module). */
const MODULE_DIR = join(__dirname, '..');
/** The seed code shipped with the module: what a project's two repositories start with. */
export const SEED_CODE_DIR = join(MODULE_DIR, 'seed-code');
/** The workspace packages (development checkout). */
const PACKAGES_DIR = join(MODULE_DIR, '..', '..', 'packages');

/** The libraries each seed app installs from `vendor/`: no registry serves `@sagemaker-mlops/*`. */
export const SEED_LIBRARIES = {
  build: ['pipelines'],
  // constructs and its workspace dependencies (registry for the latest-approved lookup).
  deploy: ['config', 'constructs', 'events', 'iam', 'registry'],
} as const;

export type SeedApp = keyof typeof SEED_LIBRARIES;

const packed = new Map<string, string>();

/**
 * Where packed workspace libraries are kept, shared by every process of this machine (test workers, synths):
 * `<library>-<sha256 of the tarball>.tgz`, each written whole by an atomic rename.
 */
export const TARBALL_CACHE_DIR = join(tmpdir(), 'sagemaker-mlops-seed-tarballs');

/**
 * The tarball of one library: packed from the workspace in a development checkout (tests, local synths), else
 * from the staged module's `vendor/` folder (Seedfarmer, see tools/src/seedfarmer/stage.ts).
 *
 * The workspace wins when it is there: the Seedfarmer staging rewrites `vendor/` of this folder while the
 * modules synthesize, so a checkout must never read it. Packing is safe when several processes pack the
 * same library at once: each packs into a folder of its own, and the tarball reaches the shared cache by
 * `rename`, which replaces the name atomically (POSIX rename(2)); a reader sees a complete file or none.
 * npm pack is reproducible, so concurrent packs of the same sources produce the same name and bytes.
 */
export function libraryTarball(library: string): string {
  const cached = packed.get(library);
  if (cached) return cached;
  const dir = join(PACKAGES_DIR, library);
  let file: string;
  if (existsSync(join(dir, 'package.json'))) {
    if (!existsSync(join(dir, 'lib'))) throw new Error(`@sagemaker-mlops/${library} is not compiled (no ${join(dir, 'lib')}): run "npx nx run-many -t compile" first`);
    file = packIntoCache(library, dir);
  } else {
    const vendor = join(MODULE_DIR, 'vendor');
    const staged = existsSync(vendor) ? readdirSync(vendor).find((f) => f.startsWith(`sagemaker-mlops-${library}-`) && f.endsWith('.tgz')) : undefined;
    if (!staged) throw new Error(`@sagemaker-mlops/${library} is neither in the workspace (${dir}) nor staged in ${vendor}: stage the module first`);
    file = join(vendor, staged);
  }
  packed.set(library, file);
  return file;
}

function packIntoCache(library: string, dir: string): string {
  mkdirSync(TARBALL_CACHE_DIR, { recursive: true });
  // A private folder on the cache's file system: rename(2) is atomic only within one file system.
  const scratch = mkdtempSync(join(TARBALL_CACHE_DIR, `.pack-${library}-`));
  try {
    const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', scratch], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .trim()
      .split('\n')
      .pop()!;
    const tarball = join(scratch, name);
    const digest = createHash('sha256').update(readFileSync(tarball)).digest('hex');
    const file = join(TARBALL_CACHE_DIR, `${library}-${digest}.tgz`);
    renameSync(tarball, file);
    return file;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Writes the seed code of one repository into `outDir` (a fresh temporary folder unless given): the module's
 * `seed-code/<app>-app/` folder plus `vendor/sagemaker-mlops-<library>.tgz` for each library it uses, which
 * its package.json names, and the `package-lock.json` resolved from them, so `npm ci` works in CodeBuild right
 * after the project is created.
 */
export function prepareSeedCode(app: SeedApp, outDir?: string, seedDir: string = SEED_CODE_DIR): string {
  const source = join(seedDir, `${app}-app`);
  if (!existsSync(join(source, 'README.md'))) throw new Error(`The seed code folder ${source} has no README.md: the module folder is incomplete`);
  const dir = outDir ?? mkdtempSync(join(tmpdir(), `project-template-${app}-seed-`));
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The seed as a user clones it: no installed dependencies or build output of a local run.
  cpSync(source, dir, { recursive: true, filter: (path) => !/[\\/](node_modules|cdk\.out|vendor)([\\/]|$)/.test(path.slice(source.length)) });
  mkdirSync(join(dir, 'vendor'), { recursive: true });
  for (const library of SEED_LIBRARIES[app]) copyFileSync(libraryTarball(library), join(dir, 'vendor', `sagemaker-mlops-${library}.tgz`));
  copyFileSync(seedLockfile(app, dir), join(dir, SEED_LOCKFILE));
  return dir;
}

/** The lockfile each seed ships: its Build runs `npm ci`, so every project installs the tree tested here. */
export const SEED_LOCKFILE = 'package-lock.json';

/**
 * A starting lockfile for a seed's resolution: every registry package of this repository's own lockfile (the
 * workspace root's in a checkout, the staged module's `vendor/package-lock.json` in Seedfarmer). npm keeps a
 * locked version that satisfies the seed's range and prunes the rest, so the seed installs the versions this
 * repository was tested with (not whatever the registry has newest), and a warm npm cache serves them.
 * The workspace's own libraries are left out: the seed resolves them from its vendored tarballs.
 */
function pinnedVersions(name: string): object | undefined {
  const source = [join(MODULE_DIR, '..', '..', 'package-lock.json'), join(MODULE_DIR, 'vendor', 'package-lock.json')].find((f) => existsSync(f));
  if (!source) return undefined;
  const lock = JSON.parse(readFileSync(source, 'utf8')) as { packages?: Record<string, { link?: boolean; resolved?: string }> };
  const packages = Object.entries(lock.packages ?? {}).filter(
    ([path, entry]) => path.startsWith('node_modules/') && !path.includes('@sagemaker-mlops/') && !entry.link && !entry.resolved?.startsWith('file:'),
  );
  return { name, lockfileVersion: 3, requires: true, packages: { '': { name }, ...Object.fromEntries(packages) } };
}

/**
 * The lockfile of a prepared seed folder (package.json + vendor/*.tgz), resolved like the Seedfarmer staging
 * resolves a module's (tools/src/seedfarmer/stage.ts): `npm install --package-lock-only --ignore-scripts` in
 * a scratch folder outside the workspace, so npm neither installs anything nor sees the monorepo's
 * workspaces. Cached by the digest of the manifest and the tarballs, and published by rename (see
 * libraryTarball): the same inputs resolve once per machine, and a concurrent reader never sees half a file.
 */
function seedLockfile(app: SeedApp, dir: string): string {
  const manifest = readFileSync(join(dir, 'package.json'));
  const tarballs = SEED_LIBRARIES[app].map((library) => `sagemaker-mlops-${library}.tgz`);
  const pinned = pinnedVersions(JSON.parse(manifest.toString('utf8')).name);
  const hash = createHash('sha256').update(manifest).update(JSON.stringify(pinned ?? null));
  for (const file of tarballs) hash.update(`\0${file}\0`).update(readFileSync(join(dir, 'vendor', file)));
  const cached = join(TARBALL_CACHE_DIR, `lock-${app}-${hash.digest('hex')}.json`);
  if (existsSync(cached)) return cached;

  mkdirSync(TARBALL_CACHE_DIR, { recursive: true });
  const scratch = mkdtempSync(join(TARBALL_CACHE_DIR, `.lock-${app}-`));
  try {
    mkdirSync(join(scratch, 'vendor'));
    for (const file of tarballs) copyFileSync(join(dir, 'vendor', file), join(scratch, 'vendor', file));
    copyFileSync(join(dir, 'package.json'), join(scratch, 'package.json'));
    if (pinned) writeFileSync(join(scratch, SEED_LOCKFILE), JSON.stringify(pinned));
    // --prefer-offline: the registry's metadata from npm's cache when it has it (tests, repeated synths).
    execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: scratch,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    renameSync(join(scratch, SEED_LOCKFILE), cached);
    return cached;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The package.json of a seed app, parsed. */
export function seedPackageJson(app: SeedApp, seedDir: string = SEED_CODE_DIR): { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; overrides?: Record<string, string> } {
  return JSON.parse(readFileSync(join(seedDir, `${app}-app`, 'package.json'), 'utf8'));
}

