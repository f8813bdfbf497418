import { ConfigError, type ConfigIssue } from '../errors';
import { normalizeParameterName } from '../loader';
import { partitionOfRegion } from '../primitives';
import { formatPath } from '../private/paths';
import { pythonJsonDumps } from '../private/python-json';
import type { DeploymentManifest, RegionMapping, TargetAccountMapping } from './deployment-manifest';
import type { ModuleManifest } from './module-manifest';
import type { ModuleMetadataRef } from './value-ref';

/**
 * Input of {@link resolveModuleInvocation}.
 */
export interface ResolveModuleInvocationArgs {
  /** The project name from `seedfarmer.yaml`. */
  readonly project: string;
  /** The deployment manifest. */
  readonly deployment: DeploymentManifest;
  /** The name of the group the module belongs to. */
  readonly group: string;
  /** The module manifest. */
  readonly module: ModuleManifest;
  /** The environment Seedfarmer runs in: read for `valueFrom.envVariable` and `${VAR}`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Returns the value a `moduleMetadata` reference points at: the `key` of that module's
   * metadata, or the whole metadata when the reference has no key; `undefined` when it is not
   * available.
   *
   * @default - every moduleMetadata reference is reported as unresolvable
   */
  readonly moduleMetadata?: (ref: ModuleMetadataRef) => unknown;
}

/**
 * A parameter CodeBuild itself fetches when the build starts.
 */
export interface CodeBuildReference {
  /** The CodeBuild environment variable type. */
  readonly type: 'PARAMETER_STORE' | 'SECRETS_MANAGER';
  /** The SSM parameter name or the secret id. */
  readonly name: string;
}

/**
 * What Seedfarmer gives the CodeBuild run of one module.
 */
export interface ModuleInvocation {
  /** The target account id. */
  readonly account: string;
  /** The target region. */
  readonly region: string;
  /** The module path from the module manifest. */
  readonly path: string;
  /** The environment variables with plain values. */
  readonly env: Record<string, string>;
  /**
   * The environment variables CodeBuild resolves from Parameter Store or Secrets Manager
   * (`valueFrom.parameterStore` / `valueFrom.secretsManager`), by variable name.
   */
  readonly references: Record<string, CodeBuildReference>;
}

/**
 * Works out what Seedfarmer would hand one module's CodeBuild run: the target account and
 * region, and the environment (`SEEDFARMER_PROJECT_NAME`, `SEEDFARMER_DEPLOYMENT_NAME`,
 * `SEEDFARMER_MODULE_NAME` = `<group>-<module>`, one `SEEDFARMER_PARAMETER_<UPPER_SNAKE>` per
 * parameter, `AWS_PARTITION`, `CDK_DEFAULT_ACCOUNT`, `CDK_DEFAULT_REGION`, `AWS_REGION`,
 * `AWS_DEFAULT_REGION`). String parameter values are passed as is, all others as Python's
 * `json.dumps` would write them. Generic environment variables (`publishGenericEnvVariables`,
 * Seedfarmer's default) are assumed.
 *
 * Every reference that cannot be resolved is reported in one {@link ConfigError} naming the
 * module and the parameter.
 */
export function resolveModuleInvocation(args: ResolveModuleInvocationArgs): ModuleInvocation {
  const moduleId = `${args.group}-${args.module.name}`;
  const issues: ConfigIssue[] = [];
  const deployment = substituteEnv(args.deployment, args.env, [], issues, 'deployment manifest');
  const module = substituteEnv(args.module, args.env, [], issues, `module ${moduleId}`);

  if (!deployment.groups.some((g) => g.name === args.group)) {
    issues.push({
      path: 'group',
      received: args.group,
      message: `the deployment manifest has no group ${args.group} (groups: ${deployment.groups.map((g) => g.name).join(', ')}); fix the group name`,
    });
  }

  const deploymentName = resolveDeploymentName(deployment, args.env, issues);
  const mapping = findAccountMapping(deployment, module, moduleId, issues);
  const account = mapping ? resolveAccountId(mapping, args.env, issues) : undefined;
  const regionMapping = mapping ? findRegionMapping(mapping, module, moduleId, issues) : undefined;

  const env: Record<string, string> = {};
  const references: Record<string, CodeBuildReference> = {};
  module.parameters.forEach((parameter, index) => {
    const variable = `SEEDFARMER_PARAMETER_${normalizeParameterName(parameter.name).toUpperCase()}`;
    const where = formatPath(['parameters', index]);
    const fail = (message: string, received?: unknown): void => {
      issues.push({ path: where, received, message: `module ${moduleId}, parameter ${parameter.name}: ${message}` });
    };
    if (parameter.value !== undefined && parameter.value !== null) {
      env[variable] = encode(parameter.value);
      return;
    }
    const from = parameter.valueFrom;
    if (from?.envVariable !== undefined) {
      const value = args.env[from.envVariable];
      if (value === undefined) {
        fail(`the environment variable ${from.envVariable} is not set; set it before running Seedfarmer`);
      } else {
        env[variable] = value;
      }
    } else if (from?.moduleMetadata !== undefined) {
      const ref = from.moduleMetadata;
      const value = args.moduleMetadata?.(ref);
      if (value === undefined || value === null) {
        fail(
          `the metadata ${ref.key ? `key ${ref.key} ` : ''}of module ${ref.group}-${ref.name} is not available; ` +
            'deploy that module first (it must be in an earlier group)',
          ref,
        );
      } else {
        env[variable] = encode(value);
      }
    } else if (from?.parameterValue !== undefined) {
      const name = from.parameterValue;
      const value = regionMapping?.parametersRegional?.[name] ?? mapping?.parametersGlobal?.[name];
      if (value === undefined || value === null) {
        if (mapping && regionMapping) {
          fail(
            `the deployment manifest has no parameter ${name} in parametersRegional of ${mapping.alias}/${regionMapping.region} ` +
              `or parametersGlobal of ${mapping.alias}; add it there`,
          );
        }
      } else {
        env[variable] = encode(value);
      }
    } else if (from?.parameterStore !== undefined) {
      references[variable] = { type: 'PARAMETER_STORE', name: from.parameterStore };
    } else if (from?.secretsManager !== undefined) {
      references[variable] = { type: 'SECRETS_MANAGER', name: from.secretsManager };
    }
  });

  if (issues.length > 0 || account === undefined || regionMapping === undefined || deploymentName === undefined) {
    throw new ConfigError(`Seedfarmer invocation of module ${moduleId}`, issues);
  }

  const regionCode = regionMapping.region;
  Object.assign(env, {
    SEEDFARMER_PROJECT_NAME: args.project,
    SEEDFARMER_DEPLOYMENT_NAME: deploymentName,
    SEEDFARMER_MODULE_NAME: moduleId,
    AWS_PARTITION: partitionOfRegion(regionCode),
    CDK_DEFAULT_ACCOUNT: account,
    CDK_DEFAULT_REGION: regionCode,
    AWS_REGION: regionCode,
    AWS_DEFAULT_REGION: regionCode,
  });
  return { account, region: regionCode, path: module.path, env, references };
}

function encode(value: unknown): string {
  return typeof value === 'string' ? value : pythonJsonDumps(value);
}

/** Replaces `${VAR}` in every string, as Seedfarmer does when it loads a manifest. */
function substituteEnv<T>(
  value: T,
  env: Readonly<Record<string, string | undefined>>,
  path: ReadonlyArray<string | number>,
  issues: ConfigIssue[],
  what: string,
): T {
  if (typeof value === 'string') {
    return value.replace(/\$\{(.*?)\}/g, (whole, name: string) => {
      const replacement = env[name.trim()];
      if (replacement === undefined) {
        issues.push({
          path: formatPath(path),
          received: value,
          message: `${what} refers to the environment variable ${name.trim()}, which is not set; set it or remove \${${name}}`,
        });
        return whole;
      }
      return replacement;
    }) as T;
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => substituteEnv(item, env, [...path, index], issues, what)) as T;
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteEnv(item, env, [...path, key], issues, what)]),
    ) as T;
  }
  return value;
}

function resolveDeploymentName(
  deployment: DeploymentManifest,
  env: Readonly<Record<string, string | undefined>>,
  issues: ConfigIssue[],
): string | undefined {
  if (deployment.name !== undefined) {
    return deployment.name;
  }
  const generator = deployment.nameGenerator;
  if (!generator) {
    issues.push({ path: 'name', received: undefined, message: 'the deployment manifest has neither name nor nameGenerator; add name' });
    return undefined;
  }
  const part = (piece: typeof generator.prefix, key: string): string | undefined => {
    if (typeof piece === 'string') return piece;
    const value = env[piece.valueFrom.envVariable];
    if (value === undefined) {
      issues.push({
        path: `nameGenerator.${key}`,
        received: piece,
        message: `the environment variable ${piece.valueFrom.envVariable} is not set; set it so the deployment name can be generated`,
      });
    }
    return value;
  };
  const prefix = part(generator.prefix, 'prefix');
  const suffix = part(generator.suffix, 'suffix');
  return prefix === undefined || suffix === undefined ? undefined : `${prefix}${suffix}`;
}

function findAccountMapping(
  deployment: DeploymentManifest,
  module: ModuleManifest,
  moduleId: string,
  issues: ConfigIssue[],
): TargetAccountMapping | undefined {
  const aliases = deployment.targetAccountMappings.map((m) => m.alias).join(', ');
  if (module.targetAccount !== undefined) {
    const mapping = deployment.targetAccountMappings.find((m) => m.alias === module.targetAccount);
    if (!mapping) {
      issues.push({
        path: 'targetAccount',
        received: module.targetAccount,
        message: `module ${moduleId} targets the account alias ${module.targetAccount}, which the deployment manifest does not define (aliases: ${aliases})`,
      });
    }
    return mapping;
  }
  const mapping = deployment.targetAccountMappings.find((m) => m.default);
  if (!mapping) {
    issues.push({
      path: 'targetAccount',
      received: undefined,
      message: `module ${moduleId} has no targetAccount and no target account is the default; set targetAccount (one of ${aliases}) or mark one mapping default: true`,
    });
  }
  return mapping;
}

function resolveAccountId(
  mapping: TargetAccountMapping,
  env: Readonly<Record<string, string | undefined>>,
  issues: ConfigIssue[],
): string | undefined {
  const where = `targetAccountMappings[alias=${mapping.alias}].accountId`;
  let id: string | undefined;
  if (typeof mapping.accountId === 'object') {
    const variable = mapping.accountId.valueFrom.envVariable;
    id = env[variable];
    if (id === undefined) {
      issues.push({
        path: where,
        received: mapping.accountId,
        message: `the account id of ${mapping.alias} comes from the environment variable ${variable}, which is not set; set it`,
      });
      return undefined;
    }
  } else {
    id = String(mapping.accountId);
  }
  if (!/^\d{12}$/.test(id)) {
    const hint = typeof mapping.accountId === 'number' && id.length < 12
      ? 'quote the id in the manifest so YAML keeps its leading zeros'
      : 'an AWS account id is exactly 12 digits';
    issues.push({ path: where, received: id, message: `the account id of ${mapping.alias} is not a 12-digit AWS account id; ${hint}` });
    return undefined;
  }
  return id;
}

function findRegionMapping(
  mapping: TargetAccountMapping,
  module: ModuleManifest,
  moduleId: string,
  issues: ConfigIssue[],
): RegionMapping | undefined {
  const regions = mapping.regionMappings.map((r) => r.region).join(', ');
  if (module.targetRegion !== undefined) {
    const found = mapping.regionMappings.find((r) => r.region === module.targetRegion);
    if (!found) {
      issues.push({
        path: 'targetRegion',
        received: module.targetRegion,
        message: `module ${moduleId} targets region ${module.targetRegion}, which account ${mapping.alias} does not map (regions: ${regions}); add a regionMapping or fix targetRegion`,
      });
    }
    return found;
  }
  const found = mapping.regionMappings.find((r) => r.default);
  if (!found) {
    issues.push({
      path: 'targetRegion',
      received: undefined,
      message: `module ${moduleId} has no targetRegion and account ${mapping.alias} has no default region; set targetRegion (one of ${regions}) or mark one region default: true`,
    });
  }
  return found;
}
