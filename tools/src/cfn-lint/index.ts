import { ACCEPTED_CFN_LINT_WARNINGS, formatCfnLintFindings, lintAssembly, type CfnLintOptions, type CfnLintResult } from '@sagemaker-mlops/test-utils';

export { ACCEPTED_CFN_LINT_WARNINGS };
export type { CfnLintResult };

/**
 * The cfn-lint gate of one module's cloud assembly: every template (stacks, nested assemblies,
 * template assets) for every region the module deploys into (its stacks' regions and the regions
 * they record with `recordTargetRegions`). The runner itself lives in `@sagemaker-mlops/test-utils`,
 * so the main job and the tests lint the same way, with the same accepted warnings.
 */
export function lintModuleAssembly(assemblyDir: string, options: CfnLintOptions = {}): Promise<CfnLintResult> {
  return lintAssembly(assemblyDir, undefined, options);
}

/** `errors/warnings` for the main job's table; `skipped` where cfn-lint is not installed. */
export function cfnLintCell(result: CfnLintResult | undefined): string {
  if (!result) return '-';
  if (result.skipped) return 'skipped';
  return `${result.errors.length}/${result.warnings.length}`;
}

/** What a gate failure prints: each error and unaccepted warning on one line. */
export function describeCfnLintFailures(result: CfnLintResult, baseDir: string): string {
  return formatCfnLintFindings([...result.errors, ...result.warnings], baseDir);
}

/** Accepted warnings by rule, e.g. `W3005 x4`, for the line under the table. */
export function acceptedSummary(results: Array<CfnLintResult | undefined>): string {
  const counts = new Map<string, number>();
  for (const f of results.flatMap((r) => r?.accepted ?? [])) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return [...counts].map(([rule, n]) => `${rule} x${n}`).join(', ');
}
