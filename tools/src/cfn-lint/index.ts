import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  ACCEPTED_CFN_LINT_WARNINGS,
  assemblyRegions,
  findTemplates,
  formatCfnLintFindings,
  lintAssembly,
  lintTemplates,
  type CfnLintFinding,
  type CfnLintOptions,
  type CfnLintResult,
} from '@sagemaker-mlops/test-utils';

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

/**
 * The cfn-lint gate of a whole run: every template of every assembly, in one cfn-lint process per distinct
 * set of target regions (usually one), instead of one per module: cfn-lint's start-up and its per-region
 * schema loading (about 2 s each) are paid once. Identical templates of several modules are linted once
 * and their findings reported for each module, under that module's own file.
 *
 * @returns one result per assembly, in the order given; a `CfnLintResult` or the error that stopped cfn-lint
 */
export async function lintModuleAssemblies(
  assemblyDirs: string[],
  options: CfnLintOptions = {},
): Promise<Array<{ result?: CfnLintResult; error?: string }>> {
  const modules = assemblyDirs.map((dir) => {
    const templates = findTemplates(dir);
    return { dir, templates, hashes: templates.map(contentHash), regions: assemblyRegions(dir) };
  });
  const byRegions = new Map<string, number[]>();
  modules.forEach((m, i) => byRegions.set(m.regions.join(','), [...(byRegions.get(m.regions.join(',')) ?? []), i]));
  const out: Array<{ result?: CfnLintResult; error?: string }> = new Array(modules.length);
  await Promise.all(
    [...byRegions.entries()].map(async ([regionList, members]) => {
      const regions = regionList.split(',');
      const templates = members.flatMap((i) => modules[i].templates);
      const hashOf = new Map(members.flatMap((i) => modules[i].templates.map((t, k) => [t, modules[i].hashes[k]] as const)));
      let run: CfnLintResult;
      try {
        run = await lintTemplates(templates, regions, options);
      } catch (error) {
        for (const i of members) out[i] = { error: (error as Error).message };
        return;
      }
      for (const i of members) {
        const m = modules[i];
        // A finding on the template linted for this content, reported under this module's file.
        const own = (findings: CfnLintFinding[]) =>
          findings.flatMap((f) => {
            const k = m.hashes.indexOf(hashOf.get(f.file) ?? '');
            return k < 0 ? [] : [{ ...f, file: m.templates[k] }];
          });
        out[i] = {
          result: {
            ...run,
            templates: m.templates,
            linted: [...new Set(m.hashes)].map((h) => m.templates[m.hashes.indexOf(h)]),
            errors: own(run.errors),
            warnings: own(run.warnings),
            accepted: own(run.accepted),
            informational: own(run.informational),
            // The one run's time, shared by its modules.
            seconds: run.seconds / members.length,
          },
        };
      }
    }),
  );
  return out;
}

function contentHash(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
