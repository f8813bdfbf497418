import { DUMMY_ACCOUNTS, DUMMY_REGION } from './fixture-accounts';

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

export interface SeedfarmerEnvOptions {
  /** `<group>-<module>`, as SEEDFARMER_MODULE_NAME. */
  readonly moduleName: string;
  /** Parameters by name; non-strings are JSON-encoded, as Seedfarmer does. */
  readonly parameters: Record<string, unknown>;
  /** @default DUMMY_ACCOUNTS.tooling */
  readonly account?: string;
  /** @default DUMMY_REGION */
  readonly region?: string;
  /** @default 'mlops' */
  readonly projectName?: string;
  /** @default 'test' */
  readonly deploymentName?: string;
}

/** The environment Seedfarmer (and the CDK CLI) give a module's synth. */
export function seedfarmerEnv(options: SeedfarmerEnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    SEEDFARMER_PROJECT_NAME: options.projectName ?? 'mlops',
    SEEDFARMER_DEPLOYMENT_NAME: options.deploymentName ?? 'test',
    SEEDFARMER_MODULE_NAME: options.moduleName,
    CDK_DEFAULT_ACCOUNT: options.account ?? DUMMY_ACCOUNTS.tooling,
    CDK_DEFAULT_REGION: options.region ?? DUMMY_REGION,
  };
  for (const [name, value] of Object.entries(options.parameters)) {
    env[`SEEDFARMER_PARAMETER_${name.toUpperCase()}`] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return env;
}
