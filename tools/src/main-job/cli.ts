import { join, relative } from 'node:path';
import { stageModule } from '../seedfarmer/stage';
import { REPO_ROOT } from '../workspace';
import { loadDeployment, ModuleRun } from './deployment';
import { readEnvFile } from './env-file';
import { synthModule, SynthResult } from './synth';

/**
 * The main job: synthesizes every module of the example Seedfarmer deployment, exactly as Seedfarmer
 * would invoke it, with cdk-nag, and ends with a table. Any failing module fails the job with the
 * module's own output.
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

  const results = await runPool(runs, parallel, (run) => synthModule(run, outdirFor(run)));
  printTable(results);
  const failed = results.filter((r) => !r.ok);
  for (const f of failed) {
    process.stderr.write(`\n--- ${f.run.moduleName} (apps/${f.run.app}) failed ---\n${f.output.trim()}\n`);
  }
  if (failed.length) process.exit(1);
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

function printTable(results: SynthResult[]) {
  const rows = [
    ['app', 'module', 'stacks', 'resources', 'nag findings', 'seconds', 'result'],
    ...results.map((r) => [
      r.run.app,
      r.run.moduleName,
      String(r.stacks.length),
      String(r.resources),
      String(r.nagFindings),
      r.seconds.toFixed(1),
      r.ok ? `ok (${relative(REPO_ROOT, r.outdir)})` : 'FAILED',
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  process.stdout.write(
    [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n') + '\n',
  );
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
