import { javascript, typescript } from 'projen';
import { SharedLibrary } from './shared-library';
import { COMMON_OPTIONS, WorkspaceRoot } from './workspace';
import { SCOPE, VERSIONS } from './versions';
import { useVitest } from './vitest';

/**
 * tools/: repository scripts (the main job, Seedfarmer staging, benchmarks) and the repo-wide
 * tests (manifest and deployspec validation, module bundling, account literals, projen drift).
 */
export class ToolsProject extends typescript.TypeScriptProject {
  constructor(root: WorkspaceRoot, options: { workspaceDeps: SharedLibrary[]; apps: javascript.NodeProject[] }) {
    super({
      ...COMMON_OPTIONS,
      parent: root,
      outdir: 'tools',
      name: `${SCOPE}/tools`,
      description: 'Repository scripts and repo-wide tests',
      licensed: false,
      release: false,
      package: false,
      tsconfig: {
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: javascript.TypeScriptModuleResolution.NODE_NEXT,
          target: 'ES2022',
          lib: ['es2022'],
          skipLibCheck: true,
        },
      },
      deps: [`yaml@${VERSIONS.yaml}`, ...options.workspaceDeps.map((l) => `${l.package.packageName}@0.0.0`)],
    });
    this.package.addField('private', true);
    root.adopt(this);
    useVitest(this, { testTimeoutMs: 600_000 });
    // Benchmarks live in tools/bench/ (run with tsx); the test type-check covers them too.
    this.tsconfigDev.file.addOverride('include', ['**/*.ts', '../src/**/*.ts', '../bench/**/*.ts']);
    this.packageTask.reset();
    // The repo-wide tests read every app, the manifests and the projen definition, and synthesize the apps'
    // compiled lib/. Not implicit dependencies: compiling the tools (the main job's first step) must not
    // compile every app, only the main job compiles the apps of its deployment.
    this.package.addField('nx', {
      targets: {
        test: {
          dependsOn: ['^compile', { projects: options.apps.map((a) => a.package.packageName), target: 'compile' }],
          inputs: [
            'default',
            '^production',
            '{workspaceRoot}/manifests/**/*',
            '{workspaceRoot}/.projenrc.ts',
            '{workspaceRoot}/projenrc/**/*',
            '{workspaceRoot}/packages/*/src/**/*',
            '{workspaceRoot}/apps/*/src/**/*',
          ],
        },
      },
    });
  }
}
