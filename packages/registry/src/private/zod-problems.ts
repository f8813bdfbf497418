import type { z } from 'zod';

/**
 * Turns zod issues into one line each: `<file>: <path>: <what is wrong and how to fix it> (got <value>)`.
 *
 * The schemas carry the fix in their messages; this adds where it is and what was received, and
 * suggests the intended key for an unknown key that differs only in case or separators (the usual
 * typo in hand-edited JSON).
 */
export function formatZodProblems(
  file: string,
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  knownRootKeys: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String);
    const where = path.length === 0 ? '' : `${formatPath(path)}: `;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const known = path.length === 0 ? knownRootKeys : [];
        const suggestion = known.find((k) => normalize(k) === normalize(key));
        const fix = suggestion !== undefined ? `did you mean "${suggestion}"?` : `remove it or fix its spelling (allowed: ${known.join(', ')})`;
        problems.push(`${file}: ${where}unknown key "${key}": ${fix}`);
      }
      continue;
    }
    if (issue.code === 'invalid_key') {
      problems.push(`${file}: ${where}${issue.issues.map((i) => i.message).join('; ')}`);
      continue;
    }
    const value = valueAt(input, path);
    const got = value === undefined || (typeof value === 'object' && value !== null) ? '' : ` (got ${JSON.stringify(value)})`;
    problems.push(`${file}: ${where}${issue.message}${got}`);
  }
  return problems;
}

function formatPath(path: readonly string[]): string {
  return path.map((key, i) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${i === 0 ? '' : '.'}${key}` : `[${JSON.stringify(key)}]`)).join('');
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[-_ ]/g, '');
}

function valueAt(input: unknown, path: readonly string[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
