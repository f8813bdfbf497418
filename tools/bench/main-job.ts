/**
 * The main job's goal (issue 8, item 3), measured as a user meets it: `npm run synth` after `npm ci`, cold
 * (empty nx cache, no incremental tsc state), for the two apps promote and endpoint-deploy (their four
 * example modules), and what one more module costs (the same deployment plus a second endpoint module,
 * both warm: the compile is cached, synth and cfn-lint never are).
 *
 * Wall-clock seconds depend on what else the machine runs; the CPU seconds (user + system of the whole
 * process tree, from /usr/bin/time where it exists) do much less, so both are reported.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/workspace';

export const TWO_APPS = 'tools/bench/fixtures/two-apps.deployment.yaml';
export const PLUS_ONE_MODULE = 'tools/bench/fixtures/plus-one-module.deployment.yaml';

export interface Timing {
  readonly wall: number;
  /** User + system CPU seconds of the process tree; undefined without /usr/bin/time. */
  readonly cpu?: number;
}

/** Runs a command from the repository root, failing with its output when it fails. */
export function timeCommand(command: string, args: string[]): Timing {
  const gnuTime = existsSync('/usr/bin/time');
  const started = process.hrtime.bigint();
  const run = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', 'BENCH_CPU %U %S', command, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NX_NO_CLOUD: 'true' } })
    : spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NX_NO_CLOUD: 'true' } });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  const cpu = /BENCH_CPU ([\d.]+) ([\d.]+)/.exec(run.stderr ?? '');
  return { wall, cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined };
}

/**
 * What a fresh clone after `npm ci` has: no nx cache, no incremental TypeScript state (lib/ is overwritten in
 * place), and no Seedfarmer staging (vendor/, whose lockfiles are otherwise reused).
 */
export function makeCold(): void {
  spawnSync('npx', ['nx', 'reset'], { cwd: REPO_ROOT, stdio: 'ignore' });
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(REPO_ROOT, group))) {
      rmSync(join(REPO_ROOT, group, name, 'tsconfig.tsbuildinfo'), { force: true });
      rmSync(join(REPO_ROOT, group, name, 'vendor'), { recursive: true, force: true });
    }
  }
  rmSync(join(REPO_ROOT, 'tools', 'tsconfig.tsbuildinfo'), { force: true });
}

/** The run of median wall-clock time, with the median CPU time of the runs. */
export function median(runs: readonly Timing[]): Timing {
  const mid = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const cpus = runs.map((r) => r.cpu).filter((c): c is number => c !== undefined);
  return { wall: mid(runs.map((r) => r.wall)), cpu: cpus.length === runs.length ? mid(cpus) : undefined };
}

export interface MainJobBenchmark {
  readonly cold: Timing;
  readonly warm: Timing;
  readonly plusOneModule: Timing;
  /** `plusOneModule - warm`: the cost of one more module. */
  readonly perAddedModule: Timing;
}

export function mainJobBenchmark(): MainJobBenchmark {
  const synth = (deployment: string) => timeCommand('npm', ['run', 'synth', '--', '--deployment', deployment]);
  makeCold();
  const cold = synth(TWO_APPS);
  // The warm runs take seconds, so one run's noise (other work on the machine) is of the size of the module
  // measured: the median of three, alternating the two deployments.
  const warmRuns: Timing[] = [];
  const plusOneRuns: Timing[] = [];
  for (let i = 0; i < 3; i++) {
    warmRuns.push(synth(TWO_APPS));
    plusOneRuns.push(synth(PLUS_ONE_MODULE));
  }
  const warm = median(warmRuns);
  const plusOneModule = median(plusOneRuns);
  const diff = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : a - b);
  return { cold, warm, plusOneModule, perAddedModule: { wall: plusOneModule.wall - warm.wall, cpu: diff(plusOneModule.cpu, warm.cpu) } };
}

/** The README rows: measure, goal, wall-clock seconds, CPU seconds. */
export function mainJobRows(b: MainJobBenchmark): string[][] {
  const cell = (t: Timing) => [t.wall.toFixed(1), t.cpu === undefined ? '-' : t.cpu.toFixed(1)];
  return [
    ['`npm run synth`, two apps (4 modules), cold: after `npm ci`, empty nx cache', '<= 60', ...cell(b.cold)],
    ['`npm run synth`, two apps (4 modules), warm: compile cached (median of 3)', '', ...cell(b.warm)],
    ['`npm run synth`, two apps plus one module (5 modules), warm (median of 3)', '', ...cell(b.plusOneModule)],
    ['cost of the added module (difference)', '<= 5', ...cell(b.perAddedModule)],
  ];
}
