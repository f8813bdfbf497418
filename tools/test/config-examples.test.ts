import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/workspace';

const EXAMPLES = join(REPO_ROOT, 'examples/config');

/** Runs an app the way `cdk synth -c config=<dir>` does: its cdk.json app command, context in CDK_CONTEXT_JSON. */
function synthWithConfig(app: string, config: string) {
  const appDir = join(REPO_ROOT, 'apps', app);
  const cdkJson = JSON.parse(readFileSync(join(appDir, 'cdk.json'), 'utf8'));
  const outdir = mkdtempSync(join(tmpdir(), `config-example-${app}-`));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(SEEDFARMER_|CDK_|AWS_)/.test(k)) env[k] = v;
  const result = spawnSync(cdkJson.app, {
    cwd: appDir,
    shell: true,
    encoding: 'utf8',
    env: { ...env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJson.context, config }) },
  });
  return { ...result, outdir };
}

describe('config-file examples of the app READMEs', () => {
  it.each([
    ['promote', 'promote/source', 'mlops-example-source-registry-access'],
    ['promote', 'promote/target-bus', 'mlops-example-target-bus-bus'],
    ['promote', 'promote/target', 'mlops-example-promote-pipeline'],
    ['endpoint-deploy', 'endpoint-deploy', 'mlops-example-deploy-endpoint'],
    ['model-cicd', 'model-cicd', 'mlops-example-cicd-model-cicd'],
    ['batch-promotion', 'batch-promotion', 'mlops-example-batch-promotion'],
    ['project-template', 'project-template', 'mlops-example-template-project'],
  ])('%s synthesizes from the folder %s (-c config=<folder>)', (app, folder, stack) => {
    const result = synthWithConfig(app, join(EXAMPLES, folder));
    expect(result.status, result.stderr + result.stdout).toBe(0);
    const manifest = JSON.parse(readFileSync(join(result.outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.artifacts)).toContain(stack);
  }, 120_000);

  it.each(['promote', 'endpoint-deploy', 'model-cicd', 'batch-promotion', 'project-template'])('%s README documents synth, diff and deploy with a config file', (app) => {
    const readme = readFileSync(join(REPO_ROOT, 'apps', app, 'README.md'), 'utf8');
    for (const target of ['synth', 'diff', 'deploy']) {
      expect(readme).toContain(`npx nx run @sagemaker-mlops/${app}:${target} -- -c config=`);
    }
    expect(readme).toContain('examples/config/');
    expect(existsSync(EXAMPLES)).toBe(true);
  });
});
