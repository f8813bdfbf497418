import { Stack } from 'aws-cdk-lib';
import { describe, expect, test } from 'vitest';
import { createTestApp, DUMMY_ACCOUNTS, DUMMY_REGION, dummyEnv, type DummyAccountKind } from '../src';

describe('DUMMY_ACCOUNTS', () => {
  test('holds four distinct 12-digit placeholder accounts', () => {
    // WHEN
    const accounts = Object.values(DUMMY_ACCOUNTS);

    // THEN
    expect(DUMMY_ACCOUNTS).toEqual({
      tooling: '111111111111',
      source: '222222222222',
      staging: '333333333333',
      prod: '444444444444',
    });
    expect(new Set(accounts).size).toBe(4);
    accounts.forEach((account) => expect(account).toMatch(/^\d{12}$/));
  });
});

describe('dummyEnv', () => {
  test('returns the account of the kind in the dummy region', () => {
    // WHEN
    const env = dummyEnv('staging');

    // THEN
    expect(env).toEqual({ account: '333333333333', region: 'eu-west-1' });
    expect(DUMMY_REGION).toBe('eu-west-1');
  });

  test('gives a stack a concrete environment', () => {
    // GIVEN
    const app = createTestApp();

    // WHEN
    const stack = new Stack(app, 'Prod', { env: dummyEnv('prod') });

    // THEN
    expect(stack.account).toBe(DUMMY_ACCOUNTS.prod);
    expect(stack.region).toBe(DUMMY_REGION);
  });

  test('fails when the kind is not a dummy account', () => {
    // WHEN / THEN
    expect(() => dummyEnv('dev' as DummyAccountKind)).toThrow(
      "kind must be one of tooling, source, staging, prod, got 'dev'.",
    );
  });
});
