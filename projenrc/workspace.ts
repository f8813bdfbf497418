import * as path from 'node:path';
import { Component, JsonFile, ProjenrcFile, javascript, typescript } from 'projen';
import { MIN_NODE, VERSIONS } from './versions';

/** Options every subproject and the root share. */
export const COMMON_OPTIONS = {
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  typescriptVersion: VERSIONS.typescript,
  minNodeVersion: MIN_NODE,
  jest: false,
  eslint: false,
  prettier: false,
  depsUpgrade: false,
  sampleCode: false,
} satisfies Partial<typescript.TypeScriptProjectOptions>;

/**
 * The workspace root: npm workspaces, one root install, nx as the task runner.
 *
 * projen has no npm-workspaces support (projen#3304): each subproject would run its own
 * `npm install` before the root package.json declares the workspaces. Subprojects created
 * with {@link WorkspaceRoot.adopt} hand their install to the root instead.
 */
export class WorkspaceRoot extends typescript.TypeScriptProject {
  private readonly install: WorkspaceInstall;
  private readonly members: javascript.NodeProject[] = [];

  constructor() {
    super({
      ...COMMON_OPTIONS,
      name: 'sagemaker-mlops-cdk',
      projenrcTs: true,
      projenrcTsOptions: { runner: typescript.TypeScriptRunner.tsx() },
      github: false,
      release: false,
      // The same license as the published libraries (projen writes LICENSE).
      licensed: true,
      license: 'Apache-2.0',
      disableTsconfig: true,
      devDeps: [
        `nx@${VERSIONS.nx}`,
        `tsx@${VERSIONS.tsx}`,
        `ts-node@${VERSIONS.tsNode}`,
        `@types/node@${VERSIONS.nodeTypes}`,
        `constructs@${VERSIONS.constructs}`,
        `yaml@${VERSIONS.yaml}`,
      ],
    });
    this.package.addField('private', true);
    this.package.addField('workspaces', ['packages/*', 'apps/*', 'tools']);
    this.install = new WorkspaceInstall(this);
    // npm 11 runs dependency install scripts only for packages in the root's allowScripts (npm docs,
    // using-npm/config.md "allow-scripts": team-wide policy lives in package.json#allowScripts, at the
    // workspace root only). esbuild's postinstall checks its platform binary, nx's sets up its native
    // bindings; name-only entries, because VERSIONS already pins both.
    this.package.addField('allowScripts', { esbuild: true, nx: true });
    this.gitignore.exclude('/.nx/cache', '/.nx/workspace-data', 'test-results.json', 'cdk.out', '/bench-results', '/dist');

    // The root has no sources of its own: its tasks fan out to the workspace through nx.
    this.compileTask.reset('nx run-many -t compile --output-style=stream');
    this.testTask.reset('node tools/scripts/run-tests.mjs', { receiveArgs: true });
    this.packageTask.reset();
    // Main job; its steps are written once every member is adopted (preSynthesize).
    this.addTask('synth', { description: 'Main job: synthesize every app from the example Seedfarmer deployment, with cdk-nag' });
    this.addTask('deploy', {
      description: 'Deploy every app (pass CDK arguments after --, e.g. -- -c config=path/to/config-dir)',
      exec: 'nx run-many -t deploy --parallel=1 --output-style=stream',
      receiveArgs: true,
    });
    this.addTask('diff', {
      description: 'Diff every app against what is deployed (pass CDK arguments after --, e.g. -- -c config=path/to/config-dir)',
      exec: 'nx run-many -t diff --parallel=1 --output-style=stream',
      receiveArgs: true,
    });
    this.addTask('bench', {
      description: 'Time the main job per app and the test suite, cold and cached',
      steps: [
        { exec: 'nx run-many -t compile --output-style=stream' },
        { exec: 'tsx tools/bench/run.ts', receiveArgs: true },
      ],
    });

    new JsonFile(this, 'nx.json', {
      obj: {
        $schema: './node_modules/nx/schemas/nx-schema.json',
        defaultBase: 'main',
        namedInputs: {
          // nx leaves git-ignored files (lib/, cdk.out/, vendor/, test-results.json) out of every input.
          default: ['{projectRoot}/**/*', 'sharedGlobals'],
          production: ['default', '!{projectRoot}/test/**/*', '!{projectRoot}/vitest.config.mts', '!{projectRoot}/README.md'],
          sharedGlobals: ['{workspaceRoot}/package-lock.json', '{workspaceRoot}/nx.json'],
        },
        targetDefaults: {
          compile: {
            cache: true,
            dependsOn: ['^compile'],
            // tools/scripts/bundle.mjs writes bundles/ of the packages that ship tools (.projenrc.ts).
            inputs: ['production', '^production', '{workspaceRoot}/tools/scripts/bundle.mjs'],
            outputs: ['{projectRoot}/lib', '{projectRoot}/tsconfig.tsbuildinfo', '{projectRoot}/bundles'],
          },
          test: {
            cache: true,
            dependsOn: ['^compile'],
            inputs: ['default', '^production'],
            outputs: ['{projectRoot}/test-results.json'],
          },
          // `cdk synth` of one app (needs its configuration: -c config=... or Seedfarmer variables). The
          // app's cdk.json runs its compiled lib/main.js, so every CDK command compiles the app first.
          synth: { cache: false, dependsOn: ['compile'] },
          'synth:silent': {
            cache: true,
            dependsOn: ['compile'],
            inputs: ['production', '^production'],
            outputs: ['{projectRoot}/cdk.out'],
          },
          stage: {
            cache: true,
            dependsOn: ['^compile'],
            inputs: ['^production'],
            outputs: ['{projectRoot}/vendor'],
          },
          deploy: { cache: false, dependsOn: ['compile'] },
          diff: { cache: false, dependsOn: ['compile'] },
          destroy: { cache: false, dependsOn: ['compile'] },
        },
        parallel: 2,
        neverConnectToCloud: true,
        // Inside the workspace, not the user's home: a fresh clone must not replay another clone's results.
        cacheDirectory: '.nx/cache',
      },
    });
  }

  /**
   * The main job's steps: compile the whole workspace in ONE `tsc --build` process, then its packages'
   * other compile steps (the tool bundles), then the main job itself.
   *
   * Why one process: every project's tsc loads the declarations of aws-cdk-lib and the AWS SDK; nx's
   * per-project `compile` pays that once per project (13 processes, 83 s cold on the 2-core machine),
   * one `tsc --build` of every project pays it once (22 s cold, under 1 s when nothing changed: tsc's
   * own incremental state). The members are listed in the order they were adopted, which is a
   * dependency order: .projenrc.ts can only pass a library to the projects created after it.
   */
  public override preSynthesize(): void {
    super.preSynthesize();
    const synth = this.tasks.tryFind('synth')!;
    synth.reset(`tsc --build ${this.members.map((m) => path.relative(this.outdir, m.outdir)).join(' ')}`);
    for (const member of this.members) {
      const dir = path.relative(this.outdir, member.outdir);
      for (const step of member.compileTask.steps) {
        const command = step.exec ?? step.execArgs?.join(' ');
        if (!command || /^tsc( |$)/.test(command)) continue;
        synth.exec(command, { cwd: dir });
      }
    }
    synth.exec('node tools/lib/main-job/cli.js', { receiveArgs: true });
  }

  /**
   * Make a subproject a workspace member: its dependencies install at the root, and it never
   * re-synthesizes the workspace from its own folder.
   */
  adopt<T extends javascript.NodeProject>(project: T): T {
    const pkg = project.package as unknown as { installDependencies: (trigger: unknown) => void };
    pkg.installDependencies = () => {
      if (project.package.file.changed) this.install.requestInstall();
    };
    project.defaultTask?.reset();
    // Subprojects have no projenrc of their own, so projen's banner would name ".projenrc.js";
    // name the root's .projenrc.ts, which generates them.
    new RootProjenrc(project, path.relative(project.outdir, path.join(this.outdir, '.projenrc.ts')));
    this.members.push(project);
    return project;
  }
}

/** The projen banner of a subproject's generated files names this file (ProjenrcFile.of). */
class RootProjenrc extends ProjenrcFile {
  constructor(
    project: javascript.NodeProject,
    public readonly filePath: string,
  ) {
    super(project);
  }
  // Not the subproject's own file: nothing to un-ignore in its .gitignore.
  public override preSynthesize(): void {}
}

/** Runs one root `npm install` after all subprojects have written their package.json. */
class WorkspaceInstall extends Component {
  private needed = false;
  private rootInstalled = false;

  constructor(private readonly root: javascript.NodeProject) {
    super(root);
    const pkg = root.package as unknown as { installDependencies: (trigger: unknown) => void };
    const original = pkg.installDependencies.bind(pkg);
    pkg.installDependencies = (trigger: unknown) => {
      this.rootInstalled = true;
      original(trigger);
    };
  }

  requestInstall() {
    this.needed = true;
  }

  postSynthesize() {
    if (this.needed && !this.rootInstalled) {
      this.root.tasks.runTask(this.root.package.installTask.name);
    }
  }
}
