#!/usr/bin/env node
// Runs every workspace project's `test` target, and the `test:emulator` target of the projects that
// have one (AWS emulator integration tests, docs/adr/0008-emulator-integration-tests.md), through nx,
// then prints ONE closing line, `N passed, N failed`, from the vitest JSON reports of both (nx restores
// them on cache hits). A project that produced no report (a type error stops it before vitest) or ran
// no test counts as one failure, and so does an nx failure that no report explains.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const projects = ['packages', 'apps']
  .flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(root, dir, name)))
  .concat(join(root, 'tools'))
  .filter((dir) => existsSync(join(dir, 'package.json')));

const EMULATOR_TARGET = 'test:emulator';
const hasEmulatorTests = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts?.[EMULATOR_TARGET] !== undefined;
const reports = projects.flatMap((dir) => [
  { dir, file: 'test-results.json' },
  ...(hasEmulatorTests(dir) ? [{ dir, file: 'test-emulator-results.json' }] : []),
]);
for (const { dir, file } of reports) rmSync(join(dir, file), { force: true });

// moto is checked once here, so that a machine without it says so in one line, not once per project:
// the emulator targets' global setup reads the answer from this variable (packages/test-utils/src/moto.ts).
const MOTO_STATUS_VARIABLE = 'SAGEMAKER_MLOPS_MOTO';
if (!process.env[MOTO_STATUS_VARIABLE]) {
  const probe = spawnSync('python3', ['-c', 'import moto, moto.server; print(moto.__version__)'], { encoding: 'utf8', timeout: 30_000 });
  const reason = probe.error ? `python3 cannot run (${probe.error.message})` : `python3 cannot import moto.server (${(probe.stderr ?? '').trim().split('\n').pop()})`;
  process.env[MOTO_STATUS_VARIABLE] = probe.status === 0 ? `available ${probe.stdout.trim()}` : `unavailable: ${reason}`;
  if (probe.status !== 0) {
    console.log(`AWS emulator tests ${process.env.CI === 'true' ? 'cannot run under CI=true' : 'skipped'}: ${reason}`);
  }
}

const nx = spawnSync('npx', ['nx', 'run-many', '-t', 'test', EMULATOR_TARGET, '--output-style=stream', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});

let passed = 0;
let failed = 0;
const missing = [];
for (const { dir, file } of reports) {
  const report = join(dir, file);
  const name = `${dir.slice(root.length + 1)}${file === 'test-results.json' ? '' : ` (${EMULATOR_TARGET})`}`;
  if (!existsSync(report)) {
    missing.push(name);
    failed += 1;
    continue;
  }
  const results = JSON.parse(readFileSync(report, 'utf8'));
  if (results.numTotalTests === 0) {
    missing.push(name);
    failed += 1;
    continue;
  }
  passed += results.numPassedTests;
  failed += results.numFailedTests;
}
if (nx.status !== 0 && failed === 0) failed = 1;
if (missing.length) console.log(`no tests ran in: ${missing.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(nx.status !== 0 || failed > 0 ? 1 : 0);
