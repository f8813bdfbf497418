import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  deploymentManifestSchema,
  parseModuleManifests,
  resolveModuleInvocation,
  seedfarmerProjectSchema,
} from '@sagemaker-mlops/config';
import { parse } from 'yaml';
import { REPO_ROOT } from '../workspace';

/** One module of the deployment, with what Seedfarmer would hand its CodeBuild job. */
export interface ModuleRun {
  readonly group: string;
  readonly module: string;
  /** `<group>-<module>`, as SEEDFARMER_MODULE_NAME. */
  readonly moduleName: string;
  /** Folder name of the app under apps/. */
  readonly app: string;
  readonly appDir: string;
  readonly account: string;
  readonly region: string;
  readonly env: Record<string, string>;
  readonly dataFiles: string[];
}

export interface LoadDeploymentOptions {
  readonly deploymentPath: string;
  /** Values for `valueFrom.envVariable` and `${VAR}` references, as `seedfarmer apply --env-file`. */
  readonly env: Record<string, string | undefined>;
  readonly root?: string;
}

/**
 * Expands a Seedfarmer deployment manifest into one run per module, in group order.
 * Module metadata of other modules only exists after a real deployment, so referencing it fails
 * here with a message saying so.
 */
export function loadDeployment(options: LoadDeploymentOptions): { project: string; runs: ModuleRun[] } {
  const root = options.root ?? REPO_ROOT;
  const project = seedfarmerProjectSchema.parse(parse(readFileSync(join(root, 'seedfarmer.yaml'), 'utf8'))).project;
  const deploymentPath = resolve(root, options.deploymentPath);
  const deployment = deploymentManifestSchema.parse(parse(readFileSync(deploymentPath, 'utf8')));
  const runs: ModuleRun[] = [];
  for (const group of deployment.groups) {
    const groupPath = resolve(root, group.path);
    for (const module of parseModuleManifests(readFileSync(groupPath, 'utf8'))) {
      const invocation = resolveModuleInvocation({
        project,
        deployment,
        group: group.name,
        module,
        env: options.env,
        moduleMetadata: (ref) => {
          throw new Error(
            `module ${group.name}-${module.name} reads metadata of module ${ref.group}-${ref.name}, which only exists after a real deployment`,
          );
        },
      });
      const appDir = resolve(root, invocation.path);
      const app = relative(join(root, 'apps'), appDir);
      if (app.startsWith('..') || app.includes('/')) {
        throw new Error(`module ${group.name}-${module.name}: path ${module.path} is not an app folder under apps/`);
      }
      runs.push({
        group: group.name,
        module: module.name,
        moduleName: `${group.name}-${module.name}`,
        app,
        appDir,
        account: invocation.account,
        region: invocation.region,
        env: invocation.env,
        dataFiles: (module.dataFiles ?? []).map((d) => d.filePath),
      });
    }
  }
  return { project, runs };
}
