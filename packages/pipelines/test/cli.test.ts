import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliMain } from '../src';

const FIXTURES = join(__dirname, 'fixtures', 'cli');

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cliMain(argv, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: FIXTURES });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('sagemaker-mlops-pipeline CLI', () => {
  it('renders a pipeline written in TypeScript to a file, placeholders substituted', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cli-')), 'definition.json');
    const result = await cli('render', 'training.ts', '--out', out, '--substitute', 'SageMakerRoleArn=role', '--substitute', 'ArtifactBucket=b', '--substitute', 'ModelPackageGroupName=g');
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/^abalone-training: definition written to .*definition\.json \(\d+ bytes\)$/);
    const definition = JSON.parse(readFileSync(out, 'utf8'));
    expect(definition.Version).toBe('2020-12-01');
    expect(definition.Steps[0].Arguments.RoleArn).toBe('role');
  });

  it('renders for CloudFormation, the placeholders left as Fn::Sub variables', async () => {
    const result = await cli('render', 'training.ts', '--cloudformation', '--compact', '--substitute', 'ModelPackageGroupName=g');
    expect(result.code).toBe(0);
    const [body, variables] = JSON.parse(result.out)['Fn::Sub'];
    expect(variables).toEqual({ ArtifactBucket: { Ref: 'ArtifactBucket' }, ModelPackageGroupName: 'g', SageMakerRoleArn: { Ref: 'SageMakerRoleArn' } });
    expect(body).toContain('"RoleArn":"${SageMakerRoleArn}"');
  });

  it('validates: a valid pipeline says so, with its placeholders', async () => {
    expect(await cli('validate', 'training.ts')).toEqual({
      code: 0,
      out: 'abalone-training: valid (6 steps, 7 parameters, placeholders ArtifactBucket, ModelPackageGroupName, SageMakerRoleArn)',
      err: '',
    });
  });

  it('fails when the pipeline is not valid, listing every problem', async () => {
    const result = await cli('validate', 'invalid.ts');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^Pipeline broken_name is not valid \(3 problems\):\n  - PipelineName: /);
    expect(result.err).toContain('  - step Stop, Arguments.ErrorMessage: a Fail step needs an error message');
    expect(result.err).toContain('  - step Other, Arguments.ErrorMessage: unknown parameter Missing');
    expect((await cli('render', 'invalid.ts')).code).toBe(1);
  });

  it('fails when placeholders have no value, when the export is ambiguous, or the command is unknown', async () => {
    expect(await cli('render', 'training.ts')).toMatchObject({ code: 1, err: expect.stringMatching(/no value for the placeholder\(s\) ArtifactBucket, ModelPackageGroupName, SageMakerRoleArn/) });
    expect(await cli('render', 'two.ts')).toMatchObject({ code: 1, err: 'two.ts exports several pipelines (first, second): choose one with --export' });
    expect(await cli('render', 'two.ts', '--export', 'second', '--compact')).toMatchObject({ code: 0, out: expect.stringContaining('"ErrorMessage":"y"') });
    expect(await cli('validate', 'node:path')).toMatchObject({ code: 1, err: "node:path exports no Pipeline: export one as default or as 'pipeline', or name it with --export" });
    expect(await cli('validate', 'two.ts', '--export', 'third')).toMatchObject({ code: 1, err: "two.ts has no export 'third' (exports: first, second)" });
    expect(await cli('deploy', 'two.ts')).toMatchObject({ code: 2, err: expect.stringMatching(/^usage: sagemaker-mlops-pipeline/) });
  });
});
