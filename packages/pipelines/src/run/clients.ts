import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsClient } from './pipeline-run';

export interface RunClients {
  readonly sagemaker: AwsClient;
  readonly s3: AwsClient;
}

/** Extra SDK client configuration (the emulator tests pass an endpoint). */
export type ClientConfig = Record<string, unknown>;

/**
 * SDK clients for the run, optionally as a role of another account or region (AssumeRole): the
 * build account deploys and runs the pipeline where it lives.
 */
export async function runClients(options: { region?: string; assumeRoleArn?: string; sessionName?: string; config?: ClientConfig; sts?: AwsClient }): Promise<RunClients> {
  const base = { region: options.region, maxAttempts: 3, ...options.config };
  let credentials: ClientConfig = {};
  if (options.assumeRoleArn) {
    const sts = options.sts ?? new STSClient(base);
    const out = (await sts.send(
      new AssumeRoleCommand({ RoleArn: options.assumeRoleArn, RoleSessionName: (options.sessionName ?? 'pipeline-run').slice(0, 64) }),
    )) as { Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } };
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${options.assumeRoleArn} returned no credentials`);
    credentials = { credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } };
  }
  return { sagemaker: new SageMakerClient({ ...base, ...credentials }), s3: new S3Client({ ...base, ...credentials }) };
}
