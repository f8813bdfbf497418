import { Token } from 'aws-cdk-lib';

const ACCOUNT_ID = /^\d{12}$/;

/**
 * Throws unless `value` is a 12-digit AWS account id; unresolved tokens pass because they are only known at
 * deploy time.
 *
 * @param what the prop name to name in the error message
 */
export function assertAccountId(what: string, value: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  if (!ACCOUNT_ID.test(value)) {
    throw new Error(`${what} must be a 12-digit AWS account id, got '${value}'.`);
  }
}

/**
 * Throws when a literal string is empty; unresolved tokens pass.
 *
 * @param what the prop name to name in the error message
 */
export function assertNonEmpty(what: string, value: string): void {
  if (!Token.isUnresolved(value) && value.trim() === '') {
    throw new Error(`${what} must not be empty.`);
  }
}

/**
 * Throws when a list is empty, naming the prop and what to pass instead.
 *
 * @param what the prop name to name in the error message
 * @param hint what the caller should pass
 */
export function assertNotEmptyList(what: string, values: readonly unknown[], hint: string): void {
  if (values.length === 0) {
    throw new Error(`${what} must not be empty: ${hint}.`);
  }
}

/**
 * Removes duplicates while keeping the first-seen order, so generated policies are stable.
 */
export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
