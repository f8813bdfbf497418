#!/usr/bin/env node
// Runs every workspace project's `test` target through nx, then prints ONE closing line,
// `N passed, N failed`, from the vitest JSON reports (nx restores them on cache hits).
// A project that produced no report (a type error stops it before vitest) or ran no test counts as
// one failure, and so does an nx failure that no report explains.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const projects = ['packages', 'apps']
  .flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(root, dir, name)))
  .concat(join(root, 'tools'))
  .filter((dir) => existsSync(join(dir, 'package.json')));

for (const dir of projects) rmSync(join(dir, 'test-results.json'), { force: true });

const nx = spawnSync('npx', ['nx', 'run-many', '-t', 'test', '--output-style=stream', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});

let passed = 0;
let failed = 0;
const missing = [];
for (const dir of projects) {
  const report = join(dir, 'test-results.json');
  if (!existsSync(report)) {
    missing.push(dir.slice(root.length + 1));
    failed += 1;
    continue;
  }
  const results = JSON.parse(readFileSync(report, 'utf8'));
  if (results.numTotalTests === 0) {
    missing.push(dir.slice(root.length + 1));
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
