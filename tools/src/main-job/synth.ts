import { fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { ModuleRun } from './deployment';
import type { WorkerJob, WorkerResult } from './worker';

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
  /** Whether it was synthesized in its app's shared process (synthAppModules), not a process of its own. */
  readonly sharedProcess?: boolean;
}

/** Variables of the calling shell that would leak into a module and make it differ from Seedfarmer's CodeBuild. */
const LEAKY = /^(SEEDFARMER_|CDK_|AWS_)/;

/** The environment a module's process gets: the caller's, less what would leak, plus the module's and CDK's. */
function moduleEnv(run: ModuleRun, outdir: string, cdkJson: { context?: unknown }): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !LEAKY.test(k)) env[k] = v;
  return Object.assign(env, run.env, {
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify(cdkJson.context ?? {}),
  });
}

function readCdkJson(appDir: string): { app: string; context?: unknown } {
  return JSON.parse(readFileSync(join(appDir, 'cdk.json'), 'utf8'));
}

function synthResult(run: ModuleRun, outdir: string, exited: { ok: boolean; seconds: number; output: string; stderr: string }): SynthResult {
  const ok = exited.ok && existsSync(join(outdir, 'manifest.json'));
  const { stacks, resources } = ok ? readAssembly(outdir) : { stacks: [], resources: 0 };
  const counts = policyCounts(outdir);
  const prerequisites = extractPrerequisites(exited.stderr);
  return { run, ok, outdir, stacks, resources, nagFindings: counts.nag.unacknowledged, guard: counts.guard, seconds: exited.seconds, output: exited.output, prerequisites };
}

/**
 * Synthesizes one module the way the CDK CLI runs an app: the `app` command of the app's cdk.json,
 * with the cdk.json context in CDK_CONTEXT_JSON and the assembly written to CDK_OUTDIR.
 */
export async function synthModule(run: ModuleRun, outdir: string): Promise<SynthResult> {
  const started = process.hrtime.bigint();
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const cdkJson = readCdkJson(run.appDir);
  const env = moduleEnv(run, outdir, cdkJson);

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
  return synthResult(run, outdir, { ok: output.code === 0, seconds, output: output.text, stderr: output.stderr });
}

/** Where the worker is: next to this file, compiled (tools/lib) or not (tests with tsx/vitest). */
const WORKER = join(__dirname, `worker${extname(__filename)}`);

/**
 * Synthesizes the modules of ONE app in one process (worker.ts, docs/adr/0013): each with exactly the
 * environment, working directory and output directory its own process would get, the app's code loaded
 * afresh. A module that fails there, or an app whose cdk.json `app` is not `node <script>`, is synthesized
 * in a process of its own (synthModule), and that result counts. `onStart`/`onEnd` report each module.
 */
export async function synthAppModules(
  runs: readonly ModuleRun[],
  outdirOf: (run: ModuleRun) => string,
  report: { onStart?: (run: ModuleRun) => void; onEnd?: (result: SynthResult) => void } = {},
): Promise<SynthResult[]> {
  if (runs.length === 0) return [];
  const appDir = runs[0].appDir;
  if (runs.some((r) => r.appDir !== appDir)) throw new Error('synthAppModules: every run must be of the same app');
  const cdkJson = readCdkJson(appDir);
  const script = /^node (\S+)$/.exec(cdkJson.app)?.[1];
  const results: SynthResult[] = [];
  const solo = async (run: ModuleRun) => {
    report.onStart?.(run);
    const result = await synthModule(run, outdirOf(run));
    report.onEnd?.(result);
    return result;
  };
  if (!script || !existsSync(WORKER)) {
    for (const run of runs) results.push(await solo(run));
    return results;
  }
  const jobs: WorkerJob[] = runs.map((run) => {
    const outdir = outdirOf(run);
    rmSync(outdir, { recursive: true, force: true });
    mkdirSync(outdir, { recursive: true });
    return { appDir, script, env: moduleEnv(run, outdir, cdkJson) };
  });
  const fromWorker = await new Promise<WorkerResult[]>((resolvePromise) => {
    const received: WorkerResult[] = [];
    const worker = fork(WORKER, [], { cwd: appDir, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: extname(__filename) === '.ts' ? ['--import', 'tsx'] : [] });
    let stray = '';
    worker.stdout?.on('data', (d) => (stray += d));
    worker.stderr?.on('data', (d) => (stray += d));
    report.onStart?.(runs[0]);
    worker.on('message', (message: WorkerResult) => {
      const run = runs[received.length];
      received.push(message);
      if (message.ok) report.onEnd?.(synthResult(run, outdirOf(run), message));
      if (received.length < runs.length) report.onStart?.(runs[received.length]);
    });
    worker.on('close', () => {
      // A worker that died mid-way leaves the rest to their own processes (below), with what it printed.
      for (let i = received.length; i < runs.length; i++) received.push({ ok: false, seconds: 0, output: stray, stderr: '' });
      resolvePromise(received);
    });
    worker.send({ jobs });
  });
  for (const [i, run] of runs.entries()) {
    const exited = fromWorker[i];
    results.push(exited.ok ? { ...synthResult(run, outdirOf(run), exited), sharedProcess: true } : await solo(run));
  }
  return results;
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
