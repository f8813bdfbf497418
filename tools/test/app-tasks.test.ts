import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/workspace';

const apps = readdirSync(join(REPO_ROOT, 'apps')).filter((a) => {
  try {
    readFileSync(join(REPO_ROOT, 'apps', a, '.projen/tasks.json'));
    return true;
  } catch {
    return false;
  }
});
const tasksOf = (dir: string) => JSON.parse(readFileSync(join(REPO_ROOT, dir, '.projen/tasks.json'), 'utf8')).tasks;

describe('CDK workflows without Seedfarmer', () => {
  it.each(apps)('%s: synth, diff, deploy and destroy pass their arguments (-c config=...) to the CDK CLI', (app) => {
    const tasks = tasksOf(`apps/${app}`);
    for (const name of ['synth', 'synth:silent', 'diff', 'deploy', 'destroy']) {
      expect(tasks[name].steps.every((s: { receiveArgs?: boolean }) => s.receiveArgs === true), `${app}:${name}`).toBe(true);
    }
  });

  it('has root deploy and diff scripts that run one app at a time and pass their arguments', () => {
    const tasks = tasksOf('.');
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    for (const name of ['deploy', 'diff']) {
      expect(pkg.scripts[name]).toBe(`projen ${name}`);
      expect(tasks[name].steps[0]).toEqual({ exec: `nx run-many -t ${name} --parallel=1 --output-style=stream`, receiveArgs: true });
    }
  });
});
