import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { acceptedSummary, cfnLintCell, describeCfnLintFailures, lintModuleAssemblies, lintModuleAssembly, type CfnLintResult } from '../cfn-lint';
import { stageModules } from '../seedfarmer/stage';
import { REPO_ROOT } from '../workspace';
import { loadDeployment, ModuleRun } from './deployment';
import { readEnvFile } from './env-file';
import { GUARD_PLUGIN_NAME, synthAppModules, synthModule, type SynthResult } from './synth';

/** One module's synth, then its cfn-lint gate (only when the synth succeeded). */
export interface ModuleResult extends SynthResult {
  readonly cfnLint?: CfnLintResult;
  /** Why the cfn-lint gate could not run (e.g. cfn-lint itself failed). */
  readonly cfnLintError?: string;
}

/** `--help`: the options of the main job, also documented in the root README. */
export const USAGE = `Usage: npm run synth -- [options]

The main job: synthesizes every module of a Seedfarmer deployment exactly as Seedfarmer would invoke it,
with cdk-nag and the Control Tower controls, lints every template with cfn-lint, and ends with a table.

Options:
  --deployment <file>   Seedfarmer deployment manifest, relative to the repository root or absolute
                        (default: manifests/example/deployment.yaml)
  --env-file <file>     dotenv file for valueFrom.envVariable and \${VAR}, as seedfarmer apply --env-file;
                        relative to the repository root or absolute (default: manifests/example/example.env)
  --parallel <n>        apps synthesized at once (each app's modules one after the other, in one process),
                        a positive integer (default: the number of CPU cores)
  -h, --help            print this help
`;

export interface MainJobOptions {
  readonly help: boolean;
  /** Absolute path of the deployment manifest. */
  readonly deploymentPath: string;
  /** Absolute path of the env file. */
  readonly envFile: string;
  readonly parallel: number;
}

/** A misuse of the command line: printed with the usage hint, exit code 2. */
export class UsageError extends Error {}

/**
 * Parses the command line strictly: an unknown option, a missing value or a non-numeric `--parallel`
 * is an error before anything runs (a misspelt `--deploymnet` must not synthesize the example instead).
 */
export function parseMainJobArgs(argv: string[], cwdRoot = REPO_ROOT): MainJobOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'deployment': { type: 'string' },
        'env-file': { type: 'string' },
        'parallel': { type: 'string' },
        'help': { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // node:util's messages name the option ("Unknown option '--deploymnet'"); drop its advice about positionals.
    throw new UsageError(`${(error as Error).message.split('. ')[0]}. Known options: --deployment, --env-file, --parallel, --help.`);
  }
  const parallelText = (values.parallel as string | undefined) ?? String(defaultParallelism());
  if (!/^[1-9][0-9]*$/.test(parallelText)) {
    throw new UsageError(`--parallel must be a positive integer, got "${parallelText}"`);
  }
  // resolve() keeps an absolute path as it is and resolves a relative one against the repository root.
  return {
    help: values.help === true,
    deploymentPath: resolve(cwdRoot, (values.deployment as string | undefined) ?? 'manifests/example/deployment.yaml'),
    envFile: resolve(cwdRoot, (values['env-file'] as string | undefined) ?? 'manifests/example/example.env'),
    parallel: Number(parallelText),
  };
}

/** One synth per core: each synth is a single-threaded node process. */
export function defaultParallelism(): number {
  return Math.max(1, availableParallelism());
}

/** Reads the env file, naming it when it does not exist. */
export function loadEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) throw new UsageError(`--env-file: ${path} does not exist`);
  return readEnvFile(path);
}

/** The progress lines: plain lines, one per event, so a CI log reads the same as a terminal. */
export function startLine(run: ModuleRun): string {
  return `start ${run.moduleName} (apps/${run.app})\n`;
}

export function endLine(result: ModuleResult): string {
  const seconds = (result.seconds + (result.cfnLint?.seconds ?? 0)).toFixed(1);
  return `end   ${result.run.moduleName} (apps/${result.run.app}) ${seconds} s ${resultCell(result)}\n`;
}

/**
 * The main job: synthesizes every module of the example Seedfarmer deployment, exactly as Seedfarmer
 * would invoke it, with cdk-nag and the Control Tower controls, lints every template of each assembly
 * with cfn-lint for every region the module deploys into, and ends with a table. Any failing module,
 * and any cfn-lint error or unaccepted warning, fails the job with the module's own output.
 * Options: see USAGE.
 */
async function main(argv: string[]) {
  const options = parseMainJobArgs(argv);
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  const env = loadEnvFile(options.envFile);
  const { runs } = loadDeployment({ deploymentPath: options.deploymentPath, env });
  const apps = [...new Set(runs.map((r) => r.appDir))];
  // `npm run synth` compiled the workspace before this runs (one tsc process: the root's synth task).
  // The Seedfarmer staging (vendor/ of each app) runs while the modules synthesize: they read the
  // workspace, not vendor/.
  const stagingStarted = process.hrtime.bigint();
  const staging = stageModules(apps).then(
    () => ({ ok: true as const, seconds: Number(process.hrtime.bigint() - stagingStarted) / 1e9 }),
    (error: unknown) => ({ ok: false as const, error }),
  );

  // One process per app, its modules one after the other (synthAppModules, docs/adr/0013), apps in parallel.
  const byApp = new Map<string, ModuleRun[]>();
  for (const run of runs) byApp.set(run.appDir, [...(byApp.get(run.appDir) ?? []), run]);
  process.stdout.write(`${runs.length} modules of ${byApp.size} apps, ${options.parallel} apps at a time\n`);
  const report = { onStart: (run: ModuleRun) => process.stdout.write(startLine(run)), onEnd: (result: SynthResult) => process.stdout.write(endLine(result)) };
  const perApp = await runPool([...byApp.values()], options.parallel, (appRuns) => synthAppModules(appRuns, outdirFor, report));
  const byRun = new Map(perApp.flat().map((r) => [r.run, r]));
  const synthesized = runs.map((run) => byRun.get(run)!);
  const results = await lintAll(synthesized);
  const staged = await staging;
  process.stdout.write(staged.ok ? `staged ${apps.length} apps for Seedfarmer (vendor/) in ${staged.seconds.toFixed(1)} s\n` : '');
  process.stdout.write('\n');
  printTable(results);
  printPrerequisiteBlocks(results);
  if (!staged.ok) process.stderr.write(`\n--- Seedfarmer staging (vendor/) failed ---\n${staged.error instanceof Error ? staged.error.message : String(staged.error)}\n`);
  const failed = results.filter((r) => !r.ok);
  for (const f of failed) {
    process.stderr.write(`\n--- ${f.run.moduleName} (apps/${f.run.app}) failed ---\n${f.output.trim()}\n`);
  }
  const lintFailed = results.filter(lintFails);
  for (const f of lintFailed) {
    const detail = f.cfnLintError ?? describeCfnLintFailures(f.cfnLint!, f.outdir);
    process.stderr.write(`\n--- ${f.run.moduleName} (apps/${f.run.app}): cfn-lint (${f.cfnLint?.regions.join(', ') ?? ''}) ---\n${detail}\n`);
  }
  if (failed.length || lintFailed.length || !staged.ok) process.exit(1);
}

/**
 * The cfn-lint gate of the run: every assembly that synthesized, in one cfn-lint process per set of target
 * regions (lintModuleAssemblies), after the synths.
 */
export async function lintAll(synthesized: SynthResult[]): Promise<ModuleResult[]> {
  const ok = synthesized.filter((r) => r.ok);
  if (ok.length === 0) return synthesized;
  const started = process.hrtime.bigint();
  process.stdout.write(`cfn-lint ${ok.length} assemblies\n`);
  const lints = await lintModuleAssemblies(ok.map((r) => r.outdir));
  const byDir = new Map(ok.map((r, i) => [r.outdir, lints[i]]));
  const results = synthesized.map((r): ModuleResult => {
    const lint = byDir.get(r.outdir);
    if (!r.ok || !lint) return r;
    return lint.error ? { ...r, cfnLintError: lint.error } : { ...r, cfnLint: lint.result };
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const failing = results.filter(lintFails).length;
  process.stdout.write(`cfn-lint done ${seconds.toFixed(1)} s ${failing ? `FAILED (${failing} modules)` : 'ok'}\n`);
  return results;
}

/** Synthesizes a module, then lints its assembly on its own (the main job lints all assemblies at once: lintAll). */
export async function synthAndLint(run: ModuleRun): Promise<ModuleResult> {
  const result = await synthModule(run, outdirFor(run));
  if (!result.ok) return result;
  try {
    return { ...result, cfnLint: await lintModuleAssembly(result.outdir) };
  } catch (error) {
    return { ...result, cfnLintError: (error as Error).message };
  }
}

/** The gate: zero cfn-lint errors, and no warning outside the accepted list. */
export function lintFails(result: ModuleResult): boolean {
  if (result.cfnLintError) return true;
  return !!result.cfnLint && (result.cfnLint.errors.length > 0 || result.cfnLint.warnings.length > 0);
}

/** Each app's assembly lives under apps/<app>/cdk.out, one folder per module of the deployment. */
function outdirFor(run: ModuleRun) {
  return join(run.appDir, 'cdk.out', run.moduleName);
}

async function runPool<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(size, items.length)) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]);
      }
    }),
  );
  return results;
}

/**
 * The table: `cfn-lint` is errors/warnings (accepted warnings are listed under the table), `guard` the
 * Control Tower findings as unacknowledged/acknowledged, `-` for an app without the plugin.
 */
export function formatTable(results: ModuleResult[]): string {
  const rows = [
    ['app', 'module', 'stacks', 'resources', 'nag findings', 'cfn-lint', 'guard', 'seconds', 'result'],
    ...results.map((r) => [
      r.run.app,
      r.run.moduleName,
      String(r.stacks.length),
      String(r.resources),
      String(r.nagFindings),
      r.cfnLintError ? 'FAILED' : cfnLintCell(r.cfnLint),
      guardCell(r),
      (r.seconds + (r.cfnLint?.seconds ?? 0)).toFixed(1),
      resultCell(r),
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  const accepted = acceptedSummary(results.map((r) => r.cfnLint));
  return (
    [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n') +
    '\n' +
    (accepted ? `cfn-lint accepted warnings (ACCEPTED_CFN_LINT_WARNINGS, test-utils): ${accepted}\n` : '')
  );
}

function resultCell(r: ModuleResult): string {
  return !r.ok ? 'FAILED' : lintFails(r) ? 'FAILED (cfn-lint)' : `ok (${relative(REPO_ROOT, r.outdir)})`;
}

/**
 * What each module needs in its accounts before its first deploy, as its app printed it (the same block
 * `cdk synth` and Seedfarmer show), once per module after the table.
 */
export function formatPrerequisiteBlocks(results: readonly SynthResult[]): string {
  const blocks = results.filter((r) => r.prerequisites).map((r) => r.prerequisites!);
  return blocks.length ? `\n${blocks.join('\n\n')}\n` : '';
}

function printPrerequisiteBlocks(results: readonly SynthResult[]) {
  process.stdout.write(formatPrerequisiteBlocks(results));
}

function printTable(results: ModuleResult[]) {
  process.stdout.write(formatTable(results));
}

/** `unacknowledged/acknowledged`; an app that runs the plugin but had nothing to report is `0/0`. */
function guardCell(r: SynthResult): string {
  if (r.guard) return `${r.guard.unacknowledged}/${r.guard.acknowledged}`;
  if (!r.ok) return '-';
  const pkg = JSON.parse(readFileSync(join(r.run.appDir, 'package.json'), 'utf8'));
  return pkg.dependencies?.['@cdklabs/cdk-validator-cfnguard'] ? '0/0' : '-';
}

export { GUARD_PLUGIN_NAME };

// Only as a script: the test imports the table and the gate from here.
if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    if (error instanceof UsageError) process.stderr.write('Run npm run synth -- --help for the options.\n');
    process.exit(error instanceof UsageError ? 2 : 1);
  });
}
