/**
 * Placeholder account ids for tests, one per role in the multi-account setup. They are never real accounts:
 * use them instead of 12-digit literals so the repository's account-id scan stays meaningful.
 */
export const DUMMY_ACCOUNTS = {
  tooling: '111111111111',
  source: '222222222222',
  staging: '333333333333',
  prod: '444444444444',
} as const;

/**
 * The region of every dummy environment.
 */
export const DUMMY_REGION = 'eu-west-1';

/**
 * The role of an account in the multi-account setup: a key of `DUMMY_ACCOUNTS`.
 */
export type DummyAccountKind = keyof typeof DUMMY_ACCOUNTS;

/**
 * A concrete environment for a test stack.
 */
export interface DummyEnvironment {
  /**
   * One of `DUMMY_ACCOUNTS`.
   */
  readonly account: string;
  /**
   * Always `DUMMY_REGION`.
   */
  readonly region: string;
}

/**
 * The environment `{ account, region }` of a dummy account, to pass as a stack's `env`.
 *
 * @example new Stack(app, 'Staging', { env: dummyEnv('staging') })
 */
export function dummyEnv(kind: DummyAccountKind): DummyEnvironment {
  const account: string | undefined = DUMMY_ACCOUNTS[kind];
  if (account === undefined) {
    throw new Error(`kind must be one of ${Object.keys(DUMMY_ACCOUNTS).join(', ')}, got '${String(kind)}'.`);
  }
  return { account, region: DUMMY_REGION };
}
