import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * A harness for the moto server, an AWS emulator over HTTP (`python3 -m moto.server`), for the
 * emulator integration tests (`test-emulator/`, nx target `test:emulator`).
 *
 * What moto does and does not model is listed in `../shared/reference/verification.md` and
 * `docs/adr/0008-emulator-integration-tests.md`; the parts this harness relies on are cited where used.
 */

/** Static credentials, as SDK v3 clients take them. */
export interface MotoCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** The environment variable the emulator target's global setup sets for the test workers. */
export const MOTO_STATUS_VARIABLE = 'SAGEMAKER_MLOPS_MOTO';

/** Whether `python3 -m moto.server` can run here, and if not, why. */
export interface MotoStatus {
  readonly available: boolean;
  /** The moto version, when available. */
  readonly version?: string;
  /** Why it is not available. */
  readonly reason?: string;
}

let cachedStatus: MotoStatus | undefined;

/**
 * Checks once per process whether moto's server can be imported by `python3`.
 *
 * A worker of the emulator target reads the answer of the global setup ({@link MOTO_STATUS_VARIABLE})
 * instead of starting Python again.
 */
export function motoStatus(): MotoStatus {
  if (cachedStatus !== undefined) return cachedStatus;
  const fromSetup = process.env[MOTO_STATUS_VARIABLE];
  if (fromSetup !== undefined && fromSetup !== '') {
    cachedStatus = fromSetup.startsWith('available ')
      ? { available: true, version: fromSetup.slice('available '.length) }
      : { available: false, reason: fromSetup.replace(/^unavailable: /, '') };
    return cachedStatus;
  }
  const probe = spawnSync('python3', ['-c', 'import moto, moto.server; print(moto.__version__)'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (probe.error !== undefined) {
    cachedStatus = { available: false, reason: `python3 cannot run (${probe.error.message})` };
  } else if (probe.status !== 0) {
    const lastLine = (probe.stderr ?? '').trim().split('\n').pop() ?? '';
    cachedStatus = { available: false, reason: `python3 cannot import moto.server (${lastLine})` };
  } else {
    cachedStatus = { available: true, version: probe.stdout.trim() };
  }
  return cachedStatus;
}

/**
 * True when the emulator tests must run: moto is available. When it is not, false outside CI, and
 * under `CI=true` an Error (a CI machine without moto must not pass by skipping).
 */
export function motoRequired(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const status = motoStatus();
  if (status.available) return true;
  if (env.CI === 'true') {
    throw new Error(`CI=true but the AWS emulator cannot run: ${status.reason}. Install moto[server] 5.x (pip install 'moto[server]')`);
  }
  return false;
}

/**
 * The vitest global setup of the emulator target: checks moto once, prints ONE line when the tests
 * are skipped (unless `npm test` said it already), fails under CI=true without moto, and tells the
 * workers through the environment.
 */
export function motoGlobalSetup(): void {
  // `npm test` (tools/scripts/run-tests.mjs) checks once for every project and says it itself.
  const announced = (process.env[MOTO_STATUS_VARIABLE] ?? '') !== '';
  const status = motoStatus();
  process.env[MOTO_STATUS_VARIABLE] = status.available ? `available ${status.version}` : `unavailable: ${status.reason}`;
  if (!motoRequired() && !announced) {
    console.log(`AWS emulator tests skipped: ${status.reason}`);
  }
}

/** Options of {@link startMoto}. */
export interface StartMotoOptions {
  /**
   * `INITIAL_NO_AUTH_ACTION_COUNT`: requests served before moto checks every request against the
   * caller's IAM identity policies. Setup usually runs unchecked, then {@link MotoServer.enforceIam} turns
   * the checks on at a known point.
   *
   * @default - never checked (moto's own default, infinity)
   */
  readonly initialNoAuthActionCount?: number;
  /**
   * How long the server may live; it is killed after that, failing whatever still runs.
   *
   * @default 120000
   */
  readonly maxLifetimeMs?: number;
  /**
   * How many requests the server may serve; it is killed after that (a runaway loop fails fast).
   *
   * @default 5000
   */
  readonly maxRequests?: number;
  /**
   * How long to wait for the server to answer.
   *
   * @default 20000
   */
  readonly startTimeoutMs?: number;
}

/** Options of {@link MotoServer.clientConfig}. */
export interface MotoClientConfigOptions {
  /** @default - the server's region */
  readonly region?: string;
  /** @default - moto's default account (static "testing" credentials) */
  readonly credentials?: MotoCredentials;
}

/** A running moto server on a loopback port. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  /** The region of clients built with {@link MotoServer.clientConfig}. */
  readonly region: string;
  /** The partition of {@link MotoServer.region}. */
  readonly partition: string;
  /** The number of requests served so far (from the server's request log). */
  requestCount(): number;
  /**
   * SDK v3 client configuration for this server: endpoint override, path-style S3 (virtual hosts do
   * not resolve on 127.0.0.1), static credentials, no retries (the tools retry themselves).
   */
  clientConfig(options?: MotoClientConfigOptions): {
    endpoint: string;
    region: string;
    credentials: MotoCredentials;
    forcePathStyle: true;
    maxAttempts: number;
  };
  /**
   * The environment of a child process (a bundled tool) using this server through `AWS_ENDPOINT_URL`,
   * which SDK v3 honours for every client (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
   */
  childEnv(credentials: MotoCredentials, region?: string): Record<string, string>;
  /** Credentials acting in `account`: an assumed role there (created with administrator rights on first use). */
  adminCredentials(account: string): Promise<MotoCredentials>;
  /** Creates role `name` in the account of `admin` with one inline policy document and an open trust policy. */
  createRole(admin: MotoCredentials, name: string, policyDocument: PolicyDocument): Promise<string>;
  /**
   * One signed AWS Query API call (IAM, STS, ...) with `credentials`; resolves to the XML answer.
   *
   * @throws Error with the status and the answer when it is not 2xx
   */
  query(service: string, credentials: MotoCredentials, params: Record<string, string>): Promise<string>;
  /** Assumes `roleArn` with `credentials` and returns the session's credentials. */
  assumeRole(credentials: MotoCredentials, roleArn: string, sessionName?: string): Promise<MotoCredentials>;
  /**
   * From now on, moto checks every request against the caller's IAM identity policies
   * (moto-api `reset-auth` with 0 requests left unchecked).
   */
  enforceIam(): Promise<void>;
  /** Stops checking IAM (setup and assertions as administrator run unchecked again). */
  relaxIam(): Promise<void>;
  /** Forgets every resource (moto-api `reset`). */
  reset(): Promise<void>;
  /** Stops the server; resolves when the process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * `python3 -m moto.server`, with one fix to moto 5.2's signature check of S3 requests (made only once
 * IAM is enforced): it signs the URL as werkzeug decoded it, so a request whose query value holds a
 * `/` (ListObjectsV2 `prefix=a%2Fb%2F`) or whose key holds a `+` fails with SignatureDoesNotMatch
 * although the SDK signed it correctly. The URL is re-encoded as SigV4 for S3 requires (each byte
 * but unreserved characters percent-encoded once, `/` kept in the path:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html) before moto computes
 * the signature. Policy evaluation is untouched.
 */
const MOTO_SERVER_SHIM = `
from urllib.parse import quote, unquote, urlsplit
from moto.iam import access_control
from moto.server import main

_create = access_control.S3IAMRequest._create_aws_request

def _reencoded(self):
    request = _create(self)
    parts = urlsplit(request.url)
    pairs = [pair.partition("=") for pair in parts.query.split("&") if pair]
    query = "&".join(quote(unquote(k), safe="-_.~") + "=" + quote(unquote(v), safe="-_.~") for k, _, v in pairs)
    request.url = quote(unquote(parts.path), safe="/-_.~") + ("?" + query if query else "")
    return request

access_control.S3IAMRequest._create_aws_request = _reencoded
main()
`;

const DEFAULT_CREDENTIALS: MotoCredentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const ADMIN_ROLE = 'emulator-admin';

/**
 * Starts `python3 -m moto.server` on a free port of 127.0.0.1 and waits until it answers.
 *
 * @param region the region of the clients ({@link MotoServer.clientConfig})
 */
export async function startMoto(region: string, options: StartMotoOptions = {}): Promise<MotoServer> {
  // The port is free when probed, but another process (a parallel test file) may take it before moto
  // binds it: moto then exits at once, and another port is tried.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startMotoOnce(region, options);
    } catch (error) {
      if (attempt >= 3 || !(error instanceof PortTakenError)) throw error;
    }
  }
}

class PortTakenError extends Error {}

async function startMotoOnce(region: string, options: StartMotoOptions): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const env: Record<string, string | undefined> = { ...process.env, AWS_DEFAULT_REGION: region };
  if (options.initialNoAuthActionCount !== undefined) {
    env.INITIAL_NO_AUTH_ACTION_COUNT = String(options.initialNoAuthActionCount);
  }
  const child = spawn('python3', ['-c', MOTO_SERVER_SHIM, '-H', '127.0.0.1', '-p', String(port)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output: string[] = [];
  let requests = 0;
  const maxRequests = options.maxRequests ?? 5000;
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    // werkzeug logs one line per request: `127.0.0.1 - - [date] "GET /path HTTP/1.1" 200 -`.
    requests += (text.match(/"(GET|PUT|POST|DELETE|HEAD|PATCH) [^"]* HTTP\/1\.[01]"/g) ?? []).length;
    output.push(text);
    if (output.length > 200) output.splice(0, output.length - 200);
    if (requests > maxRequests) {
      output.push(`\n[harness] more than ${maxRequests} requests: moto stopped\n`);
      child.kill('SIGKILL');
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const lifetime = setTimeout(() => {
    output.push(`\n[harness] alive longer than ${options.maxLifetimeMs ?? 120_000} ms: moto stopped\n`);
    child.kill('SIGKILL');
  }, options.maxLifetimeMs ?? 120_000);
  lifetime.unref();

  let stopped = false;
  const stop = async () => {
    clearTimeout(lifetime);
    if (!stopped) {
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killLater = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killLater);
    }
  };

  try {
    await waitUntilReady(endpoint, child, options.startTimeoutMs ?? 20_000);
  } catch (error) {
    await stop();
    const text = output.join('');
    const message = `${(error as Error).message}\nmoto output:\n${text.slice(-2000)}`;
    throw /Address already in use/i.test(text) ? new PortTakenError(message) : new Error(message);
  }

  const partition = partitionOf(region);
  const admins = new Map<string, MotoCredentials>();
  const motoApi = async (path: string, body?: string) => {
    const response = await fetch(`${endpoint}/moto-api/${path}`, { method: 'POST', body, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`moto-api/${path} answered ${response.status}: ${await response.text()}`);
  };

  const server: MotoServer = {
    endpoint,
    port,
    region,
    partition,
    requestCount: () => requests,
    clientConfig: (o = {}) => ({
      endpoint,
      region: o.region ?? region,
      credentials: o.credentials ?? DEFAULT_CREDENTIALS,
      forcePathStyle: true,
      maxAttempts: 1,
    }),
    childEnv: (credentials, r = region) => ({
      PATH: process.env.PATH ?? '',
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: r,
      AWS_DEFAULT_REGION: r,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...(credentials.sessionToken !== undefined ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
      // Nothing of the developer's own AWS configuration may leak into the child.
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
    }),
    async adminCredentials(account) {
      let credentials = admins.get(account);
      if (credentials === undefined) {
        const roleArn = `arn:${partition}:iam::${account}:role/${ADMIN_ROLE}`;
        // moto: AssumeRole into a role ARN of another account returns credentials acting in that
        // account, even before the role exists (checked only once IAM is enforced).
        credentials = await server.assumeRole(DEFAULT_CREDENTIALS, roleArn, 'emulator-setup');
        await server.createRole(credentials, ADMIN_ROLE, {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        });
        admins.set(account, credentials);
      }
      return credentials;
    },
    async createRole(admin, name, policyDocument) {
      const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] };
      const created = await query(endpoint, 'iam', 'us-east-1', admin, {
        Action: 'CreateRole',
        Version: '2010-05-08',
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify(trust),
      });
      await query(endpoint, 'iam', 'us-east-1', admin, {
        Action: 'PutRolePolicy',
        Version: '2010-05-08',
        RoleName: name,
        PolicyName: `${name}-policy`,
        PolicyDocument: JSON.stringify(policyDocument),
      });
      return xmlValue(created, 'Arn');
    },
    query: (service, credentials, params) => query(endpoint, service, service === 'iam' ? 'us-east-1' : region, credentials, params),
    async assumeRole(credentials, roleArn, sessionName = 'emulator-test') {
      const answer = await query(endpoint, 'sts', region, credentials, {
        Action: 'AssumeRole',
        Version: '2011-06-15',
        RoleArn: roleArn,
        RoleSessionName: sessionName,
      });
      return {
        accessKeyId: xmlValue(answer, 'AccessKeyId'),
        secretAccessKey: xmlValue(answer, 'SecretAccessKey'),
        sessionToken: xmlValue(answer, 'SessionToken'),
      };
    },
    enforceIam: () => motoApi('reset-auth', '0'),
    relaxIam: () => motoApi('reset-auth', String(Number.MAX_SAFE_INTEGER)),
    async reset() {
      await motoApi('reset');
      admins.clear();
    },
    stop,
  };
  return server;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 400 && Date.now() < deadline; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`moto server exited (${child.exitCode ?? child.signalCode}) before answering on ${endpoint}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** One signed AWS Query API call (IAM, STS), without an SDK client (test-utils has no AWS SDK dependency). */
async function query(
  endpoint: string,
  service: string,
  region: string,
  credentials: MotoCredentials,
  params: Record<string, string>,
): Promise<string> {
  const body = new URLSearchParams(params).toString();
  const url = new URL(endpoint);
  const amzDate = new Date().toISOString().replace(/[:-]|\.\d{3}/g, '');
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    host: url.host,
    'x-amz-date': amzDate,
    ...(credentials.sessionToken !== undefined ? { 'x-amz-security-token': credentials.sessionToken } : {}),
  };
  headers.authorization = signatureV4({ method: 'POST', path: '/', headers, body, service, region, credentials, amzDate });
  const response = await fetch(`${endpoint}/`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${service} ${params.Action} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return text;
}

/** AWS Signature Version 4 of a request without a query string (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html). */
function signatureV4(request: {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  service: string;
  region: string;
  credentials: MotoCredentials;
  amzDate: string;
}): string {
  const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
  const names = Object.keys(request.headers).map((n) => n.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const signedHeaders = names.join(';');
  const canonical = [
    request.method,
    request.path,
    '',
    names.map((n) => `${n}:${lower[n].trim()}\n`).join(''),
    signedHeaders,
    sha256(request.body),
  ].join('\n');
  const date = request.amzDate.slice(0, 8);
  const scope = `${date}/${request.region}/${request.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', request.amzDate, scope, sha256(canonical)].join('\n');
  let key = hmac(`AWS4${request.credentials.secretAccessKey}`, date);
  for (const part of [request.region, request.service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${request.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

function xmlValue(xml: string, element: string): string {
  const match = new RegExp(`<${element}>([^<]*)</${element}>`).exec(xml);
  if (match === null) throw new Error(`no <${element}> in ${xml.slice(0, 300)}`);
  return match[1].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
}

// ---------------------------------------------------------------------------------------------
// IAM policies taken from a synthesized template

/** An IAM policy statement, as a template holds it. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: PolicyStatement[];
}

/** A CloudFormation template, as much of it as this module reads. */
export interface TemplateLike {
  readonly Resources?: Record<string, { readonly Type: string; readonly Properties?: Record<string, any> }>;
}

/** Values of the intrinsics that {@link resolveIntrinsics} turns into strings. */
export interface IntrinsicValues {
  readonly account: string;
  readonly region: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** @default 'amazonaws.com' */
  readonly urlSuffix?: string;
  /** @default 'emulated-stack' */
  readonly stackName?: string;
  /**
   * `Ref` of a resource or parameter, by logical id.
   *
   * @default - a resource's logical id (its emulated physical name); a parameter's Default
   */
  readonly refs?: Readonly<Record<string, string>>;
  /**
   * `Fn::GetAtt`, by `<logicalId>.<attribute>`.
   *
   * @default - the `Arn` of buckets, keys, roles, queues, log groups, CodeBuild projects and report groups, and functions built from the logical id
   */
  readonly getAtts?: Readonly<Record<string, string>>;
}

/**
 * Replaces the CloudFormation intrinsics of `value` (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`,
 * `Fn::Select`, `Fn::Split`, `Fn::If` with the template's `Conditions`, `Fn::Equals`/`Or`/`And`/`Not`)
 * by concrete values for an emulated account; `Ref: AWS::NoValue` removes the property.
 *
 * @throws Error naming the path of an intrinsic it cannot resolve (pass its value in `refs`/`getAtts`)
 */
export function resolveIntrinsics(value: unknown, template: TemplateLike, values: IntrinsicValues, path = '$'): any {
  const partition = values.partition ?? 'aws';
  const pseudo: Record<string, string> = {
    'AWS::AccountId': values.account,
    'AWS::Region': values.region,
    'AWS::Partition': partition,
    'AWS::URLSuffix': values.urlSuffix ?? 'amazonaws.com',
    'AWS::StackName': values.stackName ?? 'emulated-stack',
  };
  const ref = (id: string): string => {
    if (pseudo[id] !== undefined) return pseudo[id];
    if (id === 'AWS::NoValue') return NO_VALUE as unknown as string;
    if (values.refs?.[id] !== undefined) return values.refs[id];
    const parameter = (template as { Parameters?: Record<string, { Default?: string }> }).Parameters?.[id];
    if (parameter?.Default !== undefined) return String(parameter.Default);
    if (template.Resources?.[id] !== undefined) return id;
    throw new Error(`${path}: cannot resolve { Ref: ${id} }; pass it in refs`);
  };
  const getAtt = (id: string, attribute: string): string => {
    const key = `${id}.${attribute}`;
    if (values.getAtts?.[key] !== undefined) return values.getAtts[key];
    const type = template.Resources?.[id]?.Type;
    const arn = (service: string, resource: string, regional = true) =>
      `arn:${partition}:${service}:${regional ? values.region : ''}:${regional ? values.account : ''}:${resource}`;
    if (attribute === 'Arn') {
      switch (type) {
        case 'AWS::S3::Bucket':
          return `arn:${partition}:s3:::${ref(id)}`;
        case 'AWS::KMS::Key':
          return arn('kms', `key/${id}`);
        case 'AWS::IAM::Role':
          return `arn:${partition}:iam::${values.account}:role/${id}`;
        case 'AWS::SQS::Queue':
          return arn('sqs', id);
        case 'AWS::Logs::LogGroup':
          return arn('logs', `log-group:${id}:*`);
        case 'AWS::CodeBuild::Project':
          return arn('codebuild', `project/${id}`);
        case 'AWS::CodeBuild::ReportGroup':
          return arn('codebuild', `report-group/${id}`);
        case 'AWS::Lambda::Function':
          return arn('lambda', `function:${id}`);
      }
    }
    throw new Error(`${path}: cannot resolve { Fn::GetAtt: [${id}, ${attribute}] } (${type ?? 'unknown resource'}); pass it in getAtts`);
  };

  const condition = (name: string): boolean => {
    const expression = (template as { Conditions?: Record<string, unknown> }).Conditions?.[name];
    if (expression === undefined) throw new Error(`${path}: no condition ${name} in the template`);
    return resolveIntrinsics(expression, template, values, `Conditions.${name}`) === true;
  };
  if (Array.isArray(value)) {
    return value.map((v, i) => resolveIntrinsics(v, template, values, `${path}[${i}]`)).filter((v) => v !== NO_VALUE);
  }
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [name, argument] = entries[0] as [string, any];
    const inner = (v: unknown, suffix: string) => resolveIntrinsics(v, template, values, `${path}.${name}${suffix}`);
    switch (name) {
      case 'Ref':
        return ref(argument);
      case 'Fn::GetAtt': {
        const [id, attribute] = typeof argument === 'string' ? argument.split('.') : argument;
        return getAtt(id, attribute);
      }
      case 'Fn::Join':
        return (inner(argument[1], '[1]') as unknown[]).map(String).join(argument[0]);
      case 'Fn::Select':
        return (inner(argument[1], '[1]') as unknown[])[Number(inner(argument[0], '[0]'))];
      case 'Fn::Split':
        return String(inner(argument[1], '[1]')).split(argument[0]);
      case 'Fn::If':
        return condition(argument[0]) ? inner(argument[1], '[1]') : inner(argument[2], '[2]');
      case 'Fn::Equals':
        return JSON.stringify(inner(argument[0], '[0]')) === JSON.stringify(inner(argument[1], '[1]'));
      case 'Fn::Or':
        return (argument as unknown[]).some((c, i) => inner(c, `[${i}]`) === true);
      case 'Fn::And':
        return (argument as unknown[]).every((c, i) => inner(c, `[${i}]`) === true);
      case 'Fn::Not':
        return inner(argument[0], '[0]') !== true;
      case 'Condition':
        return condition(argument);
      case 'Fn::Sub': {
        const [text, variables] = typeof argument === 'string' ? [argument, {}] : [argument[0], inner(argument[1], '[1]')];
        return (text as string).replace(/\$\{([^}]+)\}/g, (_, expression: string) => {
          if (variables[expression] !== undefined) return String(variables[expression]);
          return expression.includes('.') ? getAtt(...(expression.split('.', 2) as [string, string])) : ref(expression);
        });
      }
    }
    if (name.startsWith('Fn::')) throw new Error(`${path}: ${name} is not supported`);
  }
  return Object.fromEntries(
    entries.map(([k, v]) => [k, resolveIntrinsics(v, template, values, `${path}.${k}`)]).filter(([, v]) => v !== NO_VALUE),
  );
}

/** `Ref: AWS::NoValue`: the property or item is removed. */
const NO_VALUE = Symbol('AWS::NoValue');

/**
 * The identity policy of role `roleLogicalId` in a synthesized template: the statements of every
 * `AWS::IAM::Policy` attached to it and of its inline `Policies`, with the intrinsics resolved.
 *
 * @throws Error when the role does not exist or has no statement
 */
export function rolePolicyFromTemplate(template: TemplateLike, roleLogicalId: string, values: IntrinsicValues): PolicyDocument {
  const resources = template.Resources ?? {};
  const role = resources[roleLogicalId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is not an AWS::IAM::Role of the template`);
  const statements: unknown[] = [];
  for (const inline of role.Properties?.Policies ?? []) statements.push(...inline.PolicyDocument.Statement);
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles: unknown[] = resource.Properties?.Roles ?? [];
    if (roles.some((r) => typeof r === 'object' && r !== null && (r as { Ref?: string }).Ref === roleLogicalId)) {
      statements.push(...resource.Properties!.PolicyDocument.Statement.map((s: object) => ({ ...s, __policy: id })));
    }
  }
  if (statements.length === 0) throw new Error(`role ${roleLogicalId} has no policy statement in the template`);
  const resolved = resolveIntrinsics(statements, template, values, roleLogicalId) as Array<PolicyStatement & { __policy?: string }>;
  return { Version: '2012-10-17', Statement: resolved.map(({ __policy, ...s }) => s as PolicyStatement) };
}

/** Options of {@link policyForMoto}. */
export interface PolicyForMotoOptions {
  /**
   * How each condition key of the template's statements is emulated: moto evaluates almost no
   * condition key, and turns an Allow whose condition it cannot match into a Deny of the whole request.
   * Return the statement to use instead (e.g. resources narrowed to what the condition allows), or
   * `undefined` to drop the statement. A condition key without an entry is an error.
   */
  readonly conditions?: Readonly<Record<string, (statement: PolicyStatement) => PolicyStatement | undefined>>;
}

/** Services for which moto authorizes a request against its resource ARN rather than `*` (moto 5.2). */
const RESOURCE_AWARE_SERVICES = new Set(['s3', 'iam', 'sts', 'sqs']);

/**
 * Adapts an identity policy to what moto's IAM enforcement evaluates, keeping every action and every
 * resource moto can check.
 *
 * - moto authorizes S3, IAM, STS and SQS requests against the resource ARN; every other service
 *   (SageMaker, ECR, KMS, logs, ...) against `*` (moto `core/responses.py` `call_action`), where a
 *   statement naming an ARN never matches. Statements of those services are kept with `Resource: "*"`,
 *   so their ACTIONS are still enforced; the resources of those services stay covered by the template
 *   assertions of the unit tests.
 * - conditions are replaced as `options.conditions` says.
 */
export function policyForMoto(document: PolicyDocument, options: PolicyForMotoOptions = {}): PolicyDocument {
  const statements: PolicyStatement[] = [];
  for (const original of document.Statement) {
    let statement: PolicyStatement | undefined = original;
    for (const operator of Object.values(original.Condition ?? {})) {
      for (const key of Object.keys(operator)) {
        const emulate = options.conditions?.[key];
        if (emulate === undefined) {
          throw new Error(`statement ${original.Sid ?? JSON.stringify(original.Action)} has condition key ${key}: say how to emulate it in conditions`);
        }
        statement = statement === undefined ? undefined : emulate(statement);
      }
    }
    if (statement === undefined) continue;
    const { Condition: _ignored, ...withoutCondition } = statement;
    if (statement.Action === undefined) {
      statements.push(withoutCondition as PolicyStatement);
      continue;
    }
    const actions = typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
    const aware = actions.filter((a) => RESOURCE_AWARE_SERVICES.has(a.split(':')[0]));
    const other = actions.filter((a) => !RESOURCE_AWARE_SERVICES.has(a.split(':')[0]));
    if (aware.length > 0) statements.push({ ...withoutCondition, Action: aware } as PolicyStatement);
    if (other.length > 0) statements.push({ ...withoutCondition, Action: other, Resource: '*' } as PolicyStatement);
  }
  return { Version: document.Version, Statement: statements };
}

/** `document` without `action` (the statement is dropped when it was its only action): for negative tests. */
export function withoutAction(document: PolicyDocument, action: string): PolicyDocument {
  let found = false;
  const statements = document.Statement.flatMap((s) => {
    const actions = s.Action === undefined ? [] : typeof s.Action === 'string' ? [s.Action] : s.Action;
    if (!actions.includes(action)) return [s];
    found = true;
    const rest = actions.filter((a) => a !== action);
    return rest.length > 0 ? [{ ...s, Action: rest }] : [];
  });
  if (!found) throw new Error(`no statement grants ${action}`);
  return { Version: document.Version, Statement: statements };
}

/** Every action a policy document allows, sorted (to assert which grants a test exercised). */
export function allowedActions(document: PolicyDocument): string[] {
  return [
    ...new Set(
      document.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) =>
        s.Action === undefined ? [] : typeof s.Action === 'string' ? [s.Action] : s.Action,
      ),
    ),
  ].sort();
}
