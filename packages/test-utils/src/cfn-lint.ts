import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The template `Metadata` key under which a stack records the regions its templates are deployed into
 * besides its own (e.g. the stage regions of a parameterized template it deploys through a pipeline).
 * Written by `recordTargetRegions` of `@sagemaker-mlops/constructs`; a repo test keeps the two equal.
 */
export const TARGET_REGIONS_METADATA_KEY = 'sagemaker-mlops:target-regions';

/**
 * The ONE list of cfn-lint warnings the repository accepts, per rule id, with the reason. Every
 * other warning, and every error, counts; nothing is passed to `--ignore-checks`.
 */
export const ACCEPTED_CFN_LINT_WARNINGS: Readonly<Record<string, string>> = {
  W3005:
    'Redundant DependsOn: CDK adds DependsOn on the service role (and its default policy) of the Lambda functions it ' +
    'generates (AwsCustomResource, the custom resource Provider framework), next to the GetAtt of that role. ' +
    'CloudFormation orders both the same way; removing them would mean rewriting CDK-owned resources.',
};

/** One cfn-lint finding. */
export interface CfnLintFinding {
  /** The rule id, e.g. `E1010`. */
  readonly rule: string;
  readonly level: 'Error' | 'Warning' | 'Informational';
  readonly message: string;
  /** The template the finding is in, as given to cfn-lint. */
  readonly file: string;
  /** Path inside the template, e.g. `Resources/Endpoint/Properties/...`. */
  readonly path: string;
  readonly line?: number;
}

/** What `lintTemplates` / `lintAssembly` found. */
export interface CfnLintResult {
  /** Set when cfn-lint is not installed (and `CI` is not `true`): nothing was linted. */
  readonly skipped?: string;
  /** Every template found, duplicates included. */
  readonly templates: string[];
  /** The templates linted: one per distinct content. */
  readonly linted: string[];
  readonly regions: string[];
  readonly errors: CfnLintFinding[];
  /** Warnings that are not in {@link ACCEPTED_CFN_LINT_WARNINGS}. */
  readonly warnings: CfnLintFinding[];
  /** Warnings of an accepted rule. */
  readonly accepted: CfnLintFinding[];
  /** Informational findings (reported, never gating). */
  readonly informational: CfnLintFinding[];
  readonly seconds: number;
}

/** Options of the lint functions. */
export interface CfnLintOptions {
  /**
   * The cfn-lint executable.
   *
   * @default - `CFN_LINT` from the environment, else `cfn-lint` on PATH
   */
  readonly command?: string;
  /**
   * Whether a missing cfn-lint fails instead of skipping.
   *
   * @default - `CI` is `true`
   */
  readonly required?: boolean;
  /** Where the one-line "skipped" notice goes. @default - stderr, once per process */
  readonly log?: (line: string) => void;
}

const availability = new Map<string, { ok: true; version: string } | { ok: false; reason: string }>();
let skipNoticeShown = false;

function commandOf(options: CfnLintOptions): string {
  return options.command ?? process.env.CFN_LINT ?? 'cfn-lint';
}

/** Whether cfn-lint runs here, and its version (cached per process). */
export function cfnLintVersion(options: CfnLintOptions = {}): { ok: true; version: string } | { ok: false; reason: string } {
  const command = commandOf(options);
  let known = availability.get(command);
  if (!known) {
    const run = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    known =
      run.error || run.status !== 0
        ? { ok: false, reason: run.error ? `${command}: ${(run.error as NodeJS.ErrnoException).code ?? run.error.message}` : `${command} --version exited ${run.status}` }
        : { ok: true, version: (run.stdout || run.stderr).trim() };
    availability.set(command, known);
  }
  return known;
}

/**
 * Every CloudFormation template under a cloud assembly directory: each stack, the stacks of nested
 * assemblies (`assembly-*`), and templates shipped as file assets (`asset.*` folders or files), e.g.
 * a parameterized template another account deploys or a StackSet template. A template is a JSON
 * object with a `Resources` object; CDK's own manifests are not.
 */
export function findTemplates(assemblyDir: string): string[] {
  if (!existsSync(join(assemblyDir, 'manifest.json'))) {
    throw new Error(`${assemblyDir} is not a cloud assembly (no manifest.json)`);
  }
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (entry.isFile() && entry.name.endsWith('.json') && isTemplate(path)) {
        found.push(path);
      }
    }
  };
  walk(assemblyDir);
  return found;
}

const NOT_TEMPLATES = /^(manifest|tree|validation-report|policy-validation-report)\.json$|\.(assets|metadata)\.json$/;

function isTemplate(path: string): boolean {
  const name = path.split(/[\\/]/).pop()!;
  // CloudFormation accepts at most 1 MB from S3; anything much larger is a data file, not a template.
  if (NOT_TEMPLATES.test(name) || statSync(path).size > 5_000_000) return false;
  try {
    const json = JSON.parse(readFileSync(path, 'utf8'));
    return typeof json === 'object' && json !== null && !Array.isArray(json) && typeof json.Resources === 'object' && json.Resources !== null;
  } catch {
    return false;
  }
}

/**
 * The regions the templates of an assembly can be deployed into: the region of every stack with an
 * environment, and every region a stack records under {@link TARGET_REGIONS_METADATA_KEY}, nested
 * assemblies included.
 *
 * @throws Error when no region is known (an environment-agnostic assembly: pass the regions).
 */
export function assemblyRegions(assemblyDir: string): string[] {
  const regions = new Set<string>();
  const visit = (dir: string) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    for (const artifact of Object.values<any>(manifest.artifacts ?? {})) {
      if (artifact.type === 'cdk:cloud-assembly') visit(join(dir, artifact.properties.directoryName));
      if (artifact.type !== 'aws:cloudformation:stack') continue;
      const region = /^aws:\/\/[^/]+\/(.+)$/.exec(artifact.environment ?? '')?.[1];
      if (region && region !== 'unknown-region') regions.add(region);
      const template = JSON.parse(readFileSync(join(dir, artifact.properties.templateFile), 'utf8'));
      const recorded = template.Metadata?.[TARGET_REGIONS_METADATA_KEY];
      if (Array.isArray(recorded)) recorded.filter((r) => typeof r === 'string').forEach((r) => regions.add(r));
    }
  };
  visit(assemblyDir);
  if (regions.size === 0) {
    throw new Error(`${assemblyDir}: no stack has a region or records ${TARGET_REGIONS_METADATA_KEY}; pass the regions to lint for`);
  }
  return [...regions].sort();
}

/**
 * Lints templates with cfn-lint for every region at once, and classifies the findings. Identical
 * templates (a nested assembly's template and the asset that ships it) are linted once.
 *
 * Where cfn-lint is not installed, says so in one line and returns a `skipped` result; under `CI=true`
 * (or `required`) it throws instead.
 */
export async function lintTemplates(templates: string[], regions: string[], options: CfnLintOptions = {}): Promise<CfnLintResult> {
  const started = process.hrtime.bigint();
  if (regions.length === 0) throw new Error('lintTemplates: no region to lint for');
  const empty = { templates, linted: [] as string[], regions, errors: [], warnings: [], accepted: [], informational: [] };
  const version = cfnLintVersion(options);
  if (!version.ok) {
    const required = options.required ?? process.env.CI === 'true';
    if (required) {
      throw new Error(`cfn-lint is required (CI=true) but does not run (${version.reason}); install it with 'pip install cfn-lint'`);
    }
    const line = `cfn-lint not installed (${version.reason}): template lint skipped`;
    if (options.log) options.log(line);
    else if (!skipNoticeShown) process.stderr.write(`${line}\n`);
    skipNoticeShown = true;
    return { ...empty, skipped: line, seconds: 0 };
  }

  const byContent = new Map<string, string>();
  for (const file of templates) {
    const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
    if (!byContent.has(hash)) byContent.set(hash, file);
  }
  const linted = [...byContent.values()];
  if (linted.length === 0) return { ...empty, seconds: 0 };

  const args = ['--format', 'json', '--regions', regions.join(','), '--', ...linted];
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string; error?: Error }>((resolvePromise) => {
    const child = spawn(commandOf(options), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => resolvePromise({ code: null, stdout, stderr, error }));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
  // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational; 1 means it could not lint.
  let parsed: any[] | undefined;
  try {
    parsed = JSON.parse(run.stdout || '[]');
  } catch {
    parsed = undefined;
  }
  if (run.error || run.code === null || (run.code & 1) === 1 || !Array.isArray(parsed)) {
    throw new Error(`cfn-lint ${args.join(' ')} failed (exit ${run.code}): ${run.error?.message ?? ''}${run.stderr}${run.stdout}`.slice(0, 4000));
  }
  const findings: CfnLintFinding[] = parsed.map((f) => ({
    rule: f.Rule?.Id ?? '?',
    level: f.Level,
    message: f.Message,
    file: f.Filename,
    path: (f.Location?.Path ?? []).join('/'),
    line: f.Location?.Start?.LineNumber,
  }));
  return {
    templates,
    linted,
    regions,
    errors: findings.filter((f) => f.level === 'Error'),
    warnings: findings.filter((f) => f.level === 'Warning' && !(f.rule in ACCEPTED_CFN_LINT_WARNINGS)),
    accepted: findings.filter((f) => f.level === 'Warning' && f.rule in ACCEPTED_CFN_LINT_WARNINGS),
    informational: findings.filter((f) => f.level !== 'Error' && f.level !== 'Warning'),
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}

/**
 * Lints every template of a cloud assembly ({@link findTemplates}) for `regions`, by default every
 * region the assembly can deploy into ({@link assemblyRegions}).
 */
export async function lintAssembly(assemblyDir: string, regions?: string[], options: CfnLintOptions = {}): Promise<CfnLintResult> {
  return lintTemplates(findTemplates(assemblyDir), regions ?? assemblyRegions(assemblyDir), options);
}

/** The findings as one line each, for error messages and logs. */
export function formatCfnLintFindings(findings: CfnLintFinding[], baseDir?: string): string {
  return findings
    .map((f) => `  ${f.rule} ${f.file && baseDir ? relative(baseDir, f.file) : f.file}:${f.line ?? '?'} ${f.path}: ${f.message}`)
    .join('\n');
}

/** Something that synthesizes into a cloud assembly: a CDK `Stack` or `Stage` (`App`). */
interface Synthesizable {
  readonly node: { readonly root: unknown };
}

function assemblyDirOf(target: string | Synthesizable): string {
  if (typeof target === 'string') return target;
  const root = target.node.root as { synth?: () => { directory: string } };
  if (typeof root.synth !== 'function') throw new Error('expectCfnLintClean: the construct is not inside an App');
  // Stage.synth() returns the already synthesized assembly when called again.
  return root.synth().directory;
}

/**
 * Fails when cfn-lint reports an error or an unaccepted warning on any template of the assembly (a
 * directory, or the app of a `Stack`/`App`, synthesized here), for every region in `regions` (by
 * default those the assembly records: {@link assemblyRegions}). Skips with one line where cfn-lint is
 * not installed, and throws then under `CI=true`.
 *
 * @returns the result, so a test can assert on it (e.g. the templates it found)
 */
export async function expectCfnLintClean(target: string | Synthesizable, regions?: string[], options: CfnLintOptions = {}): Promise<CfnLintResult> {
  const dir = assemblyDirOf(target);
  const result = await lintAssembly(dir, regions, options);
  if (result.skipped) return result;
  if (result.templates.length === 0) throw new Error(`expectCfnLintClean: no template under ${dir}`);
  const failing = [...result.errors, ...result.warnings];
  if (failing.length > 0) {
    throw new Error(
      `${failing.length} cfn-lint finding(s) in ${result.regions.join(', ')}:\n${formatCfnLintFindings(failing, dir)}\n` +
        'Fix the template; a warning CDK cannot avoid goes into ACCEPTED_CFN_LINT_WARNINGS (test-utils) with the reason.',
    );
  }
  return result;
}
