import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import type { InfraPipelineStack } from '../src/stacks/infra-pipeline-stack';

/** The example model build repository, as users push it. */
export const EXAMPLE_DIR = join(__dirname, '..', 'examples', 'model-build');
/** The workspace package the example's README packs into vendor/ (the only dependency of the example). */
export const PIPELINES_PACKAGE_DIR = join(__dirname, '..', '..', '..', 'packages', 'pipelines');

export interface Buildspec {
  readonly version: number | string;
  readonly phases: Record<string, { 'runtime-versions'?: Record<string, unknown>; commands?: string[] }>;
  readonly artifacts?: { files: string[] };
}

export function readBuildspec(): Buildspec {
  return parse(readFileSync(join(EXAMPLE_DIR, 'buildspec.yml'), 'utf8')) as Buildspec;
}

export function examplePackageJson(): { dependencies?: Record<string, string>; devDependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(join(EXAMPLE_DIR, 'package.json'), 'utf8'));
}

/** An ARN or name of the template as text: `AWS::Partition` is the configuration's partition; any other reference is an error. */
function literal(value: unknown, partition: string): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v && v.Ref === 'AWS::Partition') return partition;
  if (v && 'Fn::Join' in v) return (v['Fn::Join'][1] as unknown[]).map((p) => literal(p, partition)).join(v['Fn::Join'][0]);
  throw new Error(`not a literal of the template: ${JSON.stringify(value)}`);
}

/** The environment variables the group's model build project sets, read from the synthesized tooling template. */
export function buildProjectEnvironment(stack: InfraPipelineStack, groupIndex: number): Record<string, string> {
  const names = stack.config.groups[groupIndex].names;
  const projects = Template.fromStack(stack.stages[groupIndex].pipelines).findResources('AWS::CodeBuild::Project', { Properties: { Name: names.buildPipeline } });
  const [project] = Object.values(projects);
  if (!project) throw new Error(`no CodeBuild project named ${names.buildPipeline}`);
  return Object.fromEntries(
    (project.Properties.Environment.EnvironmentVariables as { Name: string; Type: string; Value: unknown }[]).map((v) => {
      if (v.Type !== 'PLAINTEXT') throw new Error(`${v.Name} is ${v.Type}, not a plain value`);
      return [v.Name, literal(v.Value, stack.config.partition)];
    }),
  );
}

/**
 * A checkout of the example repository after `npm ci`, offline: its files, and node_modules with the locked
 * @sagemaker-mlops/pipelines (the workspace package the README vendors) and the bin link npm makes for it.
 */
export function exampleCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'model-build-'));
  for (const file of ['buildspec.yml', 'pipeline.ts', 'package.json']) copyFileSync(join(EXAMPLE_DIR, file), join(dir, file));
  mkdirSync(join(dir, 'node_modules', '@sagemaker-mlops'), { recursive: true });
  symlinkSync(PIPELINES_PACKAGE_DIR, join(dir, 'node_modules', '@sagemaker-mlops', 'pipelines'), 'dir');
  const bin = JSON.parse(readFileSync(join(PIPELINES_PACKAGE_DIR, 'package.json'), 'utf8')).bin as Record<string, string>;
  mkdirSync(join(dir, 'node_modules', '.bin'));
  for (const [name, target] of Object.entries(bin)) {
    const link = join(dir, 'node_modules', '.bin', name);
    writeFileSync(link, `#!/bin/sh\nexec node "${join(dir, 'node_modules', '@sagemaker-mlops', 'pipelines', target)}" "$@"\n`);
    chmodSync(link, 0o755);
  }
  return dir;
}

/** Runs one buildspec command as CodeBuild does (a shell in the checkout), with only `env` and PATH set. */
export function runBuildCommand(command: string, cwd: string, env: Record<string, string>, timeout = 120_000) {
  return spawnSync('bash', ['-eo', 'pipefail', '-c', command], {
    cwd,
    // npx must not reach a registry: an empty cache and offline mode make a fetch fail instead.
    env: { PATH: process.env.PATH ?? '', HOME: cwd, npm_config_cache: join(cwd, '.npm'), npm_config_offline: 'true', NODE_NO_WARNINGS: '1', ...env },
    encoding: 'utf8',
    timeout,
  });
}
