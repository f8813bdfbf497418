/**
 * Benchmark harness: times the main job per app and the test suite, cold (empty nx cache) and
 * cached, runs the promote benchmarks, and writes bench-results/latest.md plus the README's
 * performance section.
 *
 *   npm run bench                (everything; several minutes on 2 cores)
 *   npm run bench -- --quick     (skip the cold test-suite run)
 *   npm run bench -- --main-job  (only the main job's goal: tools/bench/main-job.ts; prints, writes nothing)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { lintModuleAssembly } from '../src/cfn-lint';
import { loadDeployment } from '../src/main-job/deployment';
import { readEnvFile } from '../src/main-job/env-file';
import { synthModule } from '../src/main-job/synth';
import { REPO_ROOT } from '../src/workspace';
import { mainJobBenchmark, mainJobRows } from './main-job';
import { promoteBenchmarks } from './promote';
import { pipelineBenchmarks } from './pipelines';

const quick = process.argv.includes('--quick');

function timed(command: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: 'ignore', env: { ...process.env, NX_NO_CLOUD: 'true' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function synthPerModule(): Promise<Array<{ app: string; module: string; seconds: number; lint: string }>> {
  const { runs } = loadDeployment({
    deploymentPath: 'manifests/example/deployment.yaml',
    env: readEnvFile(join(REPO_ROOT, 'manifests/example/example.env')),
  });
  const rows = [];
  for (const run of runs) {
    const result = await synthModule(run, join(run.appDir, 'cdk.out', run.moduleName));
    if (!result.ok) throw new Error(`${run.moduleName} failed:\n${result.output}`);
    // The main job's cfn-lint step on the same assembly (timed whatever it finds; the gate is the main job's).
    const lint = await lintModuleAssembly(result.outdir);
    rows.push({ app: run.app, module: run.moduleName, seconds: result.seconds, lint: lint.skipped ? 'skipped' : lint.seconds.toFixed(1) });
  }
  return rows;
}

async function main() {
  const lines: string[] = [];
  const row = (...cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push(`Machine: ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`, '');

  // The goal first: the main job as a user runs it (tools/bench/main-job.ts).
  lines.push('### Main job goal (`npm run synth`, tools/bench/main-job.ts)', '');
  row('measure', 'goal (s)', 'wall-clock (s)', 'CPU, user + sys (s)');
  row('---', '---', '---', '---');
  for (const cells of mainJobRows(mainJobBenchmark())) row(...cells);
  lines.push('');
  if (process.argv.includes('--main-job')) {
    process.stdout.write(`${lines.join('\n')}\n`);
    return;
  }

  execFileSync('npx', ['nx', 'reset'], { cwd: REPO_ROOT, stdio: 'ignore' });
  const compileCold = timed('npx', ['nx', 'run-many', '-t', 'compile']);
  const compileCached = timed('npx', ['nx', 'run-many', '-t', 'compile']);
  const synthFirst = await synthPerModule();
  const synthSecond = await synthPerModule();
  lines.push('### Main job (`npm run synth`)', '');
  row('step', 'cold (s)', 'cached (s)');
  row('---', '---', '---');
  row('compile all packages (nx)', compileCold.toFixed(1), compileCached.toFixed(1));
  synthSecond.forEach((r, i) => row(`synth ${r.app} / ${r.module} (sequential)`, synthFirst[i].seconds.toFixed(1), r.seconds.toFixed(1)));
  synthSecond.forEach((r, i) => row(`cfn-lint ${r.app} / ${r.module} (every template, every target region)`, synthFirst[i].lint, r.lint));
  lines.push('', 'Synth is not cached by design (the main job always writes fresh assemblies); "cached" is a warm second run.', '');

  lines.push('### Test suite (`npm test`)', '');
  row('run', 'seconds');
  row('---', '---');
  if (!quick) {
    execFileSync('npx', ['nx', 'reset'], { cwd: REPO_ROOT, stdio: 'ignore' });
    row('cold (empty nx cache)', timed('npm', ['test']).toFixed(1));
  }
  row('cached (nothing changed)', timed('npm', ['test']).toFixed(1));
  lines.push('');

  lines.push('### Promote runtime', '');
  row('measure', 'reference behaviour', 'this repository');
  row('---', '---', '---');
  for (const b of await promoteBenchmarks()) row(b.measure, b.reference, b.ours);

  lines.push('', '### Seed pipelines (`@sagemaker-mlops/pipelines`)', '');
  row('pipeline', 'steps', 'definition (bytes)', 'build + validate + render, median (ms)');
  row('---', '---', '---', '---');
  for (const p of pipelineBenchmarks()) row(p.pipeline, String(p.steps), String(p.bytes), p.medianMs.toFixed(2));

  const table = lines.join('\n');
  mkdirSync(join(REPO_ROOT, 'bench-results'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'bench-results', 'latest.md'), `${table}\n`);
  const readme = join(REPO_ROOT, 'README.md');
  writeFileSync(
    readme,
    readFileSync(readme, 'utf8').replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, `<!-- bench:start -->\n${table}\n<!-- bench:end -->`),
  );
  process.stdout.write(`${table}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
