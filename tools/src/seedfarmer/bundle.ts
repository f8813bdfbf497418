import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Path fragments Seedfarmer's bundler drops (seedfarmer/mgmt/bundle.py, BUNDLE_IGNORED_FILE_PATHS). */
export const SEEDFARMER_IGNORED_PATHS = [
  '/build/',
  '/.mypy_cache/',
  '.egg-info',
  '__pycache__',
  '/.seedfarmer.out/',
  '/dist/',
  '/node_modules/',
  '/cdk.out/',
];

/**
 * Lists the files Seedfarmer puts in a module bundle: Python's `glob('**', recursive=True)`
 * skips every hidden file and folder, and any path containing an ignored fragment is dropped.
 */
export function seedfarmerModuleFiles(moduleDir: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      if (entry.startsWith('.')) continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (SEEDFARMER_IGNORED_PATHS.every((fragment) => !path.includes(fragment))) files.push(path);
    }
  };
  walk(moduleDir);
  return files.map((f) => relative(moduleDir, f));
}

export interface BundleOptions {
  /** The module folder (the manifest's `path`), absolute. */
  readonly moduleDir: string;
  /** The Seedfarmer project root (holds seedfarmer.yaml; dataFiles are relative to it). */
  readonly projectRoot: string;
  /** The module manifest's dataFiles, relative to the project root. */
  readonly dataFiles?: readonly string[];
  /** Where to write the bundle; the result is `<outDir>/bundle`. */
  readonly outDir: string;
}

/**
 * Reproduces what Seedfarmer uploads to CodeBuild (seedfarmer/deployment/deploy_remote.py):
 * `bundle/module/<module files>`, `bundle/module/<dataFile path>` and `bundle/seedfarmer.yaml`.
 * CodeBuild then runs every deployspec phase from `bundle/module`.
 *
 * @returns the folder the deployspec commands run in (`<outDir>/bundle/module`)
 */
export function createSeedfarmerBundle(options: BundleOptions): string {
  const moduleOut = join(options.outDir, 'bundle', 'module');
  const copy = (from: string, to: string) => {
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  };
  for (const file of seedfarmerModuleFiles(options.moduleDir)) copy(join(options.moduleDir, file), join(moduleOut, file));
  for (const file of options.dataFiles ?? []) copy(join(options.projectRoot, file), join(moduleOut, file));
  copy(join(options.projectRoot, 'seedfarmer.yaml'), join(options.outDir, 'bundle', 'seedfarmer.yaml'));
  return moduleOut;
}
