import { AccessDeniedError, AwsRequestRefusedError } from '../errors';

/** Waits `ms` milliseconds. */
export type Sleep = (ms: number) => Promise<void>;

/** How {@link withRetry} retries. */
export interface RetryOptions {
  /**
   * Total attempts, the first one included.
   *
   * @default 5
   */
  readonly attempts?: number;
  /**
   * Delay before the first retry; doubles each retry (with full jitter).
   *
   * @default 200
   */
  readonly baseDelayMs?: number;
  /**
   * Upper bound of one delay.
   *
   * @default 20000
   */
  readonly maxDelayMs?: number;
  /**
   * How to wait; injected so tests do not wait.
   *
   * @default - setTimeout
   */
  readonly sleep?: Sleep;
  /**
   * Source of randomness for the jitter, in [0, 1).
   *
   * @default Math.random
   */
  readonly random?: () => number;
  /**
   * Which errors are retried.
   *
   * @default isTransientAwsError
   */
  readonly retryIf?: (error: unknown) => boolean;
}

/** What an AWS call was doing, to turn an access-denied error into an actionable one. */
export interface AwsCallContext {
  /** The IAM action, e.g. `s3:GetObject`. */
  readonly action: string;
  /** The resource the call is about (ARN or S3 URI). */
  readonly resource: string;
  /** The account that owns the resource. */
  readonly account: string;
  /**
   * The owner the S3 request requires of its bucket(s) (ExpectedBucketOwner), as a phrase:
   * `<account>`, or `<source account> (source bucket) or <target account> (target bucket)`.
   *
   * @default - the request carries no bucket owner condition
   */
  readonly expectedBucketOwner?: string;
}

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'InternalServerException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
]);

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

const ACCESS_DENIED_NAMES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AccessDeniedError',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'Forbidden',
  'NotAuthorized',
]);

/**
 * 403 answers that are not about permissions: an archived object (botocore's s3 model:
 * InvalidObjectState, ObjectNotInActiveTierError), a skewed clock (RequestTimeTooSkewed), or
 * credentials/signatures that are not valid.
 */
const REFUSED_NOT_DENIED_NAMES = new Set([
  'InvalidObjectState',
  'ObjectNotInActiveTierError',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'ExpiredToken',
  'InvalidToken',
]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}

/** The HTTP status of an SDK error, if it carries one. */
export function httpStatusOf(error: unknown): number | undefined {
  const status = shape(error).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The error name, falling back to the `code`/`Code` property that some transports set. */
export function errorNameOf(error: unknown): string | undefined {
  const s = shape(error);
  for (const candidate of [s.name, s.Code, s.code]) {
    if (typeof candidate === 'string' && candidate !== 'Error') {
      return candidate;
    }
  }
  return undefined;
}

/** True for throttling, timeouts, 5xx and dropped connections: errors a later attempt can fix. */
export function isTransientAwsError(error: unknown): boolean {
  const s = shape(error);
  if (s.$retryable !== undefined && s.$retryable !== null && s.$retryable !== false) {
    return true;
  }
  const name = errorNameOf(error);
  if (name !== undefined && TRANSIENT_NAMES.has(name)) {
    return true;
  }
  if (typeof s.code === 'string' && TRANSIENT_CODES.has(s.code)) {
    return true;
  }
  const status = httpStatusOf(error);
  return status !== undefined && (status >= 500 || status === 429);
}

/** True when AWS refused the call for lack of permission. */
export function isAccessDenied(error: unknown): boolean {
  const name = errorNameOf(error);
  if (name !== undefined && ACCESS_DENIED_NAMES.has(name)) {
    return true;
  }
  return httpStatusOf(error) === 403 && !isTransientAwsError(error) && !(name !== undefined && REFUSED_NOT_DENIED_NAMES.has(name));
}

const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn`, retrying transient errors with exponential backoff and full jitter.
 *
 * Our own loop rather than the SDK's retry middleware: the middleware does not run under
 * aws-sdk-client-mock, so only a retry at this level can be tested.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 20_000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const retryIf = options.retryIf ?? isTransientAwsError;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new Error(`withRetry: attempts must be a positive integer, got ${attempts}`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts || !retryIf(error)) {
        throw error;
      }
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.floor(random() * ceiling));
    }
  }
}

/**
 * Turns an access-denied error into an {@link AccessDeniedError} naming the action, resource and
 * account, and a 403 that is no access denial into an {@link AwsRequestRefusedError} saying what it
 * is; returns any other error unchanged.
 */
export function describeAwsError(error: unknown, context: AwsCallContext): unknown {
  if (error instanceof AccessDeniedError || error instanceof AwsRequestRefusedError) {
    return error;
  }
  const name = errorNameOf(error);
  if (name !== undefined && REFUSED_NOT_DENIED_NAMES.has(name)) {
    return new AwsRequestRefusedError({ code: name, resource: context.resource, account: context.account, cause: error });
  }
  if (!isAccessDenied(error)) {
    return error;
  }
  return new AccessDeniedError({ ...context, cause: error });
}
