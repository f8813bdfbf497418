// Stage accounts behind mocked STS, SageMaker and SageMaker Runtime clients, with a fake clock: the
// credentials a client was built with tell the fakes which account a call is made in, as in AWS.
import { DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeModelCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import type { CredentialsProvider, RunStagingTestOptions } from '../../src/endpoint-deploy/staging-test';
import { awsError, REGION } from '../fakes';

export interface FakeEndpoint {
  /** Statuses returned by successive DescribeEndpoint calls; the last one repeats. */
  statuses: string[];
  failureReason?: string;
  dataCapture?: boolean;
  /** Latency of each invocation in ms; the last one repeats. */
  latencies?: number[];
  /** Makes the n-th invocation (0-based) throw this error. */
  invokeErrors?: Map<number, Error>;
  /** The model package each production variant's model is built from (DescribeModel ModelPackageName); none: a model from an image. */
  modelPackages?: (string | undefined)[];
}

/** The model package a staging endpoint serves unless a test says otherwise. */
export const SERVED_MODEL_PACKAGE = 'arn:aws:sagemaker:eu-west-1:444444444444:model-package/churn/7';

export class EndpointWorld {
  readonly sts: AwsClientStub<STSClient>;
  readonly sagemaker: AwsClientStub<SageMakerClient>;
  readonly runtime: AwsClientStub<SageMakerRuntimeClient>;
  readonly endpoints = new Map<string, FakeEndpoint>();
  /** Accounts whose test role does not trust the caller. */
  readonly untrusted = new Set<string>();
  readonly sleeps: number[] = [];
  /** The order in which accounts were first described, to show that the report order is the input order. */
  readonly describeOrder: string[] = [];
  credentialsLifetimeMs = 3_600_000;
  time = Date.UTC(2026, 0, 1, 12);
  private readonly invocationCount = new Map<string, number>();
  private readonly describeCount = new Map<string, number>();

  constructor() {
    this.sts = mockClient(STSClient);
    this.sagemaker = mockClient(SageMakerClient);
    this.runtime = mockClient(SageMakerRuntimeClient);

    this.sts.on(AssumeRoleCommand).callsFake((input) => {
      const account = input.RoleArn.split(':')[4];
      if (this.untrusted.has(account)) {
        throw awsError('AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`, 403);
      }
      return {
        Credentials: {
          AccessKeyId: `ASIA${account}`,
          SecretAccessKey: 'secret',
          SessionToken: 'token',
          Expiration: new Date(this.time + this.credentialsLifetimeMs),
        },
      };
    });

    this.sagemaker.on(DescribeEndpointCommand).callsFake(async (input, getClient) => {
      const account = await accountOf(getClient());
      if (!this.describeOrder.includes(account)) {
        this.describeOrder.push(account);
      }
      const endpoint = this.endpoints.get(account);
      if (endpoint === undefined) {
        throw awsError('ValidationException', `Could not find endpoint "${input.EndpointName}".`);
      }
      const n = this.describeCount.get(account) ?? 0;
      this.describeCount.set(account, n + 1);
      return {
        EndpointName: input.EndpointName,
        EndpointArn: `arn:aws:sagemaker:${REGION}:${account}:endpoint/${input.EndpointName.toLowerCase()}`,
        EndpointStatus: endpoint.statuses[Math.min(n, endpoint.statuses.length - 1)],
        EndpointConfigName: `config-${account}`,
        FailureReason: endpoint.failureReason,
        DataCaptureConfig:
          endpoint.dataCapture === undefined ? undefined : { EnableCapture: endpoint.dataCapture, CaptureStatus: 'Started', CurrentSamplingPercentage: 100 },
      };
    });

    this.sagemaker.on(DescribeEndpointConfigCommand).callsFake(async (input, getClient) => {
      const account = await accountOf(getClient());
      const endpoint = this.endpoints.get(account)!;
      if (input.EndpointConfigName !== `config-${account}`) {
        throw awsError('ValidationException', `Could not find endpoint configuration "${input.EndpointConfigName}".`);
      }
      return {
        EndpointConfigName: input.EndpointConfigName,
        ProductionVariants: (endpoint.modelPackages ?? [SERVED_MODEL_PACKAGE]).map((_, i) => ({ VariantName: `variant-${i}`, ModelName: `model-${account}-${i}` })),
      };
    });

    this.sagemaker.on(DescribeModelCommand).callsFake(async (input, getClient) => {
      const account = await accountOf(getClient());
      const endpoint = this.endpoints.get(account)!;
      const i = Number(input.ModelName.split('-').pop());
      const modelPackage = (endpoint.modelPackages ?? [SERVED_MODEL_PACKAGE])[i];
      return {
        ModelName: input.ModelName,
        Containers: [modelPackage === undefined ? { Image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/model:1', ModelDataUrl: 's3://b/model.tar.gz' } : { ModelPackageName: modelPackage }],
      };
    });

    this.runtime.on(InvokeEndpointCommand).callsFake(async (_input, getClient) => {
      const account = await accountOf(getClient());
      const endpoint = this.endpoints.get(account)!;
      const n = this.invocationCount.get(account) ?? 0;
      this.invocationCount.set(account, n + 1);
      const latencies = endpoint.latencies ?? [50];
      this.time += latencies[Math.min(n, latencies.length - 1)];
      const error = endpoint.invokeErrors?.get(n);
      if (error !== undefined) {
        throw error;
      }
      return { Body: new TextEncoder().encode('0.93'), ContentType: 'text/csv', $metadata: { httpStatusCode: 200 } };
    });
  }

  addEndpoint(account: string, endpoint: Partial<FakeEndpoint> = {}): void {
    this.endpoints.set(account, { statuses: ['InService'], dataCapture: true, ...endpoint });
  }

  readonly now = (): number => this.time;

  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.time += ms;
  };

  /** The client factories and clock of runStagingTest. */
  options(): Pick<RunStagingTestOptions, 'sts' | 'sagemakerFor' | 'runtimeFor' | 'sleep' | 'now'> {
    return {
      sts: new STSClient({ region: REGION }),
      sagemakerFor: (credentials: CredentialsProvider, region: string) => new SageMakerClient({ region, credentials }),
      runtimeFor: (credentials: CredentialsProvider, region: string) => new SageMakerRuntimeClient({ region, credentials }),
      sleep: this.sleep,
      now: this.now,
    };
  }

  restore(): void {
    this.sts.restore();
    this.sagemaker.restore();
    this.runtime.restore();
  }
}

/** A SageMaker model error, as InvokeEndpoint throws it when the container answers with an error. */
export function modelError(status: number, message: string): Error {
  return Object.assign(awsError('ModelError', `Received server error (${status}) from primary with message "${message}"`, 424), {
    OriginalStatusCode: status,
    OriginalMessage: message,
    LogStreamArn: 'arn:aws:logs:eu-west-1:222222222222:log-group:/aws/sagemaker/Endpoints/churn-staging',
  });
}

async function accountOf(client: { config: unknown }): Promise<string> {
  const credentials = await (client.config as { credentials: () => Promise<{ accessKeyId: string }> }).credentials();
  return credentials.accessKeyId.slice('ASIA'.length);
}

/** Checks that `xml` is well-formed: one root, balanced and properly nested elements, quoted attributes, known entities. */
export function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/gy;
  const checkEntities = (value: string, at: number) => {
    if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(value)) {
      throw new Error(`unescaped & at ${at}`);
    }
  };
  for (let pos = 0; pos < body.length; ) {
    token.lastIndex = pos;
    const match = token.exec(body);
    if (match === null) {
      throw new Error(`cannot parse at ${pos}`);
    }
    pos = token.lastIndex;
    const [, closing, name, attributes, selfClosing, text, stray] = match;
    if (stray !== undefined) {
      throw new Error(`stray "<" at ${match.index}`);
    }
    if (text !== undefined) {
      if (stack.length === 0 && text.trim() !== '') {
        throw new Error(`text outside the root element: ${text}`);
      }
      checkEntities(text, match.index);
      continue;
    }
    checkEntities(attributes ?? '', match.index);
    if (closing) {
      if (stack.pop() !== name) {
        throw new Error(`</${name}> closes nothing open`);
      }
    } else {
      if (stack.length === 0) {
        roots++;
      }
      if (!selfClosing) {
        stack.push(name);
      }
    }
  }
  if (stack.length > 0 || roots !== 1) {
    throw new Error(`unbalanced XML: open ${stack.join(', ')}, ${roots} root elements`);
  }
}
