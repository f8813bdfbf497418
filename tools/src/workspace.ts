import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (tools/ lives directly under it). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** Scope of every workspace package. */
export const SCOPE = '@sagemaker-mlops/';

export interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
  readonly manifest: { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; private?: boolean };
}

/** Every workspace package by name (packages/*, apps/*, tools). */
export function workspacePackages(root = REPO_ROOT): Map<string, WorkspacePackage> {
  const dirs = ['packages', 'apps']
    .flatMap((group) => (existsSync(join(root, group)) ? readdirSync(join(root, group)).map((n) => join(root, group, n)) : []))
    .concat(join(root, 'tools'))
    .filter((dir) => existsSync(join(dir, 'package.json')));
  return new Map(
    dirs.map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return [manifest.name as string, { name: manifest.name as string, dir, manifest }];
    }),
  );
}

/**
 * The workspace libraries an app needs at run time, transitively, dependencies first.
 * Dev dependencies are left out: Seedfarmer's CodeBuild deletes them before installing.
 */
export function runtimeWorkspaceDeps(appDir: string, root = REPO_ROOT): WorkspacePackage[] {
  const all = workspacePackages(root);
  const ordered: WorkspacePackage[] = [];
  const visit = (deps: Record<string, string> | undefined) => {
    for (const name of Object.keys(deps ?? {}).filter((n) => n.startsWith(SCOPE)).sort()) {
      const pkg = all.get(name);
      if (!pkg) throw new Error(`${name} is not a workspace package`);
      if (ordered.includes(pkg)) continue;
      visit(pkg.manifest.dependencies);
      ordered.push(pkg);
    }
  };
  visit(JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')).dependencies);
  return ordered;
}
