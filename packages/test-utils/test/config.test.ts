import { describe, expect, it } from 'vitest';
import { catchConfigError, DUMMY_ACCOUNTS, seedfarmerEnv } from '../src';

class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: Array<{ path: string; received: unknown; message: string }>,
  ) {
    super(`${source}: ${issues.length} problem(s)`);
    this.name = 'ConfigError';
  }
}

describe('catchConfigError', () => {
  it('returns the ConfigError with its issues', () => {
    const error = catchConfigError(() => {
      throw new ConfigError('file.yaml', [{ path: 'a', received: 1, message: 'bad' }]);
    });
    expect(error.issues).toEqual([{ path: 'a', received: 1, message: 'bad' }]);
  });

  it('fails when the configuration is accepted', () => {
    expect(() => catchConfigError(() => 'ok')).toThrow(/expected a ConfigError/);
  });

  it('rethrows any other error', () => {
    expect(() =>
      catchConfigError(() => {
        throw new TypeError('boom');
      }),
    ).toThrow(TypeError);
  });
});

describe('seedfarmerEnv', () => {
  it('encodes parameters as Seedfarmer does and names the module', () => {
    const env = seedfarmerEnv({ moduleName: 'promote-pipeline', parameters: { target_bucket_name: 'b', retain_on_delete: false, accounts: ['1'] } });
    expect(env).toMatchObject({
      SEEDFARMER_MODULE_NAME: 'promote-pipeline',
      SEEDFARMER_PARAMETER_TARGET_BUCKET_NAME: 'b',
      SEEDFARMER_PARAMETER_RETAIN_ON_DELETE: 'false',
      SEEDFARMER_PARAMETER_ACCOUNTS: '["1"]',
      CDK_DEFAULT_ACCOUNT: DUMMY_ACCOUNTS.tooling,
    });
  });
});
