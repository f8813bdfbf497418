import { isAbsolute, normalize, resolve, sep } from 'node:path';
import type { AwsClient } from '../aws-client';
import { EndpointDeployEnvironmentError } from '../errors';
import { parseModelPackageGroupArn, type ModelPackageGroupRef } from '../model-registry/arn';
import { partitionOfRegion } from '../private/partition';
import type { RetryOptions, Sleep } from '../private/retry';
import { buildEndpointDeployment, type EndpointBuildReport } from './build';
import { runStagingTest, type CredentialsProvider, type StagingTestReport } from './staging-test';
import { DEFAULT_STAGING_TEST_DEFINITION, loadStagingTestDefinition } from './staging-test-definition';

type Env = Readonly<Record<string, string | undefined>>;

/** The environment variables the `endpoint-build` command reads. */
export const ENDPOINT_BUILD_ENVIRONMENT_VARIABLES = [
  'MODEL_PACKAGE_GROUP_NAME',
  'STAGES',
  'SOURCE_DIR',
  'OUTPUT_DIR',
  'SAGEMAKER_PROJECT_NAME',
  'SAGEMAKER_PROJECT_ID',
  'CODEBUILD_SRC_DIR',
] as const;

/** The environment variables the `endpoint-test` command reads. */
export const ENDPOINT_TEST_ENVIRONMENT_VARIABLES = [
  'STAGE_ACCOUNTS',
  'STAGE_REGION',
  'ENDPOINT_NAME',
  'TEST_ROLE_NAME',
  'MODEL_PACKAGE_ARN',
  'TEST_DEFINITION',
  'SOURCE_DIR',
  'REPORT_PATH',
  'JUNIT_PATH',
  'IN_SERVICE_TIMEOUT_SECONDS',
  'CODEBUILD_SRC_DIR',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
] as const;

/** The `endpoint-build` command's configuration, parsed from its environment variables. */
export interface EndpointBuildEnvironment {
  /** `MODEL_PACKAGE_GROUP_NAME`: the group's name or ARN, as given. */
  readonly groupName: string;
  /**
   * The group's ARN, parsed, when `MODEL_PACKAGE_GROUP_NAME` is an ARN.
   *
   * @default - a name: the group is in the caller's account and region
   */
  readonly group?: ModelPackageGroupRef;
  /** `STAGES`: the stage names in pipeline order. */
  readonly stages: string[];
  /** `SOURCE_DIR`, else `CODEBUILD_SRC_DIR`, else the working directory; absolute. */
  readonly sourceDir: string;
  /** `OUTPUT_DIR`, else the working directory; absolute. */
  readonly outputDir: string;
  /** `SAGEMAKER_PROJECT_NAME`. */
  readonly projectName: string;
  /** `SAGEMAKER_PROJECT_ID`. */
  readonly projectId: string;
}

/** The `endpoint-test` command's configuration, parsed from its environment variables. */
export interface EndpointTestEnvironment {
  /** `STAGE_ACCOUNTS`: the stage accounts, in report order. */
  readonly accounts: string[];
  /** `STAGE_REGION`, else `AWS_REGION`, else `AWS_DEFAULT_REGION`. */
  readonly region: string;
  /** The partition of `region`. */
  readonly partition: string;
  /** `ENDPOINT_NAME`. */
  readonly endpointName: string;
  /** `TEST_ROLE_NAME`. */
  readonly testRoleName: string;
  /** `MODEL_PACKAGE_ARN`: the versioned model package the build chose, which every endpoint must serve. */
  readonly modelPackageArn: string;
  /** `TEST_DEFINITION`, relative to `sourceDir`; default `test/staging-test.json`. */
  readonly definitionFile: string;
  /** `SOURCE_DIR`, else `CODEBUILD_SRC_DIR`, else the working directory; absolute. */
  readonly sourceDir: string;
  /** `REPORT_PATH`, default `staging-test-report.json`. */
  readonly reportPath: string;
  /** `JUNIT_PATH`, default `staging-test-junit.xml`. */
  readonly junitPath: string;
  /** `IN_SERVICE_TIMEOUT_SECONDS` in milliseconds; default 1800 s. */
  readonly inServiceTimeoutMs: number;
}

/** Clients of {@link endpointBuildFromEnvironment}. */
export interface EndpointBuildClients {
  /** Gives a SageMaker client in a region (the group ARN's region), or in the default region when `undefined`. */
  readonly sagemaker: (region: string | undefined) => AwsClient;
}

/** Hooks of {@link endpointBuildFromEnvironment}. */
export interface EndpointBuildHooks {
  /**
   * The directory that relative paths and the defaults resolve against.
   *
   * @default - process.cwd()
   */
  readonly cwd?: string;
  /**
   * How throttling and transient errors are retried.
   *
   * @default - 5 attempts, exponential backoff from 200 ms with jitter
   */
  readonly retry?: RetryOptions;
  /**
   * The clock of the report.
   *
   * @default - the system clock
   */
  readonly now?: () => Date;
}

/** Clients of {@link stagingTestFromEnvironment}. */
export interface StagingTestClients {
  /** STS in the pipeline's account. */
  readonly sts: AwsClient;
  /** Gives a SageMaker client with a stage account's credentials. */
  readonly sagemakerFor: (credentials: CredentialsProvider, region: string) => AwsClient;
  /** Gives a SageMaker Runtime client with a stage account's credentials. */
  readonly runtimeFor: (credentials: CredentialsProvider, region: string) => AwsClient;
}

/** Hooks of {@link stagingTestFromEnvironment}. */
export interface StagingTestHooks {
  /**
   * The directory that relative paths and the defaults resolve against.
   *
   * @default - process.cwd()
   */
  readonly cwd?: string;
  /**
   * How polling and retries wait.
   *
   * @default - setTimeout
   */
  readonly sleep?: Sleep;
  /**
   * The clock, in milliseconds since the epoch.
   *
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * Receives one line per step.
   *
   * @default - silent
   */
  readonly log?: (message: string) => void;
}

const GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const PROJECT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/;
const PROJECT_ID = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d+$/;
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const MODEL_PACKAGE_VERSION_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}\/\d+$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
// CodeBuild stops a build after 8 hours at most.
const MAX_TIMEOUT_SECONDS = 8 * 3600;

/**
 * Parses and validates the `endpoint-build` command's environment; every problem is reported at once.
 * Empty variables count as unset (CodeBuild passes optional values as empty strings).
 *
 * @param cwd what relative paths and the defaults resolve against (default: the working directory)
 * @throws EndpointDeployEnvironmentError listing each variable that is missing or invalid, and what to do
 */
export function parseEndpointBuildEnvironment(env: Env, cwd: string = process.cwd()): EndpointBuildEnvironment {
  const { problems, read, required } = reader(env);

  const groupName = required('MODEL_PACKAGE_GROUP_NAME', 'the name or ARN of the model package group to deploy from');
  let group: ModelPackageGroupRef | undefined;
  if (groupName?.startsWith('arn:')) {
    try {
      group = parseModelPackageGroupArn(groupName);
    } catch (error) {
      problems.push(`MODEL_PACKAGE_GROUP_NAME: ${(error as Error).message}`);
    }
  } else if (groupName !== undefined && !GROUP_NAME.test(groupName)) {
    problems.push(
      `MODEL_PACKAGE_GROUP_NAME: "${groupName}" is neither a model package group ARN nor a group name ` +
        '(1-63 letters, digits and single hyphens, starting and ending with a letter or digit)',
    );
  }

  const stages = jsonStringArray(problems, 'STAGES', required('STAGES', 'the stage names in pipeline order as a JSON array, e.g. ["staging","prod"]'), {
    example: '["staging","prod"]',
    item: (stage) =>
      STAGE_NAME.test(stage) ? undefined : `"${stage}" is not a valid stage name (1-63 letters, digits, _ and -, starting with a letter or digit)`,
  });

  const projectName = required('SAGEMAKER_PROJECT_NAME', 'the SageMaker project name (tag sagemaker:project-name)');
  if (projectName !== undefined && !PROJECT_NAME.test(projectName)) {
    problems.push(
      `SAGEMAKER_PROJECT_NAME: "${projectName}" is not a valid SageMaker project name (1-32 letters, digits and single hyphens)`,
    );
  }
  const projectId = required('SAGEMAKER_PROJECT_ID', 'the SageMaker project id (tag sagemaker:project-id)');
  if (projectId !== undefined && !PROJECT_ID.test(projectId)) {
    problems.push(`SAGEMAKER_PROJECT_ID: "${projectId}" is not a valid SageMaker project id (letters, digits and single hyphens)`);
  }

  if (problems.length > 0 || groupName === undefined || stages === undefined || projectName === undefined || projectId === undefined) {
    throw new EndpointDeployEnvironmentError('endpoint-build', problems);
  }
  return {
    groupName,
    group,
    stages,
    sourceDir: resolve(cwd, read('SOURCE_DIR') ?? read('CODEBUILD_SRC_DIR') ?? '.'),
    outputDir: resolve(cwd, read('OUTPUT_DIR') ?? '.'),
    projectName,
    projectId,
  };
}

/**
 * Parses and validates the `endpoint-test` command's environment; every problem is reported at once.
 * Empty variables count as unset (CodeBuild passes optional values as empty strings).
 *
 * @param cwd what relative paths and the defaults resolve against (default: the working directory)
 * @throws EndpointDeployEnvironmentError listing each variable that is missing or invalid, and what to do
 */
export function parseEndpointTestEnvironment(env: Env, cwd: string = process.cwd()): EndpointTestEnvironment {
  const { problems, read, required } = reader(env);

  const accounts = jsonStringArray(
    problems,
    'STAGE_ACCOUNTS',
    required('STAGE_ACCOUNTS', 'the stage accounts as a JSON array of strings, e.g. ["<12-digit account id>"]'),
    {
      example: '["<12-digit account id>", "<12-digit account id>"]',
      item: (account) => (ACCOUNT.test(account) ? undefined : `"${account}" is not a 12-digit AWS account id`),
    },
  );

  const region = read('STAGE_REGION') ?? read('AWS_REGION') ?? read('AWS_DEFAULT_REGION');
  if (region === undefined) {
    problems.push('STAGE_REGION is missing (and so are AWS_REGION and AWS_DEFAULT_REGION): set it to the region of the staging endpoints');
  } else if (!REGION.test(region)) {
    problems.push(`STAGE_REGION: "${region}" is not an AWS region code such as eu-west-1`);
  }

  const endpointName = required('ENDPOINT_NAME', 'the name of the staging endpoint');
  if (endpointName !== undefined && !ENDPOINT_NAME.test(endpointName)) {
    problems.push(
      `ENDPOINT_NAME: "${endpointName}" is not a valid endpoint name (1-63 letters, digits and single hyphens, starting and ending with a letter or digit)`,
    );
  }
  const testRoleName = required('TEST_ROLE_NAME', 'the name of the test role that exists in every stage account');
  if (testRoleName !== undefined && !ROLE_NAME.test(testRoleName)) {
    problems.push(`TEST_ROLE_NAME: "${testRoleName}" is not an IAM role name (1-64 letters, digits and + = , . @ _ -; no path, no ARN)`);
  }

  const modelPackageArn = required(
    'MODEL_PACKAGE_ARN',
    'the versioned ARN of the model package the build chose (the build action exports it as MODEL_PACKAGE_ARN)',
  );
  if (modelPackageArn !== undefined && !MODEL_PACKAGE_VERSION_ARN.test(modelPackageArn)) {
    problems.push(
      `MODEL_PACKAGE_ARN: "${modelPackageArn}" is not the ARN of a model package version ` +
        '(arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>)',
    );
  }

  const definitionFile = read('TEST_DEFINITION') ?? DEFAULT_STAGING_TEST_DEFINITION;
  const normalized = normalize(definitionFile);
  if (isAbsolute(definitionFile) || normalized === '..' || normalized.startsWith(`..${sep}`)) {
    problems.push(`TEST_DEFINITION: "${definitionFile}" must be a path inside the deploy repository, relative to its root`);
  }

  const timeout = read('IN_SERVICE_TIMEOUT_SECONDS');
  const timeoutSeconds = timeout === undefined ? 1800 : Number(timeout);
  if (!/^\d+$/.test(timeout ?? '0') || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    problems.push(`IN_SERVICE_TIMEOUT_SECONDS: "${timeout}" is not a whole number of seconds from 0 to ${MAX_TIMEOUT_SECONDS}`);
  }

  if (
    problems.length > 0 ||
    accounts === undefined ||
    region === undefined ||
    endpointName === undefined ||
    testRoleName === undefined ||
    modelPackageArn === undefined
  ) {
    throw new EndpointDeployEnvironmentError('endpoint-test', problems);
  }
  return {
    accounts,
    region,
    partition: partitionOfRegion(region),
    endpointName,
    testRoleName,
    modelPackageArn,
    definitionFile,
    sourceDir: resolve(cwd, read('SOURCE_DIR') ?? read('CODEBUILD_SRC_DIR') ?? '.'),
    reportPath: resolve(cwd, read('REPORT_PATH') ?? 'staging-test-report.json'),
    junitPath: resolve(cwd, read('JUNIT_PATH') ?? 'staging-test-junit.xml'),
    inServiceTimeoutMs: timeoutSeconds * 1000,
  };
}

/**
 * Runs the build step configured by environment variables (the CodeBuild build action).
 *
 * @throws EndpointDeployEnvironmentError, DeployRepositoryFileError, NoApprovedModelPackageError
 */
export async function endpointBuildFromEnvironment(
  env: Env,
  clients: EndpointBuildClients,
  hooks: EndpointBuildHooks = {},
): Promise<{ report: EndpointBuildReport; environment: EndpointBuildEnvironment }> {
  const environment = parseEndpointBuildEnvironment(env, hooks.cwd);
  const report = await buildEndpointDeployment({
    sagemaker: clients.sagemaker(environment.group?.region),
    groupName: environment.groupName,
    stages: environment.stages,
    sourceDir: environment.sourceDir,
    outputDir: environment.outputDir,
    projectName: environment.projectName,
    projectId: environment.projectId,
    retry: hooks.retry,
    now: hooks.now,
  });
  return { report, environment };
}

/**
 * Runs the staging test configured by environment variables (the CodeBuild test action). Writing the
 * report and the JUnit file is left to the caller, which also writes them when this throws.
 *
 * @throws EndpointDeployEnvironmentError, DeployRepositoryFileError (before any AWS call)
 */
export async function stagingTestFromEnvironment(
  env: Env,
  clients: StagingTestClients,
  hooks: StagingTestHooks = {},
): Promise<{ report: StagingTestReport; environment: EndpointTestEnvironment }> {
  const environment = parseEndpointTestEnvironment(env, hooks.cwd);
  const definition = loadStagingTestDefinition(environment.sourceDir, environment.definitionFile);
  const report = await runStagingTest({
    sts: clients.sts,
    sagemakerFor: clients.sagemakerFor,
    runtimeFor: clients.runtimeFor,
    accounts: environment.accounts,
    region: environment.region,
    partition: environment.partition,
    endpointName: environment.endpointName,
    testRoleName: environment.testRoleName,
    modelPackageArn: environment.modelPackageArn,
    definition,
    definitionFile: environment.definitionFile,
    sourceDir: environment.sourceDir,
    sleep: hooks.sleep,
    now: hooks.now,
    inServiceTimeoutMs: environment.inServiceTimeoutMs,
    log: hooks.log,
  });
  return { report, environment };
}

function reader(env: Env) {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const required = (name: string, what: string): string | undefined => {
    const value = read(name);
    if (value === undefined) {
      problems.push(`${name} is missing: set it to ${what}`);
    }
    return value;
  };
  return { problems, read, required };
}

function jsonStringArray(
  problems: string[],
  name: string,
  raw: string | undefined,
  check: { readonly example: string; readonly item: (value: string) => string | undefined },
): string[] | undefined {
  if (raw === undefined) {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push(`${name}: ${JSON.stringify(raw)} is not JSON: set a JSON array of strings, e.g. ${check.example}`);
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    problems.push(`${name}: expected a non-empty JSON array of strings, e.g. ${check.example}, got ${raw}`);
    return undefined;
  }
  const before = problems.length;
  const seen = new Set<string>();
  for (const item of parsed) {
    if (typeof item !== 'string') {
      // Numbers lose the leading zeros of account ids, so only strings are accepted.
      problems.push(`${name}: ${JSON.stringify(item)} is not a string: quote it`);
      continue;
    }
    const problem = check.item(item);
    if (problem !== undefined) {
      problems.push(`${name}: ${problem}`);
    } else if (seen.has(item)) {
      problems.push(`${name}: "${item}" is listed twice`);
    }
    seen.add(item);
  }
  return problems.length === before ? (parsed as string[]) : undefined;
}
