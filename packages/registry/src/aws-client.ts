import type { $Command } from '@aws-sdk/client-sagemaker';

/**
 * Anything with the `send` method of an AWS SDK v3 client.
 *
 * Every function of this package takes its clients as parameters typed this way, so a real client,
 * an `aws-sdk-client-mock` mock or a counting wrapper (`{ send: (c) => { count++; return real.send(c); } }`)
 * can be passed alike.
 */
export interface AwsClient {
  /** Sends one command and resolves to its output. */
  send(command: $Command<any, any, any, any, any>): Promise<unknown>;
}
