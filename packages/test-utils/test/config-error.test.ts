import { describe, expect, it } from 'vitest';
import { catchConfigError } from '../src';

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
