import { existsSync, readFileSync } from 'node:fs';
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
  const project = readManifest(join(root, 'seedfarmer.yaml'), 'Seedfarmer project file', seedfarmerProjectSchema).project;
  const deploymentPath = resolve(root, options.deploymentPath);
  const deployment = readManifest(deploymentPath, 'deployment manifest', deploymentManifestSchema);
  const runs: ModuleRun[] = [];
  for (const group of deployment.groups) {
    const groupPath = resolve(root, group.path);
    if (!existsSync(groupPath)) {
      throw new Error(`${deploymentPath}: group ${group.name}: module manifest ${group.path} does not exist (${groupPath})`);
    }
    let modules: ReturnType<typeof parseModuleManifests>;
    try {
      modules = parseModuleManifests(readFileSync(groupPath, 'utf8'));
    } catch (error) {
      throw new Error(`${groupPath}: invalid module manifest of group ${group.name}:\n${describeError(error)}`);
    }
    for (const module of modules) {
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

/**
 * Reads and validates one YAML manifest; every failure names the file (missing, empty, not YAML, or
 * not the expected shape, one line per problem with its path in the document).
 */
export function readManifest<T>(
  path: string,
  what: string,
  schema: { safeParse(data: unknown): { success: true; data: T } | { success: false; error: unknown } },
): T {
  if (!existsSync(path)) throw new Error(`${what} ${path} does not exist`);
  const text = readFileSync(path, 'utf8');
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new Error(`${path}: not a YAML ${what}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (document === null || document === undefined) throw new Error(`${path}: the ${what} is empty`);
  const result = schema.safeParse(document);
  if (!result.success) throw new Error(`${path}: invalid ${what}:\n${describeError(result.error)}`);
  return result.data;
}

function describeError(error: unknown): string {
  const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (!issues) return `  ${(error as Error).message}`;
  return issues.map((i) => `  ${i.path.length ? i.path.map(String).join('.') : '(document)'}: ${i.message}`).join('\n');
}
