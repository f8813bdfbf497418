import { ConfigError, type ConfigIssue } from './errors';

/**
 * Thrown by a partial input when a check reads a value that failed validation; caught by
 * {@link CrossFieldChecks.check} and {@link CrossFieldChecks.derive}, never seen by app code.
 */
class SkippedInput {
  constructor(public readonly name: string) {}
}

function isSkipped(error: unknown): error is SkippedInput {
  return error instanceof SkippedInput;
}

/**
 * What an app's cross-field checks are given besides the parameters and the module: a place to
 * report problems and a way to run each check on its own.
 *
 * The loader hands the checks the parameters and module fields that passed the schema, even when
 * others failed. Reading a field that failed throws an internal signal that {@link check} (and
 * {@link derive}) catch: that one check is skipped, every other check still runs, and every
 * problem of both phases ends up in one {@link ConfigError}. A check therefore never has to know
 * which inputs it depends on: the inputs it reads are its dependencies.
 */
export interface CrossFieldChecks {
  /**
   * Records one problem.
   *
   * @param path the parameter it is about, e.g. `staging_instance_count`
   * @param received the value found there; `undefined` when nothing was given
   * @param message what is wrong and what to do about it
   */
  issue(path: string, received: unknown, message: string): void;
  /**
   * Runs one check. When it reads a parameter or module field that failed validation, it is
   * skipped (that field's problem is already reported); any other error propagates.
   */
  check(run: () => void): void;
  /**
   * Computes a value that later checks read (a resolved setting). When the computation reads a
   * field that failed validation, the value itself counts as failed: any check that reads it (any
   * property, element or conversion of it) is skipped. Problems reported while computing it are kept.
   */
  derive<T>(compute: () => T): T;
}

/**
 * An app's cross-field step: checks the rules that span parameters (or need the module's account
 * and region), applies the defaults that depend on them, and returns the app's resolved
 * configuration. Run by {@link loadModuleConfig} when given as `resolve`; see
 * {@link defineResolver} for calling it on its own.
 */
export type ModuleResolverFunction<P, M, R> = (parameters: P, module: M, checks: CrossFieldChecks) => R;

/**
 * A resolver made by {@link defineResolver}: the loader calls it with its own `checks`; called
 * with two arguments (tests, tools), it collects its own problems and throws them as one
 * ConfigError headed by `module.configSource`.
 */
export type ModuleResolver<P, M extends { readonly configSource: string }, R> = (parameters: P, module: M, checks?: CrossFieldChecks) => R;

/**
 * Declares an app's cross-field step so that {@link loadModuleConfig} can run it after the schema,
 * with the fields that parsed, and so that it can still be called on validated parameters alone.
 *
 * ```ts
 * export const resolveMyConfig = defineResolver((p: MyParameters, module: ModuleContext, checks) => {
 *   checks.check(() => {
 *     if (p.kms_key_arn && p.kms_key_arn.region !== module.region) checks.issue('kms_key_arn', p.kms_key_arn.arn, '...');
 *   });
 *   return { ... };
 * });
 * // main.ts: one error listing schema and cross-field problems together
 * const { module, config } = loadModuleConfig(myParameters, { appName: 'my-app', configPath, resolve: resolveMyConfig });
 * ```
 */
export function defineResolver<P, M extends { readonly configSource: string }, R>(resolve: ModuleResolverFunction<P, M, R>): ModuleResolver<P, M, R> {
  return (parameters, module, checks) => {
    if (checks) return resolve(parameters, module, checks);
    const issues: ConfigIssue[] = [];
    const result = runResolver(resolve, parameters, module, issues);
    if (issues.length > 0 || result === undefined) throw new ConfigError(module.configSource, issues);
    return result.value;
  };
}

/**
 * Runs `resolve` with a {@link CrossFieldChecks} that appends to `issues`. Returns its result, or
 * `undefined` when its own top-level code read a failed input (there are issues then). A
 * ConfigError thrown by a resolver written the older way (collect, then throw) is merged in.
 *
 * @internal
 */
export function runResolver<P, M, R>(
  resolve: ModuleResolverFunction<P, M, R>,
  parameters: P,
  module: M,
  issues: ConfigIssue[],
): { value: R } | undefined {
  const checks: CrossFieldChecks = {
    issue: (path, received, message) => {
      issues.push({ path, received, message });
    },
    check: (run) => {
      try {
        run();
      } catch (error) {
        if (!isSkipped(error)) throw error;
      }
    },
    derive: <T>(compute: () => T): T => {
      try {
        return compute();
      } catch (error) {
        if (!isSkipped(error)) throw error;
        return failedValue<T>(error.name);
      }
    },
  };
  try {
    return { value: resolve(parameters, module, checks) };
  } catch (error) {
    if (isSkipped(error)) return undefined;
    if (error instanceof ConfigError) {
      issues.push(...error.issues);
      return undefined;
    }
    throw error;
  }
}

/**
 * A record whose fields in `failed` (or every field, when `failed` is `'all'`) throw the skip
 * signal when read. Enumerating it while any field failed throws too, since a spread would
 * silently drop them.
 *
 * @internal
 */
export function partialRecord<T>(values: Record<string, unknown>, failed: ReadonlySet<string> | 'all'): T {
  const isFailed = (key: string | symbol) => typeof key === 'string' && (failed === 'all' ? true : failed.has(key));
  const anyFailed = failed === 'all' || failed.size > 0;
  return new Proxy(values, {
    get(target, key, receiver) {
      if (isFailed(key)) throw new SkippedInput(String(key));
      return Reflect.get(target, key, receiver) as unknown;
    },
    has(target, key) {
      if (isFailed(key)) throw new SkippedInput(String(key));
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      if (anyFailed) throw new SkippedInput('(all fields)');
      return Reflect.ownKeys(target);
    },
  }) as T;
}

/** A value whose computation read a failed input: any use of it skips the check using it. */
function failedValue<T>(name: string): T {
  const skip = (): never => {
    throw new SkippedInput(name);
  };
  return new Proxy(function failed() {}, {
    get: skip,
    has: skip,
    ownKeys: skip,
    apply: skip,
    construct: skip,
    getPrototypeOf: skip,
    getOwnPropertyDescriptor: skip,
  }) as T;
}
