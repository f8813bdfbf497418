import { z } from 'zod';
import { describeReceived, formatPath, jsonTypeOf, valueAt, type PathSegment } from './private/paths';
import { knownKeysAt } from './private/schema-walk';

/**
 * One problem found in a configuration.
 */
export interface ConfigIssue {
  /**
   * Where the problem is, e.g. `source_model_package_group_arn` or `staging_accounts[1]`.
   */
  readonly path: string;
  /**
   * The value that was found at `path`; `undefined` when nothing was given.
   */
  readonly received: unknown;
  /**
   * What is wrong and what to do about it.
   */
  readonly message: string;
}

/**
 * Every problem of one configuration source, reported at once.
 *
 * The message starts with `<source>: <N> problem(s) in the configuration:` and then lists one
 * issue per line as `  - <path>: <message> (received: <JSON value or "nothing">)`.
 */
export class ConfigError extends Error {
  /**
   * What was being read: a file path, or e.g. `Seedfarmer parameters of module promote-app`.
   */
  public readonly source: string;
  /**
   * The problems, in the order they were found.
   */
  public readonly issues: readonly ConfigIssue[];

  constructor(source: string, issues: readonly ConfigIssue[]) {
    super(formatConfigErrorMessage(source, issues));
    this.name = 'ConfigError';
    this.source = source;
    this.issues = Object.freeze([...issues]);
  }
}

function formatConfigErrorMessage(source: string, issues: readonly ConfigIssue[]): string {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message} (received: ${describeReceived(issue.received)})`);
  return [`${source}: ${count} in the configuration:`, ...lines].join('\n');
}

/**
 * Options of {@link issuesFromZod} beyond the required arguments.
 */
export interface IssuesFromZodOptions {
  /**
   * The schema that produced the error; used to list the known keys when a key is unknown.
   *
   * @default - unknown keys are reported without the list of known keys
   */
  readonly schema?: z.ZodType;
  /**
   * What a top-level key is called in messages (`unknown parameter; known parameters are: ...`).
   * Nested keys are always called "key".
   *
   * @default 'parameter'
   */
  readonly noun?: string;
}

/**
 * Converts the issues of a zod error into {@link ConfigIssue}s.
 *
 * The received value of each issue is looked up in `input` by the issue path (JSON text met on
 * the way is decoded, because Seedfarmer passes lists and objects JSON-encoded). An
 * unrecognized-keys issue becomes one issue per key. zod's generic messages are replaced by
 * messages that say what to do; messages written by a schema author are kept.
 *
 * @param error the error returned by `safeParse`
 * @param input the value that was parsed
 * @param pathPrefix put in front of every path, e.g. `parameters`
 * @param options see {@link IssuesFromZodOptions}
 */
export function issuesFromZod(
  error: z.ZodError,
  input: unknown,
  pathPrefix?: string,
  options: IssuesFromZodOptions = {},
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    issues.push(...convertIssue(issue, input, pathPrefix, options));
  }
  return issues;
}

function convertIssue(
  issue: z.core.$ZodIssue,
  input: unknown,
  pathPrefix: string | undefined,
  options: IssuesFromZodOptions,
): ConfigIssue[] {
  const path: PathSegment[] = [...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const noun = path.length === 0 ? (options.noun ?? 'parameter') : 'key';
    const known = options.schema ? knownKeysAt(options.schema, path) : undefined;
    const hint = known && known.length > 0
      ? `known ${noun}s are: ${known.join(', ')}`
      : 'remove it or fix its spelling';
    return issue.keys.map((key) => ({
      path: formatPath([...path, key], pathPrefix),
      received: valueAt(input, [...path, key]),
      message: `unknown ${noun}; ${hint}`,
    }));
  }
  const received = valueAt(input, path);
  return [{ path: formatPath(path, pathPrefix), received, message: messageFor(issue, received) }];
}

const ZOD_DEFAULT_MESSAGE = /^(Invalid input|Invalid option|Invalid string|Invalid number|Invalid key|Invalid element|Too small|Too big|Unrecognized key)/;

function messageFor(issue: z.core.$ZodIssue, received: unknown): string {
  if (!ZOD_DEFAULT_MESSAGE.test(issue.message)) {
    return issue.message;
  }
  switch (issue.code) {
    case 'invalid_type':
      if (received === undefined) {
        return `required, but not set; give ${describeExpected(issue.expected)}`;
      }
      return `expected ${describeExpected(issue.expected)}, got ${jsonTypeOf(received)}; change the value`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; use one of these values`;
    case 'too_small':
      return `${describeBound(issue.origin, 'at least', issue.minimum, issue.inclusive)}`;
    case 'too_big':
      return `${describeBound(issue.origin, 'at most', issue.maximum, issue.inclusive)}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue
        ? `does not match the pattern ${String(issue.pattern)}; fix the value`
        : `is not a valid ${issue.format}; fix the value`;
    case 'invalid_union':
      return describeUnion(issue);
    default:
      return issue.message;
  }
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'an object (a mapping of keys to values)';
    case 'int':
      return 'an integer';
    case 'nonoptional':
      return 'a value';
    case 'undefined':
    case 'never':
      return 'nothing (remove it)';
    default:
      return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
  }
}

function describeBound(origin: string, word: string, bound: unknown, inclusive: boolean | undefined): string {
  const n = typeof bound === 'bigint' ? Number(bound) : (bound as number);
  switch (origin) {
    case 'string':
      return `must be ${word} ${inclusive === false ? (word === 'at least' ? n + 1 : n - 1) : n} characters long`;
    case 'array':
    case 'set':
      return `must have ${word} ${inclusive === false ? (word === 'at least' ? n + 1 : n - 1) : n} items`;
    default:
      return `must be ${word === 'at least' ? (inclusive === false ? '>' : '>=') : inclusive === false ? '<' : '<='} ${n}`;
  }
}

function describeUnion(issue: z.core.$ZodIssueInvalidUnion): string {
  const branches = (issue.errors ?? []).map((branch) => branch[0]).filter((i): i is z.core.$ZodIssue => i !== undefined);
  const typeMismatches = branches.filter((i) => i.code === 'invalid_type' && i.path.length === 0);
  const deeper = branches.filter((i) => !typeMismatches.includes(i));
  if (deeper.length > 0) {
    const messages = deeper.map((i) => {
      const where = i.path.length > 0 ? `${formatPath(i.path)}: ` : '';
      return where + messageFor(i, undefined);
    });
    return [...new Set(messages)].join('; or ');
  }
  const expected = [...new Set(typeMismatches.map((i) => describeExpected((i as z.core.$ZodIssueInvalidType).expected)))];
  if (expected.length === 0) {
    return 'does not match any accepted form; check the documented format';
  }
  return `expected ${joinOr(expected)}; change the value`;
}

function joinOr(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/**
 * Runs an app's configuration step. A ConfigError is printed as its message alone (no stack trace)
 * and ends the process with exit code 1, so nothing is synthesized; any other error is rethrown.
 */
export function exitOnConfigError<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return process.exit(1);
  }
}
