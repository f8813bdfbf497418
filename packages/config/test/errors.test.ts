import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, issuesFromZod, listParam, accountId } from '../src';

describe('ConfigError', () => {
  it('lists every issue with its path, message and received value', () => {
    // GIVEN
    const issues = [
      { path: 'target_bucket_name', received: 'My_Bucket', message: 'bucket name contains uppercase letters' },
      { path: 'staging_accounts[1]', received: undefined, message: 'required, but not set' },
    ];

    // WHEN
    const error = new ConfigError('Seedfarmer parameters of module promote-pipeline', issues);

    // THEN
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.source).toBe('Seedfarmer parameters of module promote-pipeline');
    expect(error.issues).toEqual(issues);
    expect(error.message).toBe(
      [
        'Seedfarmer parameters of module promote-pipeline: 2 problems in the configuration:',
        '  - target_bucket_name: bucket name contains uppercase letters (received: "My_Bucket")',
        '  - staging_accounts[1]: required, but not set (received: nothing)',
      ].join('\n'),
    );
  });

  it('uses the singular for one problem and JSON for structured values', () => {
    const error = new ConfigError('config.yaml', [{ path: 'x', received: { a: [1, true] }, message: 'wrong' }]);
    expect(error.message).toBe('config.yaml: 1 problem in the configuration:\n  - x: wrong (received: {"a":[1,true]})');
  });
});

describe('issuesFromZod', () => {
  const schema = z.strictObject({
    bucket: z.string(),
    staging_accounts: listParam(accountId),
    retries: z.number().optional(),
  });

  it('looks up the received value by path, also inside JSON-encoded values', () => {
    // GIVEN
    const input = { bucket: 'b', staging_accounts: '["111111111111", "42"]' };

    // WHEN
    const result = schema.safeParse(input);
    const issues = issuesFromZod(result.error!, input);

    // THEN
    expect(issues).toEqual([{ path: 'staging_accounts[1]', received: '42', message: expect.stringContaining('12 digits') }]);
  });

  it('turns unrecognized keys into one issue per key, listing the known parameters', () => {
    const input = { bucket: 'b', staging_accounts: '[]', retry: 3, colour: 'blue' };
    const issues = issuesFromZod(schema.safeParse(input).error!, input, undefined, { schema });
    expect(issues).toEqual([
      { path: 'retry', received: 3, message: 'unknown parameter; known parameters are: bucket, staging_accounts, retries' },
      { path: 'colour', received: 'blue', message: 'unknown parameter; known parameters are: bucket, staging_accounts, retries' },
    ]);
  });

  it('explains missing and mistyped values and applies the path prefix', () => {
    const input = { staging_accounts: '[]', retries: 'three' };
    const issues = issuesFromZod(schema.safeParse(input).error!, input, 'parameters');
    expect(issues).toEqual([
      { path: 'parameters.bucket', received: undefined, message: 'required, but not set; give a string' },
      { path: 'parameters.retries', received: 'three', message: 'expected a number, got a string; change the value' },
    ]);
  });

  it('keeps messages written by the schema author', () => {
    const custom = z.object({ name: z.string().min(3, 'name must have 3 characters or more') });
    const issues = issuesFromZod(custom.safeParse({ name: 'ab' }).error!, { name: 'ab' });
    expect(issues).toEqual([{ path: 'name', received: 'ab', message: 'name must have 3 characters or more' }]);
  });
});
