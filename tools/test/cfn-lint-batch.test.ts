import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintModuleAssemblies } from '../src/cfn-lint';

const tmp = () => mkdtempSync(join(tmpdir(), 'cfn-lint-batch-'));

/** A cloud assembly with one stack in `region` and the given template. */
function assembly(root: string, name: string, region: string, template: object): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Stack.template.json'), JSON.stringify(template));
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      version: '48.0.0',
      artifacts: { Stack: { type: 'aws:cloudformation:stack', environment: `aws://111111111111/${region}`, properties: { templateFile: 'Stack.template.json' } } },
    }),
  );
  return dir;
}

/**
 * A stand-in for cfn-lint: records each invocation's arguments, and reports an error (E3001) on every
 * template whose resources include a `Bad` resource, as cfn-lint --format json does.
 */
function fakeCfnLint(root: string): { command: string; calls: () => string[][] } {
  const log = join(root, 'calls.jsonl');
  writeFileSync(log, '');
  const command = join(root, 'cfn-lint');
  writeFileSync(
    command,
    `#!/usr/bin/env node
const fs = require('fs');
const args = process.argv.slice(2);
if (args[0] === '--version') { console.log('cfn-lint 1.51.0'); process.exit(0); }
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + '\\n');
const files = args.slice(args.indexOf('--') + 1);
const findings = files.filter((f) => 'Bad' in JSON.parse(fs.readFileSync(f, 'utf8')).Resources).map((f) => ({
  Rule: { Id: 'E3001' }, Level: 'Error', Message: 'bad resource', Filename: f,
  Location: { Path: ['Resources', 'Bad'], Start: { LineNumber: 1 } },
}));
console.log(JSON.stringify(findings));
process.exit(findings.length ? 2 : 0);
`,
  );
  chmodSync(command, 0o755);
  const calls = () => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { command, calls };
}

describe('lintModuleAssemblies (the main job lints all assemblies of a run at once)', () => {
  const good = { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } };
  const bad = { Resources: { Bad: { Type: 'AWS::SNS::Topic' } } };

  it('runs cfn-lint once per set of target regions, not once per module', async () => {
    const root = tmp();
    const lint = fakeCfnLint(root);
    const dirs = [
      assembly(root, 'a', 'eu-west-1', good),
      assembly(root, 'b', 'eu-west-1', { Resources: { Queue: { Type: 'AWS::SQS::Queue' } } }),
      assembly(root, 'c', 'us-east-1', good),
    ];
    const results = await lintModuleAssemblies(dirs, { command: lint.command });
    expect(lint.calls().map((args) => args[args.indexOf('--regions') + 1]).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(results.map((r) => [r.error, r.result?.regions, r.result?.templates.length])).toEqual([
      [undefined, ['eu-west-1'], 1],
      [undefined, ['eu-west-1'], 1],
      [undefined, ['us-east-1'], 1],
    ]);
  });

  it("reports each finding for every module whose template it is in, under that module's own file", async () => {
    const root = tmp();
    const lint = fakeCfnLint(root);
    // Two modules with the same bad template (linted once), one clean module.
    const dirs = [assembly(root, 'a', 'eu-west-1', bad), assembly(root, 'b', 'eu-west-1', good), assembly(root, 'c', 'eu-west-1', bad)];
    const results = await lintModuleAssemblies(dirs, { command: lint.command });
    const [args] = lint.calls();
    expect(args.slice(args.indexOf('--') + 1)).toHaveLength(2);
    expect(results.map((r) => r.result!.errors.map((e) => e.file))).toEqual([
      [join(dirs[0], 'Stack.template.json')],
      [],
      [join(dirs[2], 'Stack.template.json')],
    ]);
    expect(results[0].result!.errors[0]).toMatchObject({ rule: 'E3001', path: 'Resources/Bad' });
  });

  it('gives every module of the run the error when cfn-lint itself fails', async () => {
    const root = tmp();
    const command = join(root, 'cfn-lint');
    writeFileSync(command, `#!/bin/sh\nif [ "$1" = --version ]; then echo cfn-lint 1.51.0; exit 0; fi\necho crashed >&2\nexit 1\n`);
    chmodSync(command, 0o755);
    const results = await lintModuleAssemblies([assembly(root, 'a', 'eu-west-1', good), assembly(root, 'b', 'eu-west-1', good)], { command });
    expect(results.map((r) => r.error)).toEqual([expect.stringContaining('crashed'), expect.stringContaining('crashed')]);
  });
});
