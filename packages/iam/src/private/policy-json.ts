/**
 * A case-insensitive matcher for an IAM action that may contain the `*` and `?` wildcards, as IAM evaluates it.
 */
export function actionPattern(action: string): RegExp {
  const body = action
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * Policy JSON allows a single value wherever it allows a list.
 */
export function asArray(value: unknown): unknown[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/**
 * The string entries of a policy JSON field given as one value or a list; unresolved intrinsics are skipped.
 */
export function asStrings(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === 'string');
}
