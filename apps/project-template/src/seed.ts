import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
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
 * its package.json names, so `npm install` works in CodeBuild right after the project is created.
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
  return dir;
}

/** The package.json of a seed app, parsed. */
export function seedPackageJson(app: SeedApp, seedDir: string = SEED_CODE_DIR): { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; overrides?: Record<string, string> } {
  return JSON.parse(readFileSync(join(seedDir, `${app}-app`, 'package.json'), 'utf8'));
}

