import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ModuleRun } from './deployment';

export interface SynthResult {
  readonly run: ModuleRun;
  readonly ok: boolean;
  readonly outdir: string;
  readonly stacks: string[];
  readonly resources: number;
  /** Unacknowledged cdk-nag findings in the policy validation report (errors fail the synth). */
  readonly nagFindings: number;
  /**
   * Findings of the Control Tower proactive controls (the cfn-guard policy-validation plugin), apart
   * from cdk-nag's; `undefined` when the app does not run the plugin.
   */
  readonly guard?: PolicyCounts;
  readonly seconds: number;
  /** The app's own output (stdout and stderr, interleaved): printed when it failed. */
  readonly output: string;
  /** The per-account prerequisites block the app printed (`printPrerequisites`), if any. */
  readonly prerequisites?: string;
}

/** Variables of the calling shell that would leak into a module and make it differ from Seedfarmer's CodeBuild. */
const LEAKY = /^(SEEDFARMER_|CDK_|AWS_)/;

/**
 * Synthesizes one module the way the CDK CLI runs an app: the `app` command of the app's cdk.json,
 * with the cdk.json context in CDK_CONTEXT_JSON and the assembly written to CDK_OUTDIR.
 */
export async function synthModule(run: ModuleRun, outdir: string): Promise<SynthResult> {
  const started = process.hrtime.bigint();
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const cdkJson = JSON.parse(readFileSync(join(run.appDir, 'cdk.json'), 'utf8'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !LEAKY.test(k)) env[k] = v;
  Object.assign(env, run.env, {
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify(cdkJson.context ?? {}),
  });

  const output = await new Promise<{ code: number | null; text: string; stderr: string }>((resolvePromise) => {
    const child = spawn(cdkJson.app, { cwd: run.appDir, env, shell: true });
    let text = '';
    let stderr = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => {
      text += d;
      stderr += d;
    });
    child.on('close', (code) => resolvePromise({ code, text, stderr }));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const ok = output.code === 0 && existsSync(join(outdir, 'manifest.json'));
  const { stacks, resources } = ok ? readAssembly(outdir) : { stacks: [], resources: 0 };
  const counts = policyCounts(outdir);
  const prerequisites = extractPrerequisites(output.stderr);
  return { run, ok, outdir, stacks, resources, nagFindings: counts.nag.unacknowledged, guard: counts.guard, seconds, output: output.text, prerequisites };
}

/**
 * The block `printPrerequisites` (@sagemaker-mlops/config) writes to stderr: its `Prerequisites of ...`
 * heading, then blank lines, `account ...` lines and indented steps, up to the first other line.
 */
export function extractPrerequisites(stderr: string): string | undefined {
  const lines = stderr.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Prerequisites of '));
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && (lines[end] === '' || lines[end].startsWith('account ') || lines[end].startsWith('  '))) end++;
  return lines.slice(start, end).join('\n').trimEnd();
}

function readAssembly(outdir: string): { stacks: string[]; resources: number } {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const stacks: string[] = [];
  let resources = 0;
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    stacks.push(artifact.displayName ?? id);
    const template = JSON.parse(readFileSync(join(outdir, artifact.properties.templateFile), 'utf8'));
    resources += Object.keys(template.Resources ?? {}).length;
  }
  return { stacks, resources };
}

/** The name `@cdklabs/cdk-validator-cfnguard`'s plugin reports under (its `name`). */
export const GUARD_PLUGIN_NAME = 'cdk-validator-cfnguard';

/** Violating resources of one plugin: those that stand, and those acknowledged with a reason. */
export interface PolicyCounts {
  readonly unacknowledged: number;
  readonly acknowledged: number;
}

/**
 * Counts CDK's policy validation report by plugin: the cfn-guard plugin (Control Tower controls) as
 * `guard`, every other plugin (cdk-nag, CDK's own CloudFormation validation) as `nag`. A violation
 * counts once per violating construct.
 */
export function policyCounts(outdir: string): { nag: PolicyCounts; guard?: PolicyCounts } {
  const report = ['policy-validation-report.json', 'validation-report.json'].map((f) => join(outdir, f)).find(existsSync);
  const nag = { unacknowledged: 0, acknowledged: 0 };
  if (!report) return { nag };
  const json = JSON.parse(readFileSync(report, 'utf8'));
  const resources = (v: any) => v.violatingConstructs?.length ?? v.violatingResources?.length ?? 1;
  const sum = (list: any[] | undefined) => (list ?? []).reduce((n: number, v: any) => n + resources(v), 0);
  let guard: { unacknowledged: number; acknowledged: number } | undefined;
  for (const plugin of json.pluginReports ?? []) {
    const name = plugin.pluginName ?? plugin.summary?.pluginName;
    const into = name === GUARD_PLUGIN_NAME ? (guard ??= { unacknowledged: 0, acknowledged: 0 }) : nag;
    into.unacknowledged += sum(plugin.violations);
    into.acknowledged += sum(plugin.suppressedViolations);
  }
  return { nag, guard };
}
