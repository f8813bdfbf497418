import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

describe('main job compile (npm run synth)', () => {
  const steps = tasksOf('.').synth.steps as { exec: string; cwd?: string; receiveArgs?: boolean }[];
  const projects = steps[0].exec.replace(/^tsc --build /, '').split(' ');
  const packageDirs = new Map(projects.map((dir) => [JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8')).name as string, dir]));

  it('compiles every workspace project in one tsc process, each after the workspace packages it uses', () => {
    expect(steps[0].exec).toMatch(/^tsc --build /);
    const all = ['packages', 'apps'].flatMap((g) => readdirSync(join(REPO_ROOT, g)).map((n) => `${g}/${n}`)).filter((d) => existsSync(join(REPO_ROOT, d, 'package.json')));
    expect(new Set(projects)).toEqual(new Set([...all, 'tools']));
    for (const [index, dir] of projects.entries()) {
      const pkg = JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8'));
      const workspaceDeps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((d) => packageDirs.has(d));
      for (const dep of workspaceDeps) expect(projects.indexOf(packageDirs.get(dep)!), `${dir} uses ${dep}`).toBeLessThan(index);
    }
  });

  it("then runs each project's other compile steps (the tool bundles) in its folder, then the main job with the arguments", () => {
    for (const dir of projects) {
      const other = (tasksOf(dir).compile.steps as { exec?: string; execArgs?: string[] }[])
        .map((s) => s.exec ?? s.execArgs?.join(' '))
        .filter((c) => !/^tsc( |$)/.test(c ?? ''));
      for (const command of other) expect(steps).toContainEqual({ exec: command, cwd: dir });
    }
    expect(steps.filter((s) => s.cwd).map((s) => s.cwd)).toEqual(['packages/registry', 'packages/pipelines']);
    expect(steps.at(-1)).toEqual({ exec: 'node tools/lib/main-job/cli.js', receiveArgs: true });
  });
});
