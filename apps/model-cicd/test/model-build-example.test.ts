import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synth } from './fixtures';
import { buildProjectEnvironment, type Buildspec, examplePackageJson, exampleCheckout, PIPELINES_PACKAGE_DIR, readBuildspec, runBuildCommand } from './model-build';

/** The example build repository runs in the group's build project: what its buildspec runs, offline. */
describe('the example model build repository (examples/model-build)', () => {
  let buildspec: Buildspec;
  let env: Record<string, string>;
  let checkout: string;
  let render: string;
  let rendered: ReturnType<typeof runBuildCommand>;

  beforeAll(() => {
    buildspec = readBuildspec();
    // The environment of the production group's build project, as synthesized.
    env = buildProjectEnvironment(synth().stack, 1);
    checkout = exampleCheckout();
    render = buildspec.phases.build.commands!.find((c) => c.includes(' render '))!;
    rendered = runBuildCommand(render, checkout, env);
  }, 180_000);

  it('renders the training pipeline with the build project\'s environment into a definition naming its role, bucket, group and pipeline', () => {
    expect({ status: rendered.status, stderr: rendered.stderr }).toEqual({ status: 0, stderr: expect.stringContaining('definition written to definition.json') });
    const text = readFileSync(join(checkout, 'definition.json'), 'utf8');
    const definition = JSON.parse(text);
    expect(definition.Version).toBe('2020-12-01');
    expect(definition.Steps.map((s: { Name: string }) => s.Name)).toEqual(expect.arrayContaining(['PreprocessData', 'TrainModel', 'EvaluateModel']));
    expect(text).toContain(`"RoleArn": "${env.SAGEMAKER_PIPELINE_ROLE_ARN}"`);
    expect(env.SAGEMAKER_PIPELINE_ROLE_ARN).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(text).toContain(`"ModelPackageGroupName": "${env.MODEL_PACKAGE_GROUP_NAME}"`);
    // The scripts and the data are where the buildspec uploads them.
    expect(text).toContain(`s3://${env.ARTIFACT_BUCKET}/${env.SAGEMAKER_PIPELINE_NAME}/code`);
    expect(text).toContain(`s3://${env.ARTIFACT_BUCKET}/${env.SAGEMAKER_PIPELINE_NAME}/data/abalone.csv`);
    // The images of the build account's region.
    expect(text).toContain(`.dkr.ecr.${env.AWS_REGION}.amazonaws.com/`);
    // No placeholder is left for SageMaker to reject.
    expect(text).not.toMatch(/\$\{[A-Za-z]+\}/);
  });

  it('fails the build, naming the variable, when the project does not set the pipeline name', () => {
    const { SAGEMAKER_PIPELINE_NAME: _omitted, ...rest } = env;
    const out = runBuildCommand(render, exampleCheckout(), rest);
    expect(out.status).not.toBe(0);
    expect(out.stderr).toContain('SAGEMAKER_PIPELINE_NAME is not set');
  });

  it('uses only the repository\'s locked dependencies: npm ci, then the CLI and the bundled run tool of the locked package', () => {
    const deps = { ...examplePackageJson().dependencies, ...examplePackageJson().devDependencies };
    // One dependency, from the vendored tarball the README packs: nothing resolved from a registry at build time but its locked dependencies.
    expect(deps).toEqual({ '@sagemaker-mlops/pipelines': 'file:vendor/sagemaker-mlops-pipelines.tgz' });
    expect(buildspec.phases.install).toEqual({ 'runtime-versions': { nodejs: 22 }, commands: ['npm ci --no-audit --no-fund'] });
    const bins = Object.keys(JSON.parse(readFileSync(join(PIPELINES_PACKAGE_DIR, 'package.json'), 'utf8')).bin);
    const commands = buildspec.phases.build.commands!;
    expect(commands).toHaveLength(2);
    for (const command of commands) {
      const [program, ...args] = command.split(/\s+/);
      if (program === 'npx') {
        // npx without --no-install would fetch a package it does not find.
        expect(args[0]).toBe('--no-install');
        expect(bins).toContain(args[1]);
      } else {
        expect(program).toBe('node');
        expect(args[0]).toMatch(/^node_modules\/@sagemaker-mlops\/pipelines\//);
      }
      expect(command).not.toMatch(/npm (i|install)\b|pip install|curl |wget /);
    }
    expect(buildspec.artifacts).toEqual({ files: ['definition.json'] });
  });

  it('refers only to files the packed @sagemaker-mlops/pipelines contains (npm pack, as the README vendors it)', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PIPELINES_PACKAGE_DIR, encoding: 'utf8' })) as [{ files: { path: string }[] }];
    const packed = pack.files.map((f) => f.path);
    const referenced = [...buildspec.phases.build.commands!.join(' ').matchAll(/node_modules\/@sagemaker-mlops\/pipelines\/([^\s="]+)/g)].map((m) => m[1]);
    expect(referenced).toEqual(expect.arrayContaining(['bundles/pipeline-run/index.cjs', 'ml/preprocess.py', 'ml/evaluate.py', 'ml/data']));
    for (const path of referenced) {
      expect(packed.some((p) => p === path || p.startsWith(`${path}/`)), path).toBe(true);
      expect(existsSync(join(PIPELINES_PACKAGE_DIR, path)), path).toBe(true);
    }
    const bin = JSON.parse(readFileSync(join(PIPELINES_PACKAGE_DIR, 'package.json'), 'utf8')).bin['sagemaker-mlops-pipeline'];
    expect(packed).toContain(bin);
  });

  it('passes every variable the buildspec uses that the build project sets, and uses none it does not set', () => {
    const used = new Set([...JSON.stringify(buildspec.phases).matchAll(/\$([A-Z_]+)/g)].map((m) => m[1]));
    for (const name of used) expect(Object.keys(env), name).toContain(name);
    expect([...used].sort()).toEqual(
      ['ARTIFACT_BUCKET', 'ASSUME_ROLE_ARN', 'ENV_TYPE', 'MODEL_PACKAGE_GROUP_NAME', 'PROJECT_NAME', 'SAGEMAKER_PIPELINE_DESCRIPTION', 'SAGEMAKER_PIPELINE_NAME', 'SAGEMAKER_PIPELINE_ROLE_ARN'].sort(),
    );
  });
});
