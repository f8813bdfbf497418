import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { acceptedSummary, cfnLintCell, describeCfnLintFailures, lintModuleAssembly, type CfnLintResult } from '../cfn-lint';
import { stageModule } from '../seedfarmer/stage';
import { REPO_ROOT } from '../workspace';
import { loadDeployment, ModuleRun } from './deployment';
import { readEnvFile } from './env-file';
import { GUARD_PLUGIN_NAME, synthModule, SynthResult } from './synth';

/** One module's synth, then its cfn-lint gate (only when the synth succeeded). */
export interface ModuleResult extends SynthResult {
  readonly cfnLint?: CfnLintResult;
  /** Why the cfn-lint gate could not run (e.g. cfn-lint itself failed). */
  readonly cfnLintError?: string;
}

/**
 * The main job: synthesizes every module of the example Seedfarmer deployment, exactly as Seedfarmer
 * would invoke it, with cdk-nag and the Control Tower controls, lints every template of each assembly
 * with cfn-lint for every region the module deploys into, and ends with a table. Any failing module,
 * and any cfn-lint error or unaccepted warning, fails the job with the module's own output.
 *
 *   node tools/lib/main-job/cli.js [--deployment manifests/example/deployment.yaml] [--env-file manifests/example/example.env] [--parallel 2]
 */
async function main(argv: string[]) {
  const arg = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  const deploymentPath = arg('deployment', 'manifests/example/deployment.yaml');
  const envFile = arg('env-file', 'manifests/example/example.env');
  const parallel = Number(arg('parallel', '2'));

  const { runs } = loadDeployment({ deploymentPath, env: { ...readEnvFile(join(REPO_ROOT, envFile)) } });
  const apps = [...new Set(runs.map((r) => r.appDir))];
  for (const appDir of apps) stageModule(appDir);

  const results = await runPool(runs, parallel, synthAndLint);
  printTable(results);
  const failed = results.filter((r) => !r.ok);
  for (const f of failed) {
    process.stderr.write(`\n--- ${f.run.moduleName} (apps/${f.run.app}) failed ---\n${f.output.trim()}\n`);
  }
  const lintFailed = results.filter(lintFails);
  for (const f of lintFailed) {
    const detail = f.cfnLintError ?? describeCfnLintFailures(f.cfnLint!, f.outdir);
    process.stderr.write(`\n--- ${f.run.moduleName} (apps/${f.run.app}): cfn-lint (${f.cfnLint?.regions.join(', ') ?? ''}) ---\n${detail}\n`);
  }
  if (failed.length || lintFailed.length) process.exit(1);
}

/** Synthesizes a module, then lints its assembly. */
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
      !r.ok ? 'FAILED' : lintFails(r) ? 'FAILED (cfn-lint)' : `ok (${relative(REPO_ROOT, r.outdir)})`,
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
    process.exit(1);
  });
}
