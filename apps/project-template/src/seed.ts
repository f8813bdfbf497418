import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
 * The tarball of one library: from the staged module's `vendor/` folder when there is one (Seedfarmer, see
 * tools/src/seedfarmer/stage.ts), else packed from the workspace once per process (development, tests).
 */
export function libraryTarball(library: string): string {
  const cached = packed.get(library);
  if (cached) return cached;
  const vendor = join(MODULE_DIR, 'vendor');
  const staged = existsSync(vendor) ? readdirSync(vendor).find((f) => f.startsWith(`sagemaker-mlops-${library}-`) && f.endsWith('.tgz')) : undefined;
  let file: string;
  if (staged) {
    file = join(vendor, staged);
  } else {
    const dir = join(PACKAGES_DIR, library);
    if (!existsSync(join(dir, 'lib'))) {
      throw new Error(`@sagemaker-mlops/${library} is neither staged in ${vendor} nor compiled in ${dir}: run "npx nx run-many -t compile" first`);
    }
    const out = mkdtempSync(join(tmpdir(), `seed-${library}-`));
    const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .trim()
      .split('\n')
      .pop()!;
    file = join(out, name);
  }
  packed.set(library, file);
  return file;
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

