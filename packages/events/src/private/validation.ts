import { Token } from 'aws-cdk-lib';

const ACCOUNT_ID = /^\d{12}$/;

/**
 * Throws when `values` is empty.
 *
 * @param values the list to check
 * @param name the prop, prefixed by its function or construct, used in the message
 * @param hint what to do instead
 */
export function assertNonEmpty(values: readonly unknown[], name: string, hint = 'list at least one value'): void {
  if (!Array.isArray(values) || values.length === 0) {
    throw new Error(`${name} must not be empty; ${hint}.`);
  }
}

/**
 * Throws when a value is not a 12-digit AWS account id. Tokens pass: they are checked at deployment.
 *
 * @param accounts the account ids to check
 * @param name the prop, prefixed by its function or construct, used in the message
 */
export function assertAccountIds(accounts: readonly string[], name: string): void {
  const invalid = accounts.filter((a) => !Token.isUnresolved(a) && !ACCOUNT_ID.test(a));
  if (invalid.length > 0) {
    throw new Error(`${name} must contain 12-digit AWS account ids, received ${JSON.stringify(invalid)}.`);
  }
}

/**
 * Throws when a literal value occurs twice.
 *
 * @param values the list to check
 * @param name the prop, prefixed by its function or construct, used in the message
 */
export function assertUnique(values: readonly string[], name: string): void {
  const duplicates = values.filter((v, i) => !Token.isUnresolved(v) && values.indexOf(v) !== i);
  if (duplicates.length > 0) {
    throw new Error(`${name} lists ${JSON.stringify([...new Set(duplicates)])} more than once; list each value once.`);
  }
}
