import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { partialRecord, runResolver, type ModuleResolverFunction } from './cross-field';
import { ConfigError, issuesFromZod, type ConfigIssue } from './errors';
import { accountId, PARTITIONS, partitionOfRegion, region, resourceName } from './primitives';
import { splitArn } from './private/arn';
import { formatPath, jsonTypeOf } from './private/paths';
import { placeholderIssues } from './private/placeholders';

/**
 * Where a module is deployed, and under which names.
 */
export interface ModuleContext {
  /** The Seedfarmer project name. */
  readonly projectName: string;
  /** The Seedfarmer deployment name. */
  readonly deploymentName: string;
  /** The module name as Seedfarmer gives it: `<group>-<module>`. */
  readonly moduleName: string;
  /** The account to deploy to. */
  readonly account: string;
  /** The region to deploy to. */
  readonly region: string;
  /** `${projectName}-${deploymentName}-${moduleName}`, at most 128 characters. */
  readonly stackName: string;
  /**
   * The permissions boundary Seedfarmer asks every role of the module to carry.
   *
   * @default - no permissions boundary
   */
  readonly permissionsBoundaryArn?: string;
  /** Where the configuration came from. */
  readonly source: 'seedfarmer' | 'file';
  /**
   * What the configuration was read from, as every ConfigError about it is headed: the file's
   * absolute path, or `Seedfarmer parameters of module <SEEDFARMER_MODULE_NAME>`.
   */
  readonly configSource: string;
}

/**
 * Options of {@link loadModuleConfig}.
 */
export interface LoadOptions {
  /**
   * The app name; the module name of a file configuration defaults to it, and a `configPath`
   * directory is searched for `<appName>.yaml`, `<appName>.yml` or `<appName>.json`.
   */
  readonly appName: string;
  /**
   * The environment variables to read.
   *
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * The CDK context value `config`: a YAML or JSON file, or a directory holding
   * `<appName>.yaml|.yml|.json`. Relative paths resolve against the current directory.
   *
   * @default - read the Seedfarmer environment variables
   */
  readonly configPath?: string;
  /**
   * Accept well-known documentation and sample account ids (see PLACEHOLDER_ACCOUNTS). For test fixtures only.
   *
   * @default false
   */
  readonly allowPlaceholderAccounts?: boolean;
}

const PARAMETER_PREFIX = 'SEEDFARMER_PARAMETER_';

/**
 * Turns a parameter name into the form Seedfarmer's environment variables carry, lowercased:
 * `vpc-id`, `vpcId`, `VpcId` and `vpc_id` all become `vpc_id`.
 */
export function normalizeParameterName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase();
}

/**
 * The options of {@link loadModuleConfig} with the app's cross-field step.
 */
export interface LoadAndResolveOptions<P, R> extends LoadOptions {
  /**
   * The app's cross-field step (see `defineResolver`): run after the schema, with the parameters
   * and module fields that passed it, even when others failed; a check that reads a failed field
   * is skipped. Its problems join the schema's in the one ConfigError.
   */
  readonly resolve: ModuleResolverFunction<P, ModuleContext, R>;
}

/** What {@link loadModuleConfig} returns. */
export interface LoadedModuleConfig<P> {
  readonly module: ModuleContext;
  readonly parameters: P;
}

/**
 * Reads the module context and parameters of an app, from the Seedfarmer environment or from a
 * file, validates them with `schema` and, with `resolve`, runs the app's cross-field step.
 *
 * - `configPath` given: the file (or `<dir>/<appName>.yaml|.yml|.json`).
 * - otherwise `SEEDFARMER_PROJECT_NAME` set: the Seedfarmer environment; the account and region
 *   come from `CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION`.
 *
 * Validation is one phase: each top-level parameter (of an object schema, or of the branch of a
 * discriminated union that the discriminator selects) is parsed on its own, so the cross-field
 * step runs with every field that is valid; only the checks that read an invalid field are
 * skipped. Every problem (module fields, parameters, partitions, placeholder account ids,
 * cross-field rules) is collected and thrown as one {@link ConfigError} headed by the source
 * (`<file path>` or `Seedfarmer parameters of module <name>`); nothing else is thrown.
 *
 * @param schema the app's parameter schema, keyed by snake_case parameter name
 * @param options see {@link LoadOptions} and {@link LoadAndResolveOptions}
 */
export function loadModuleConfig<S extends z.ZodType, R>(
  schema: S,
  options: LoadAndResolveOptions<z.output<S>, R>,
): LoadedModuleConfig<z.output<S>> & { readonly config: R };
export function loadModuleConfig<S extends z.ZodType>(schema: S, options: LoadOptions): LoadedModuleConfig<z.output<S>>;
export function loadModuleConfig<S extends z.ZodType, R>(
  schema: S,
  options: LoadOptions & { readonly resolve?: ModuleResolverFunction<z.output<S>, ModuleContext, R> },
): LoadedModuleConfig<z.output<S>> & { readonly config?: R } {
  const env = options.env ?? process.env;
  let raw: RawConfig;
  if (options.configPath !== undefined) {
    raw = readFile(options.configPath, options.appName);
  } else if (env.SEEDFARMER_PROJECT_NAME !== undefined) {
    raw = readSeedfarmerEnv(env);
  } else {
    throw new ConfigError(`${options.appName} configuration`, [
      {
        path: 'source',
        received: undefined,
        message:
          'no configuration found; deploy through Seedfarmer (which sets SEEDFARMER_PROJECT_NAME and the ' +
          'SEEDFARMER_PARAMETER_* variables), or pass a file with `cdk synth -c config=<file or directory>`',
      },
    ]);
  }
  if (raw.fatal) {
    throw new ConfigError(raw.source, raw.issues);
  }

  const issues: ConfigIssue[] = [...raw.issues];
  const checked = validateModule(raw, issues);
  const module = checked.module;

  let parameters: z.output<S> | undefined;
  let partialParameters: { values: Record<string, unknown>; failed: ReadonlySet<string> | 'all' } = { values: {}, failed: 'all' };
  try {
    const result = schema.safeParse(raw.parameters);
    if (result.success) {
      parameters = result.data;
    } else {
      issues.push(...issuesFromZod(result.error, raw.parameters, undefined, { schema }));
      partialParameters = validFields(schema, raw.parameters, result.error);
    }
  } catch (e) {
    issues.push({
      path: '(parameters)',
      received: raw.parameters,
      message: `the parameter schema of ${options.appName} threw "${(e as Error).message}"; fix the schema`,
    });
  }

  const moduleRegion = checked.failed.has('region') ? undefined : (checked.values.region as string);
  if (moduleRegion !== undefined) issues.push(...partitionIssues(raw.parameters, moduleRegion));

  if (!options.allowPlaceholderAccounts) {
    for (const [fieldPath, value] of raw.scan) {
      issues.push(...placeholderIssues(value, [fieldPath]));
    }
  }

  let config: { value: R } | undefined;
  if (options.resolve) {
    config = runResolver(
      options.resolve,
      parameters ?? partialRecord<z.output<S>>(partialParameters.values, partialParameters.failed),
      module ?? partialRecord<ModuleContext>(checked.values, checked.failed),
      issues,
    );
  }

  if (issues.length > 0 || !module || parameters === undefined || (options.resolve && !config)) {
    throw new ConfigError(raw.source, issues);
  }
  return { module, parameters, ...(config ? { config: config.value } : {}) };
}

/**
 * The top-level fields of `input` that `schema` accepts, each parsed on its own, and the ones it
 * does not. Understood: an object schema, a discriminated union of objects (the branch the
 * discriminator selects) and a preprocessing step in front of either; for any other schema
 * every field counts as failed once the whole parse failed.
 */
function validFields(
  schema: z.ZodType,
  input: Record<string, unknown>,
  error: z.ZodError,
): { values: Record<string, unknown>; failed: ReadonlySet<string> | 'all' } {
  const located = objectSchemaFor(schema, input);
  if (!located) return { values: {}, failed: 'all' };
  if (error.issues.some((issue) => issue.path.length === 0 && issue.code !== 'unrecognized_keys')) return { values: {}, failed: 'all' };
  const failed = new Set(error.issues.map((issue) => issue.path[0]).filter((key): key is string => typeof key === 'string'));
  const values: Record<string, unknown> = {};
  for (const [key, fieldSchema] of Object.entries(located.shape)) {
    if (failed.has(key)) continue;
    const result = fieldSchema.safeParse(located.input[key]);
    if (result.success) values[key] = result.data;
    else failed.add(key);
  }
  return { values, failed };
}

function objectSchemaFor(schema: z.ZodType, input: unknown): { shape: Record<string, z.ZodType>; input: Record<string, unknown> } | undefined {
  let current: unknown = schema;
  let value = input;
  for (let depth = 0; depth < 8; depth++) {
    const def = (current as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return undefined;
    if (def.type === 'object') {
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? { shape: def.shape as Record<string, z.ZodType>, input: value as Record<string, unknown> }
        : undefined;
    }
    if (def.type === 'pipe' && (def.in as z.ZodType)._zod.def.type === 'transform') {
      // z.preprocess(fn, schema): the field values are those of fn(input).
      const pre = (def.in as z.ZodType).safeParse(value);
      if (!pre.success) return undefined;
      value = pre.data;
      current = def.out;
      continue;
    }
    if (def.type === 'union' && typeof def.discriminator === 'string') {
      const key = def.discriminator;
      const tag = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
      current = (def.options as z.ZodType[]).find((option) => {
        const shape = (option as { _zod: { def: { shape?: Record<string, z.ZodType> } } })._zod.def.shape;
        return shape?.[key]?.safeParse(tag).success === true;
      });
      if (!current) return undefined;
      continue;
    }
    return undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

interface RawField {
  /** How the field is named in messages: an environment variable or a file key. */
  readonly path: string;
  readonly value: unknown;
}

interface RawConfig {
  readonly kind: 'seedfarmer' | 'file';
  readonly source: string;
  readonly project: RawField;
  readonly deployment: RawField;
  readonly module: RawField;
  readonly account: RawField;
  readonly region: RawField;
  readonly permissionsBoundaryArn: RawField;
  readonly parameters: Record<string, unknown>;
  /** Raw values to scan for placeholder account ids, by path. */
  readonly scan: ReadonlyArray<readonly [string, unknown]>;
  readonly issues: ConfigIssue[];
  /** The source could not be read at all; `issues` says why. */
  readonly fatal?: boolean;
}

/** Marks a field whose absence is already reported. */
const skip: unique symbol = Symbol('already reported');

function readSeedfarmerEnv(env: NodeJS.ProcessEnv): RawConfig {
  const field = (name: string): RawField => ({ path: name, value: env[name] });
  const parameters: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(PARAMETER_PREFIX) && name.length > PARAMETER_PREFIX.length) {
      parameters[name.slice(PARAMETER_PREFIX.length).toLowerCase()] = value;
    }
  }
  const moduleName = env.SEEDFARMER_MODULE_NAME;
  const issues: ConfigIssue[] = [];
  for (const name of ['CDK_DEFAULT_ACCOUNT', 'CDK_DEFAULT_REGION']) {
    if (env[name] === undefined) {
      issues.push({
        path: name,
        received: undefined,
        message:
          `not set; the CDK CLI sets ${name} from the credentials it runs with, so run \`cdk synth\`/\`cdk deploy\` ` +
          'with credentials (and a region) for the target account',
      });
    }
  }
  const scanned = ['CDK_DEFAULT_ACCOUNT', 'SEEDFARMER_PERMISSIONS_BOUNDARY_ARN'].map((n) => [n, env[n]] as const);
  return {
    kind: 'seedfarmer',
    source: `Seedfarmer parameters of module ${moduleName ?? '(SEEDFARMER_MODULE_NAME not set)'}`,
    project: field('SEEDFARMER_PROJECT_NAME'),
    deployment: field('SEEDFARMER_DEPLOYMENT_NAME'),
    module: field('SEEDFARMER_MODULE_NAME'),
    account: env.CDK_DEFAULT_ACCOUNT === undefined ? { path: 'CDK_DEFAULT_ACCOUNT', value: skip } : field('CDK_DEFAULT_ACCOUNT'),
    region: env.CDK_DEFAULT_REGION === undefined ? { path: 'CDK_DEFAULT_REGION', value: skip } : field('CDK_DEFAULT_REGION'),
    permissionsBoundaryArn: field('SEEDFARMER_PERMISSIONS_BOUNDARY_ARN'),
    parameters,
    scan: [...scanned, ...Object.entries(parameters)],
    issues,
  };
}

const FILE_KEYS = ['project', 'deployment', 'module', 'account', 'region', 'permissions_boundary_arn', 'parameters'] as const;

function readFile(configPath: string, appName: string): RawConfig {
  const resolved = path.resolve(process.cwd(), configPath);
  const located = locateFile(resolved, configPath, appName);
  if ('issue' in located) {
    return fatal(resolved, located.issue);
  }
  const file = located.file;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return fatal(file, { path: '(file)', received: file, message: `cannot be read (${(e as Error).message}); check the path and its permissions` });
  }
  let document: unknown;
  try {
    document = file.toLowerCase().endsWith('.json') ? (JSON.parse(text) as unknown) : parseYaml(text);
  } catch (e) {
    return fatal(file, {
      path: '(file)',
      received: undefined,
      message: `is not valid ${file.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}; fix the syntax`,
    });
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return fatal(file, {
      path: '(top level)',
      received: document ?? undefined,
      message: `expected a mapping with the keys ${FILE_KEYS.join(', ')}, got ${jsonTypeOf(document ?? undefined)}`,
    });
  }
  const record = document as Record<string, unknown>;
  if (isSeedfarmerModuleManifest(record)) {
    return fatal(file, {
      path: '(file)',
      received: undefined,
      message:
        'this is a Seedfarmer module manifest (name, path, parameters as name/value pairs), not a config file; ' +
        'deploy it with `npm run synth` / `seedfarmer apply`, or write a config file such as\n' +
        '      project: mlops\n      deployment: dev\n      account: "<12-digit account id>"\n      region: eu-west-1\n' +
        '      parameters:\n        <parameter_name>: <value>',
    });
  }
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(record)) {
    if (!(FILE_KEYS as readonly string[]).includes(key)) {
      issues.push({
        path: formatPath([key]),
        received: record[key],
        message: `unknown key; known keys are: ${FILE_KEYS.join(', ')}${topLevelParameterHint(key)}`,
      });
    }
  }

  const parameters: Record<string, unknown> = {};
  const rawParameters = record.parameters;
  if (rawParameters !== undefined && rawParameters !== null) {
    if (typeof rawParameters !== 'object' || Array.isArray(rawParameters)) {
      issues.push({
        path: 'parameters',
        received: rawParameters,
        message: `expected a mapping of parameter names to values, got ${jsonTypeOf(rawParameters)}`,
      });
    } else {
      const originals = new Map<string, string>();
      for (const [key, value] of Object.entries(rawParameters as Record<string, unknown>)) {
        const name = normalizeParameterName(key);
        const previous = originals.get(name);
        if (previous !== undefined) {
          issues.push({
            path: name,
            received: value,
            message: `given twice, as "${previous}" and as "${key}" (both mean ${name}); keep one`,
          });
          continue;
        }
        originals.set(name, key);
        parameters[name] = value;
      }
    }
  }

  const field = (key: string): RawField => ({ path: key, value: record[key] });
  const moduleField = record.module === undefined ? { path: 'module', value: appName } : field('module');
  const scan: Array<readonly [string, unknown]> = Object.entries(record).filter(([key]) => key !== 'parameters');
  scan.push(...Object.entries(parameters));
  return {
    kind: 'file',
    source: file,
    project: field('project'),
    deployment: field('deployment'),
    module: moduleField,
    account: field('account'),
    region: field('region'),
    permissionsBoundaryArn: field('permissions_boundary_arn'),
    parameters,
    scan,
    issues,
  };
}

/**
 * The shape of a Seedfarmer module manifest (one document of a group file): `name` and `path`,
 * and `parameters` as a list of `{ name, value | valueFrom }`, none of a config file's keys.
 */
function isSeedfarmerModuleManifest(record: Record<string, unknown>): boolean {
  return (
    typeof record.name === 'string' &&
    typeof record.path === 'string' &&
    (record.parameters === undefined || Array.isArray(record.parameters)) &&
    record.project === undefined &&
    record.account === undefined
  );
}

/** A snake_case or kebab-case key at the top level is most likely a parameter one level too high. */
function topLevelParameterHint(key: string): string {
  return /^[a-z][a-z0-9]*([_-][a-z0-9]+)+$/.test(key) ? `; if "${key}" is a parameter, move it under parameters:` : '';
}

/**
 * An ARN parameter in another partition than the module's region cannot work: the policies and
 * references built from it name resources the module's partition cannot reach. Partitions are
 * isolated (AWS General Reference, "Amazon Resource Names (ARNs)": the partition is a group of
 * regions; aws-cn and aws-us-gov are separate from aws).
 */
function partitionIssues(parameters: Record<string, unknown>, moduleRegion: string): ConfigIssue[] {
  const expected = partitionOfRegion(moduleRegion);
  const issues: ConfigIssue[] = [];
  const visit = (value: unknown, at: string) => {
    if (typeof value === 'string') {
      const arn = splitArn(value);
      if (arn && (PARTITIONS as readonly string[]).includes(arn.partition) && arn.partition !== expected) {
        issues.push({
          path: at,
          received: value,
          message: `the ARN is in partition ${arn.partition}, but the module's region ${moduleRegion} is in partition ${expected}; give an ARN of partition ${expected}`,
        });
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${at}[${i}]`));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, `${at}.${k}`);
    }
  };
  for (const [name, value] of Object.entries(parameters)) visit(value, name);
  return issues;
}

function locateFile(resolved: string, given: string, appName: string): { file: string } | { issue: ConfigIssue } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(resolved);
  } catch {
    return {
      issue: {
        path: '(file)',
        received: given,
        message: `${resolved} does not exist; pass an existing file or directory with -c config=<path>`,
      },
    };
  }
  if (!stat.isDirectory()) {
    return { file: resolved };
  }
  const candidates = ['.yaml', '.yml', '.json'].map((ext) => path.join(resolved, `${appName}${ext}`));
  const present = candidates.filter((candidate) => fs.existsSync(candidate));
  if (present.length === 0) {
    return {
      issue: {
        path: '(file)',
        received: given,
        message: `the directory holds none of ${candidates.map((c) => path.basename(c)).join(', ')}; add one or pass the file itself`,
      },
    };
  }
  if (present.length > 1) {
    return {
      issue: {
        path: '(file)',
        received: given,
        message: `the directory holds more than one configuration for ${appName} (${present.map((c) => path.basename(c)).join(', ')}); keep one`,
      },
    };
  }
  return { file: present[0] };
}

function fatal(source: string, issue: ConfigIssue): RawConfig {
  const none: RawField = { path: '', value: undefined };
  return {
    kind: 'file',
    source,
    project: none,
    deployment: none,
    module: none,
    account: none,
    region: none,
    permissionsBoundaryArn: none,
    parameters: {},
    scan: [],
    issues: [issue],
    fatal: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Validating the module fields
// ---------------------------------------------------------------------------------------------

const projectName = resourceName({
  what: 'project name',
  maxLength: 128,
  pattern: /^[A-Za-z][A-Za-z0-9-]*$/,
  rule: 'may contain only letters, digits and hyphens, and must start with a letter (it starts the stack name)',
});
const deploymentName = resourceName({
  what: 'deployment name',
  maxLength: 128,
  pattern: /^[A-Za-z0-9-]+$/,
  rule: 'may contain only letters, digits and hyphens',
});
const moduleName = resourceName({
  what: 'module name',
  maxLength: 128,
  pattern: /^[A-Za-z0-9-]+$/,
  rule: 'may contain only letters, digits and hyphens',
});

function isIamPolicyArn(value: string): boolean {
  const arn = splitArn(value);
  return (
    arn !== undefined &&
    (PARTITIONS as readonly string[]).includes(arn.partition) &&
    arn.service === 'iam' &&
    arn.region === '' &&
    /^\d{12}$/.test(arn.account) &&
    /^policy\/([\x21-\x7e]+\/)*[\w+=,.@-]{1,128}$/.test(arn.resource)
  );
}

function checkField<T>(field: RawField, schema: z.ZodType<T>, issues: ConfigIssue[]): T | undefined {
  if (field.value === skip) {
    return undefined;
  }
  const result = schema.safeParse(field.value);
  if (result.success) {
    return result.data;
  }
  issues.push(...issuesFromZod(result.error, field.value, field.path));
  return undefined;
}

interface CheckedModule {
  /** The module, when every field is valid. */
  readonly module?: ModuleContext;
  /** The module fields that are valid, by ModuleContext name. */
  readonly values: Record<string, unknown>;
  /** The module fields that are not. */
  readonly failed: ReadonlySet<string>;
}

function validateModule(raw: RawConfig, issues: ConfigIssue[]): CheckedModule {
  const project = checkField(raw.project, projectName, issues);
  const deployment = checkField(raw.deployment, deploymentName, issues);
  const module = checkField(raw.module, moduleName, issues);
  const account = checkField(raw.account, accountId, issues);
  const regionCode = checkField(raw.region, region, issues);

  const boundary = raw.permissionsBoundaryArn.value;
  const boundaryValid = boundary === undefined || (typeof boundary === 'string' && isIamPolicyArn(boundary));
  if (!boundaryValid) {
    issues.push({
      path: raw.permissionsBoundaryArn.path,
      received: boundary,
      message: 'expected an IAM managed policy ARN (arn:<partition>:iam::<account>:policy/<name>); give the ARN of the boundary policy',
    });
  }

  let stackName: string | undefined;
  if (project !== undefined && deployment !== undefined && module !== undefined) {
    stackName = `${project}-${deployment}-${module}`;
    if (stackName.length > 128) {
      issues.push({
        path: 'stackName',
        received: stackName,
        message: `the stack name <project>-<deployment>-<module> is ${stackName.length} characters long; CloudFormation allows 128, so shorten one of the names`,
      });
      stackName = undefined;
    }
  }
  const fields: Record<string, unknown> = {
    projectName: project,
    deploymentName: deployment,
    moduleName: module,
    account,
    region: regionCode,
    stackName,
    permissionsBoundaryArn: boundaryValid ? boundary : undefined,
  };
  const failed = new Set(Object.entries(fields).filter(([, value]) => value === undefined).map(([key]) => key));
  if (boundary === undefined) failed.delete('permissionsBoundaryArn');
  const values: Record<string, unknown> = { source: raw.kind, configSource: raw.source };
  for (const [key, value] of Object.entries(fields)) if (!failed.has(key) && value !== undefined) values[key] = value;
  if (failed.size > 0) return { values, failed };
  return {
    module: {
      projectName: project!,
      deploymentName: deployment!,
      moduleName: module!,
      account: account!,
      region: regionCode!,
      stackName: stackName!,
      ...(typeof boundary === 'string' ? { permissionsBoundaryArn: boundary } : {}),
      source: raw.kind,
      configSource: raw.source,
    },
    values,
    failed,
  };
}
