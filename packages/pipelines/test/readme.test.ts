import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as pipelines from '../src';

describe('README', () => {
  it('starts with an example that builds and renders a pipeline', () => {
    // GIVEN the first TypeScript block of the README
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)![1];

    // WHEN it runs, with this package as '@sagemaker-mlops/pipelines'
    const js = transformSync(`${code}\nmodule.exports = { json, pipeline };`, { loader: 'ts', format: 'cjs' }).code;
    const module = { exports: {} as { json: string; pipeline: pipelines.Pipeline } };
    new Function('require', 'module', js)((id: string) => (id === '@sagemaker-mlops/pipelines' ? pipelines : require(id)), module);

    // THEN
    const definition = JSON.parse(module.exports.json);
    expect(definition.Version).toBe('2020-12-01');
    expect(definition.Steps.map((s: { Name: string }) => s.Name)).toEqual(['EvaluateModel', 'MSECond']);
    expect(definition.Steps[0].Arguments.RoleArn).toMatch(/^arn:aws:iam::\d{12}:role\/sagemaker$/);
  });
});
