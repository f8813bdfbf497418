import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  type DescribeEndpointCommandOutput,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, type InvokeEndpointCommandOutput } from '@aws-sdk/client-sagemaker-runtime';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { AwsClient } from '../aws-client';
import { AccessDeniedError } from '../errors';
import { isNotFound, send } from '../private/aws';
import { mapWithConcurrency } from '../private/concurrency';
import { partitionOfRegion } from '../private/partition';
import { describeAwsError, type Sleep } from '../private/retry';
import {
  DEFAULT_STAGING_TEST_DEFINITION,
  parseStagingTestDefinition,
  stagingTestPayload,
  type StagingTestDefinition,
  type StagingTestDefinitionInput,
} from './staging-test-definition';

/** Temporary credentials of the test role in one stage account. */
export interface AwsCredentials {
  /** The access key id. */
  readonly accessKeyId: string;
  /** The secret access key. */
  readonly secretAccessKey: string;
  /**
   * The session token.
   *
   * @default - none
   */
  readonly sessionToken?: string;
  /**
   * When the credentials expire.
   *
   * @default - never
   */
  readonly expiration?: Date;
}

/**
 * Gives the current credentials of the test role, assuming it again shortly before they expire.
 * Pass it as the `credentials` of an SDK v3 client.
 */
export type CredentialsProvider = () => Promise<AwsCredentials>;

/** One invocation of the endpoint. */
export interface InvocationResult {
  /** The time from sending the request to receiving the response (or the error), in milliseconds. */
  readonly latencyMs: number;
  /** True when the endpoint answered with the expected status within the latency bound. */
  readonly ok: boolean;
  /**
   * Why the invocation failed.
   *
   * @default - none: it succeeded
   */
  readonly error?: string;
}

/** The staging test of one account. */
export interface AccountTestResult {
  /** The stage account. */
  readonly account: string;
  /** True when the endpoint is InService and every invocation succeeded within the latency bound. */
  readonly passed: boolean;
  /** The last endpoint status seen, or null when the endpoint could not be described. */
  readonly endpointStatus: string | null;
  /** Whether the endpoint captures data (DescribeEndpoint `DataCaptureConfig.EnableCapture`). */
  readonly dataCaptureEnabled: boolean;
  /** The invocations, in order. */
  readonly invocations: InvocationResult[];
  /** The median latency of the invocations (nearest rank), or null when there was none. */
  readonly p50LatencyMs: number | null;
  /** The highest latency of the invocations, or null when there was none. */
  readonly maxLatencyMs: number | null;
  /** How long this account's test took, in milliseconds. */
  readonly durationMs: number;
  /**
   * Why the account failed.
   *
   * @default - none: it passed
   */
  readonly failure?: string;
}

/** The staging test report: one JSON document for all accounts. */
export interface StagingTestReport {
  /** The endpoint tested. */
  readonly endpointName: string;
  /** The region of the endpoints. */
  readonly region: string;
  /** When the test started (ISO 8601). */
  readonly startedAt: string;
  /** When the test finished (ISO 8601). */
  readonly finishedAt: string;
  /** True when every account passed. */
  readonly passed: boolean;
  /** The latency bound of one invocation, in milliseconds (`maxLatencyMs` of the definition). */
  readonly latencyBoundMs: number | null;
  /** One entry per account, in the order the accounts were given. */
  readonly accounts: AccountTestResult[];
  /**
   * Why the test could not run at all (configuration, definition); the accounts are then empty.
   *
   * @default - none
   */
  readonly error?: string;
}

/** Options of {@link runStagingTest}. */
export interface RunStagingTestOptions {
  /** STS, to assume the test role in each account. */
  readonly sts: AwsClient;
  /** Gives a SageMaker client in a stage account: called once per account with the test role's credentials. */
  readonly sagemakerFor: (credentials: CredentialsProvider, region: string) => AwsClient;
  /** Gives a SageMaker Runtime client in a stage account: called once per account with the test role's credentials. */
  readonly runtimeFor: (credentials: CredentialsProvider, region: string) => AwsClient;
  /** The stage accounts, in the order the report lists them. */
  readonly accounts: readonly string[];
  /** The region of the endpoints. */
  readonly region: string;
  /**
   * The partition of the test role ARNs.
   *
   * @default - the partition of `region`
   */
  readonly partition?: string;
  /** The endpoint name (the same in every account of the stage). */
  readonly endpointName: string;
  /**
   * The model package the build chose (its versioned ARN): once InService, each endpoint must serve
   * it on every production variant, else its account fails without being invoked.
   *
   * @default - not checked
   */
  readonly modelPackageArn?: string;
  /** The name of the test role, present in every stage account and trusted by the caller. */
  readonly testRoleName: string;
  /** The test definition (validated again here; defaults applied). */
  readonly definition: StagingTestDefinitionInput;
  /** The deploy repository root: `payloadFile` is relative to it. */
  readonly sourceDir: string;
  /**
   * Where the definition came from, for the problems.
   *
   * @default 'test/staging-test.json'
   */
  readonly definitionFile?: string;
  /**
   * How polling and retries wait.
   *
   * @default - setTimeout
   */
  readonly sleep?: Sleep;
  /**
   * The clock, in milliseconds since the epoch: latencies, timeouts and timestamps.
   *
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * How long to wait for an endpoint to be InService.
   *
   * @default 1800000
   */
  readonly inServiceTimeoutMs?: number;
  /**
   * How many accounts are tested at the same time.
   *
   * @default 4
   */
  readonly concurrency?: number;
  /**
   * Receives one line per step.
   *
   * @default - silent
   */
  readonly log?: (message: string) => void;
}

const ACCOUNT = /^\d{12}$/;
// An endpoint in one of these states never becomes InService without someone acting.
const TERMINAL_STATUSES = new Set(['Failed', 'OutOfService', 'Deleting', 'UpdateRollbackFailed']);
const FIRST_POLL_DELAY_MS = 5_000;
const MAX_POLL_DELAY_MS = 30_000;
// Re-assume this long before expiry: a role-chained session lasts at most an hour, less than a long InService wait.
const CREDENTIALS_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * The staging test: in each stage account, assumes the test role, waits for the endpoint to be
 * InService, checks that it serves `modelPackageArn` (when given), then invokes it with the
 * definition's payload and checks status and latency.
 *
 * Accounts are tested concurrently (bounded) and reported in the order given. A failing account never
 * stops the others; the report says which failed and why. Invocations are sequential within an account,
 * so that latencies are not inflated by the test itself, and stop at the first error.
 *
 * @throws DeployRepositoryFileError when the definition or its payload file is invalid (before any AWS call)
 */
export async function runStagingTest(options: RunStagingTestOptions): Promise<StagingTestReport> {
  checkOptions(options);
  const definitionFile = options.definitionFile ?? DEFAULT_STAGING_TEST_DEFINITION;
  const definition = parseStagingTestDefinition(options.definition, definitionFile);
  const body = stagingTestPayload(definition, options.sourceDir, definitionFile);
  const now = options.now ?? Date.now;
  const startedAt = now();

  const accounts = await mapWithConcurrency(options.accounts, options.concurrency ?? 4, async (account) => {
    const started = now();
    try {
      return await testAccount(options, definition, body, account);
    } catch (error) {
      // testAccount turns AWS errors into failures; this only catches the unforeseen, which must not hide the other accounts.
      return failedResult(account, now() - started, `unexpected error: ${messageOf(error)}`);
    }
  });

  return {
    endpointName: options.endpointName,
    region: options.region,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(now()).toISOString(),
    passed: accounts.length > 0 && accounts.every((a) => a.passed),
    latencyBoundMs: definition.maxLatencyMs,
    accounts,
  };
}

/**
 * The report of a staging test that could not run at all (bad environment or definition), so that the
 * pipeline still gets a valid JSON report and a failing JUnit test case.
 *
 * @param context what is known of the test, from the environment (default: unknown endpoint and region)
 */
export function failedStagingTestReport(
  error: string,
  context: { readonly endpointName?: string; readonly region?: string; readonly now?: () => number } = {},
): StagingTestReport {
  const at = new Date((context.now ?? Date.now)()).toISOString();
  return {
    endpointName: context.endpointName ?? '',
    region: context.region ?? '',
    startedAt: at,
    finishedAt: at,
    passed: false,
    latencyBoundMs: null,
    accounts: [],
    error,
  };
}

/** One line summing up a staging test, for the build log. */
export function formatStagingTestSummary(report: StagingTestReport): string {
  if (report.error !== undefined) {
    return `FAILED: ${report.error}`;
  }
  const lines = report.accounts.map((a) =>
    a.passed
      ? `${a.account}: passed (${a.endpointStatus}, p50 ${a.p50LatencyMs} ms, max ${a.maxLatencyMs} ms, data capture ${a.dataCaptureEnabled ? 'on' : 'off'})`
      : `${a.account}: FAILED: ${a.failure}`,
  );
  const passed = report.accounts.filter((a) => a.passed).length;
  return [
    `${report.passed ? 'PASSED' : 'FAILED'}: endpoint ${report.endpointName} in ${report.region}, ${passed} of ${report.accounts.length} accounts passed`,
    ...lines.map((line) => `  ${line}`),
  ].join('\n');
}

async function testAccount(
  options: RunStagingTestOptions,
  definition: StagingTestDefinition,
  body: Uint8Array,
  account: string,
): Promise<AccountTestResult> {
  const now = options.now ?? Date.now;
  const log = (message: string) => options.log?.(`${account}: ${message}`);
  const started = now();
  const partition = options.partition ?? partitionOfRegion(options.region);
  const roleArn = `arn:${partition}:iam::${account}:role/${options.testRoleName}`;

  let credentials: CredentialsProvider;
  try {
    credentials = await assumeRole(options, roleArn, account);
  } catch (error) {
    return failedResult(
      account,
      now() - started,
      `cannot assume the test role ${roleArn}: ${messageOf(error)} ` +
        `(the role must exist in account ${account} and trust the role running this test)`,
    );
  }
  log(`assumed ${roleArn}`);

  const endpointArn = `arn:${partition}:sagemaker:${options.region}:${account}:endpoint/${options.endpointName.toLowerCase()}`;
  const sagemaker = options.sagemakerFor(credentials, options.region);
  const endpoint = await waitInService(options, sagemaker, account, endpointArn, log);
  if (endpoint.failure !== undefined) {
    return {
      ...failedResult(account, now() - started, endpoint.failure),
      endpointStatus: endpoint.status,
      dataCaptureEnabled: endpoint.dataCaptureEnabled,
    };
  }

  if (options.modelPackageArn !== undefined) {
    const failure = await checkServedModelPackage(options, sagemaker, account, partition, endpoint.endpointConfigName, options.modelPackageArn);
    if (failure !== undefined) {
      return {
        ...failedResult(account, now() - started, failure),
        endpointStatus: endpoint.status,
        dataCaptureEnabled: endpoint.dataCaptureEnabled,
      };
    }
    log(`endpoint ${options.endpointName} serves ${options.modelPackageArn}`);
  }

  const runtime = options.runtimeFor(credentials, options.region);
  const invocations: InvocationResult[] = [];
  for (let i = 0; i < definition.invocations; i++) {
    const sentAt = now();
    try {
      const output = (await runtime.send(
        new InvokeEndpointCommand({
          EndpointName: options.endpointName,
          ContentType: definition.contentType,
          Accept: definition.accept,
          Body: body,
        }),
      )) as InvokeEndpointCommandOutput;
      const latencyMs = now() - sentAt;
      // The SDK throws on a non-2xx answer; a mock or a proxy may still hand back another status.
      const status = output.$metadata?.httpStatusCode ?? 200;
      if (status !== definition.expectStatus) {
        invocations.push({ latencyMs, ok: false, error: `status ${status}, expected ${definition.expectStatus}` });
      } else if (latencyMs > definition.maxLatencyMs) {
        invocations.push({ latencyMs, ok: false, error: `latency ${latencyMs} ms above the bound of ${definition.maxLatencyMs} ms (maxLatencyMs)` });
      } else {
        invocations.push({ latencyMs, ok: true });
      }
    } catch (error) {
      const latencyMs = now() - sentAt;
      const described = describeAwsError(error, { action: 'sagemaker:InvokeEndpoint', resource: endpointArn, account });
      invocations.push({ latencyMs, ok: false, error: invokeErrorMessage(described) });
      break;
    }
  }
  log(`invoked ${invocations.length} time(s)`);

  const failed = invocations.filter((i) => !i.ok);
  const latencies = invocations.map((i) => i.latencyMs);
  return {
    account,
    passed: failed.length === 0,
    endpointStatus: endpoint.status,
    dataCaptureEnabled: endpoint.dataCaptureEnabled,
    invocations,
    p50LatencyMs: percentile(latencies, 50),
    maxLatencyMs: latencies.length === 0 ? null : Math.max(...latencies),
    durationMs: now() - started,
    ...(failed.length === 0
      ? {}
      : { failure: `${failed.length} of ${definition.invocations} invocations failed; first: ${failed[0].error}` }),
  };
}

async function assumeRole(options: RunStagingTestOptions, roleArn: string, account: string): Promise<CredentialsProvider> {
  const now = options.now ?? Date.now;
  const assume = async (): Promise<AwsCredentials> => {
    const output = await send(
      options.sts,
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: `staging-test-${account}` }),
      { action: 'sts:AssumeRole', resource: roleArn, account },
      { sleep: options.sleep },
    );
    const c = output.Credentials;
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) {
      throw new Error('AssumeRole returned no credentials');
    }
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  };
  // Assumed now rather than on the first SDK call, so that a missing role or trust fails here with a clear message.
  let current = await assume();
  let refreshing: Promise<AwsCredentials> | undefined;
  return async () => {
    if (current.expiration === undefined || current.expiration.getTime() - now() > CREDENTIALS_REFRESH_MARGIN_MS) {
      return current;
    }
    refreshing ??= assume().finally(() => (refreshing = undefined));
    current = await refreshing;
    return current;
  };
}

interface EndpointState {
  readonly status: string | null;
  readonly dataCaptureEnabled: boolean;
  readonly endpointConfigName?: string;
  readonly failure?: string;
}

/**
 * Why the InService endpoint does not serve `expected`, or undefined when every production variant's
 * model is built from it: DescribeEndpoint → DescribeEndpointConfig (variants) → DescribeModel
 * (containers' ModelPackageName). An endpoint whose deploy stage did not update it still answers
 * invocations, with the previous model, so a passing invocation alone proves nothing.
 */
async function checkServedModelPackage(
  options: RunStagingTestOptions,
  sagemaker: AwsClient,
  account: string,
  partition: string,
  endpointConfigName: string | undefined,
  expected: string,
): Promise<string | undefined> {
  const name = options.endpointName;
  const where = `in account ${account} (${options.region})`;
  const arn = (resource: string, resourceName: string) => `arn:${partition}:sagemaker:${options.region}:${account}:${resource}/${resourceName.toLowerCase()}`;
  if (endpointConfigName === undefined) {
    return `endpoint ${name} ${where} reports no endpoint configuration, so the model package it serves is unknown`;
  }
  try {
    const config = await send(
      sagemaker,
      new DescribeEndpointConfigCommand({ EndpointConfigName: endpointConfigName }),
      { action: 'sagemaker:DescribeEndpointConfig', resource: arn('endpoint-config', endpointConfigName), account },
      { sleep: options.sleep },
    );
    const variants = config.ProductionVariants ?? [];
    if (variants.length === 0) {
      return `endpoint ${name} ${where}: its configuration ${endpointConfigName} has no production variant`;
    }
    for (const variant of variants) {
      const modelName = variant.ModelName ?? '';
      const model = await send(
        sagemaker,
        new DescribeModelCommand({ ModelName: modelName }),
        { action: 'sagemaker:DescribeModel', resource: arn('model', modelName), account },
        { sleep: options.sleep },
      );
      const served = [model.PrimaryContainer, ...(model.Containers ?? [])]
        .map((container) => container?.ModelPackageName)
        .filter((p): p is string => p !== undefined);
      const what = `(variant ${variant.VariantName}, model ${modelName})`;
      if (served.length === 0) {
        return `endpoint ${name} ${where} serves a model built from no model package ${what}, not ${expected}: deploy the endpoint stack with this build's parameters`;
      }
      if (!served.some((p) => p === expected || p.toLowerCase() === expected.toLowerCase())) {
        return (
          `endpoint ${name} ${where} serves ${served.join(', ')} ${what}, not ${expected}, the model package of this build: ` +
          'the deploy stage did not update it; check the stack (set) instance of this account'
        );
      }
    }
    return undefined;
  } catch (error) {
    return `cannot check which model package endpoint ${name} ${where} serves: ${messageOf(error)}`;
  }
}

async function waitInService(
  options: RunStagingTestOptions,
  sagemaker: AwsClient,
  account: string,
  endpointArn: string,
  log: (message: string) => void,
): Promise<EndpointState> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const timeoutMs = options.inServiceTimeoutMs ?? 1_800_000;
  const deadline = now() + timeoutMs;
  const name = options.endpointName;
  const where = `in account ${account} (${options.region})`;
  let delay = FIRST_POLL_DELAY_MS;
  for (;;) {
    let endpoint: DescribeEndpointCommandOutput;
    try {
      endpoint = await send(
        sagemaker,
        new DescribeEndpointCommand({ EndpointName: name }),
        { action: 'sagemaker:DescribeEndpoint', resource: endpointArn, account },
        { sleep: options.sleep },
      );
    } catch (error) {
      return {
        status: null,
        dataCaptureEnabled: false,
        failure: isNotFound(error)
          ? `endpoint ${name} does not exist ${where}: the deploy stage should have created it; check the stack set instance of this account`
          : `cannot describe endpoint ${name} ${where}: ${messageOf(error)}`,
      };
    }
    const status = endpoint.EndpointStatus ?? 'Unknown';
    const dataCaptureEnabled = endpoint.DataCaptureConfig?.EnableCapture === true;
    const reason = endpoint.FailureReason ? `: ${endpoint.FailureReason}` : '';
    if (status === 'InService') {
      log(`endpoint ${name} is InService (data capture ${dataCaptureEnabled ? 'on' : 'off'})`);
      return { status, dataCaptureEnabled, endpointConfigName: endpoint.EndpointConfigName };
    }
    if (TERMINAL_STATUSES.has(status)) {
      return { status, dataCaptureEnabled, failure: `endpoint ${name} is ${status} ${where}${reason}` };
    }
    const remaining = deadline - now();
    if (remaining <= 0) {
      return {
        status,
        dataCaptureEnabled,
        failure: `endpoint ${name} is still ${status} ${where} after ${Math.round(timeoutMs / 1000)} s (IN_SERVICE_TIMEOUT_SECONDS)${reason}`,
      };
    }
    const wait = Math.min(delay, remaining);
    log(`endpoint ${name} is ${status}; next check in ${Math.round(wait / 1000)} s`);
    await sleep(wait);
    delay = Math.min(delay * 2, MAX_POLL_DELAY_MS);
  }
}

function failedResult(account: string, durationMs: number, failure: string): AccountTestResult {
  return {
    account,
    passed: false,
    endpointStatus: null,
    dataCaptureEnabled: false,
    invocations: [],
    p50LatencyMs: null,
    maxLatencyMs: null,
    durationMs,
    failure,
  };
}

function invokeErrorMessage(error: unknown): string {
  const e = error as { name?: string; OriginalStatusCode?: number; OriginalMessage?: string; LogStreamArn?: string };
  const model =
    e.OriginalStatusCode !== undefined
      ? ` (the model answered ${e.OriginalStatusCode}${e.OriginalMessage ? `: ${e.OriginalMessage}` : ''}` +
        `${e.LogStreamArn ? `; logs: ${e.LogStreamArn}` : ''})`
      : '';
  // Our AccessDeniedError says all; a service error's name (ModelError, ValidationError...) is the first thing to know.
  const name = !(error instanceof AccessDeniedError) && e.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${messageOf(error)}${model}`;
}

function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function checkOptions(options: RunStagingTestOptions): void {
  if (options.accounts.length === 0) {
    throw new Error('runStagingTest: accounts is empty: give the stage accounts to test');
  }
  const bad = options.accounts.filter((a) => !ACCOUNT.test(a));
  if (bad.length > 0) {
    throw new Error(`runStagingTest: not 12-digit AWS account ids: ${bad.join(', ')}`);
  }
  if (new Set(options.accounts).size !== options.accounts.length) {
    throw new Error('runStagingTest: an account is listed twice');
  }
  if (options.inServiceTimeoutMs !== undefined && !(options.inServiceTimeoutMs >= 0)) {
    throw new Error(`runStagingTest: inServiceTimeoutMs must be zero or more, got ${options.inServiceTimeoutMs}`);
  }
}
