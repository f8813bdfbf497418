/** The shape of `@sagemaker-mlops/config`'s ConfigError, without depending on that package. */
export interface ConfigErrorLike extends Error {
  readonly source: string;
  readonly issues: ReadonlyArray<{ readonly path: string; readonly received: unknown; readonly message: string }>;
}

/**
 * Runs `fn` and returns the ConfigError it throws. Throws when `fn` succeeds or throws anything
 * else, so a test that expects bad input to be rejected cannot pass by accident.
 */
export function catchConfigError(fn: () => unknown): ConfigErrorLike {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error && error.name === 'ConfigError' && Array.isArray((error as ConfigErrorLike).issues)) {
      return error as ConfigErrorLike;
    }
    throw error;
  }
  throw new Error('expected a ConfigError, but the configuration was accepted');
}
