/** Waits `ms` milliseconds; injected so tests do not wait. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryOptions {
  /** Total attempts, the first included. @default 6 */
  readonly attempts?: number;
  /** First delay; doubles each retry, with full jitter. @default 500 */
  readonly baseDelayMs?: number;
  /** @default 20000 */
  readonly maxDelayMs?: number;
  /** @default - setTimeout */
  readonly sleep?: Sleep;
  /** In [0, 1). @default Math.random */
  readonly random?: () => number;
}

const TRANSIENT = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServerError',
  'RequestTimeout',
  'TimeoutError',
]);

/** Throttling, 5xx and dropped connections: what a later attempt can fix. */
export function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (e.$retryable) return true;
  if (e.name && TRANSIENT.has(e.name)) return true;
  if (e.code && ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE'].includes(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && (status >= 500 || status === 429);
}

/**
 * Runs `fn`, retrying transient errors with exponential backoff and full jitter. Our own loop, not
 * the SDK's retry middleware: the middleware does not run under aws-sdk-client-mock, so only a retry
 * at this level can be tested.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 6;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error;
      const ceiling = Math.min(options.maxDelayMs ?? 20_000, (options.baseDelayMs ?? 500) * 2 ** (attempt - 1));
      await sleep(Math.floor(random() * ceiling));
    }
  }
}
