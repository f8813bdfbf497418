import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { endLine, formatPrerequisiteBlocks, loadEnvFile, parseMainJobArgs, startLine, UsageError, USAGE, type ModuleResult } from '../src/main-job/cli';
import { extractPrerequisites } from '../src/main-job/synth';
import { loadDeployment } from '../src/main-job/deployment';
import { REPO_ROOT } from '../src/workspace';

const tmp = () => mkdtempSync(join(tmpdir(), 'main-job-cli-'));

describe('main job command line', () => {
  it('defaults to the example deployment, resolved against the repository root', () => {
    const options = parseMainJobArgs([]);
    expect(options.deploymentPath).toBe(join(REPO_ROOT, 'manifests/example/deployment.yaml'));
    expect(options.envFile).toBe(join(REPO_ROOT, 'manifests/example/example.env'));
    expect(options.parallel).toBeGreaterThanOrEqual(1);
    expect(options.help).toBe(false);
  });

  it('honours an absolute --env-file and --deployment path instead of joining it onto the repository root', () => {
    const options = parseMainJobArgs(['--env-file', '/etc/x.env', '--deployment', '/tmp/d.yaml', '--parallel', '3']);
    expect(options).toMatchObject({ envFile: '/etc/x.env', deploymentPath: '/tmp/d.yaml', parallel: 3 });
  });

  it('fails when an option is unknown, naming it and the known ones', () => {
    expect(() => parseMainJobArgs(['--deploymnet', 'x.yaml'])).toThrow(UsageError);
    expect(() => parseMainJobArgs(['--deploymnet', 'x.yaml'])).toThrow(/'--deploymnet'.*Known options: --deployment, --env-file, --parallel, --help/);
  });

  it('fails when an option has no value', () => {
    expect(() => parseMainJobArgs(['--deployment'])).toThrow(/--deployment/);
  });

  it('fails when --parallel is negative (node:util reads -1 as an option: still an error naming --parallel)', () => {
    expect(() => parseMainJobArgs(['--parallel', '-1'])).toThrow(/--parallel/);
    expect(() => parseMainJobArgs(['--parallel=-1'])).toThrow('--parallel must be a positive integer, got "-1"');
  });

  it.each(['two', '0', '1.5', ''])('fails when --parallel is %j, before anything runs', (value) => {
    expect(() => parseMainJobArgs(['--parallel', value])).toThrow(`--parallel must be a positive integer, got "${value}"`);
  });

  it('documents every option in --help and in the root README', () => {
    expect(parseMainJobArgs(['--help']).help).toBe(true);
    expect(parseMainJobArgs(['-h']).help).toBe(true);
    const readme = require('node:fs').readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const option of ['--deployment', '--env-file', '--parallel', '--help']) {
      expect(USAGE).toContain(option);
      expect(readme).toContain(option);
    }
  });

  it('fails when the env file does not exist, naming it', () => {
    expect(() => loadEnvFile('/nonexistent/x.env')).toThrow('--env-file: /nonexistent/x.env does not exist');
  });
});

describe('main job deployment file errors name the file', () => {
  const write = (text: string) => {
    const path = join(tmp(), 'deployment.yaml');
    writeFileSync(path, text);
    return path;
  };
  const load = (deploymentPath: string) => loadDeployment({ deploymentPath, env: {} });

  it('fails when the deployment file does not exist, without a bare ENOENT', () => {
    expect(() => load('/nonexistent/deployment.yaml')).toThrow('deployment manifest /nonexistent/deployment.yaml does not exist');
  });

  it('fails when the deployment file is empty', () => {
    const path = write('');
    expect(() => load(path)).toThrow(`${path}: the deployment manifest is empty`);
  });

  it('fails when the deployment file is not YAML', () => {
    const path = write('name: [unclosed');
    expect(() => load(path)).toThrow(`${path}: not a YAML deployment manifest`);
  });

  it('fails when the deployment file has the wrong shape, one line per problem with its path, not a zod dump', () => {
    const path = write('name: dev\ngroups: 3\n');
    let message = '';
    try {
      load(path);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')[0]).toBe(`${path}: invalid deployment manifest:`);
    expect(message).toMatch(/^ {2}groups: /m);
    expect(message).not.toContain('"code"');
  });
});

describe('main job progress', () => {
  const run = { moduleName: 'promote-pipeline', app: 'promote' } as ModuleResult['run'];
  const result = (ok: boolean): ModuleResult =>
    ({ run, ok, outdir: join(REPO_ROOT, 'apps/promote/cdk.out/promote-pipeline'), stacks: [], resources: 0, nagFindings: 0, seconds: 4.25, output: '' }) as ModuleResult;

  it('prints one plain line per module as it starts and as it ends, with seconds and result', () => {
    expect(startLine(run)).toBe('start promote-pipeline (apps/promote)\n');
    expect(endLine(result(true))).toBe('end   promote-pipeline (apps/promote) 4.3 s ok (apps/promote/cdk.out/promote-pipeline)\n');
    expect(endLine(result(false))).toMatch(/ FAILED\n$/);
    // No cursor movement or erase sequences: the same bytes in a CI log as in a terminal.
    expect(startLine(run) + endLine(result(true))).not.toMatch(/\x1b|\r/);
  });

  it('exits 2 with the error and a pointer to --help on a misuse, before compiling or synthesizing anything', () => {
    const cli = spawnSync(process.execPath, ['-r', 'tsx/cjs', join(REPO_ROOT, 'tools/src/main-job/cli.ts'), '--parallel', 'two'], { encoding: 'utf8' });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain('--parallel must be a positive integer, got "two"');
    expect(cli.stderr).toContain('--help');
    expect(cli.stdout).toBe('');
  });
});

describe('main job prerequisites', () => {
  const block = [
    'Prerequisites of promote module mlops-example-x, once per account and region before the first deploy:',
    '',
    'account 308164297531, eu-west-1: target',
    '  1. aws iam create-policy --policy-name p --policy-document file://docs/bootstrap/module-execution-policy.json',
    '  2. cdk bootstrap aws://308164297531/eu-west-1 --cloudformation-execution-policies arn',
  ].join('\n');

  it('takes the block the app printed to stderr, without what comes before or after it', () => {
    const stderr = `[Warning] something CDK said\n\n${block}\n\nValidation Report\nsomething else\n`;
    expect(extractPrerequisites(stderr)).toBe(block);
    expect(extractPrerequisites('no block here\n')).toBeUndefined();
  });

  it('prints one block per module that has one, after the table', () => {
    const result = (prerequisites?: string) => ({ prerequisites }) as ModuleResult;
    expect(formatPrerequisiteBlocks([result(block), result(undefined), result(block.replace('mlops-example-x', 'mlops-example-y'))])).toBe(
      `\n${block}\n\n${block.replace('mlops-example-x', 'mlops-example-y')}\n`,
    );
    expect(formatPrerequisiteBlocks([result(undefined)])).toBe('');
  });
});
