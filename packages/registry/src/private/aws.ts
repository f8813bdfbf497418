import type { $Command } from '@aws-sdk/client-sagemaker';
import type { AwsClient } from '../aws-client';
import { describeAwsError, errorNameOf, httpStatusOf, withRetry, type AwsCallContext, type RetryOptions } from './retry';

type AnyCommand = $Command<any, any, any, any, any>;
type OutputOf<C> = C extends $Command<any, infer O, any, any, any> ? O : never;

/**
 * Sends `command` with our retry, and turns access-denied errors into actionable ones.
 */
export async function send<C extends AnyCommand>(
  client: AwsClient,
  command: C,
  context: AwsCallContext,
  retry: RetryOptions = {},
): Promise<OutputOf<C>> {
  try {
    return (await withRetry(() => client.send(command), retry)) as OutputOf<C>;
  } catch (error) {
    throw describeAwsError(error, context);
  }
}

/** True for the "does not exist" errors of S3 and SageMaker (which reports most of them as ValidationException). */
export function isNotFound(error: unknown): boolean {
  const name = errorNameOf(error);
  if (name === 'NotFound' || name === 'NoSuchKey' || name === 'ResourceNotFound' || name === 'ResourceNotFoundException') {
    return true;
  }
  if (httpStatusOf(error) === 404) {
    return true;
  }
  const message = error instanceof Error ? error.message : '';
  return name === 'ValidationException' && /does not exist|not found|cannot find|could not find/i.test(message);
}
