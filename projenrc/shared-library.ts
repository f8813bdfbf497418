import { typescript, javascript } from 'projen';
import { COMMON_OPTIONS, WorkspaceRoot } from './workspace';
import { SCOPE, VERSIONS } from './versions';
import { useVitest, VitestOptions } from './vitest';

export interface SharedLibraryOptions extends VitestOptions {
  /** Folder name under packages/ and the package name after the scope. */
  readonly name: string;
  readonly description: string;
  /** Runtime dependencies (name@range). @default - none */
  readonly deps?: string[];
  readonly devDeps?: string[];
  /** Other workspace libraries this one depends on. @default - none */
  readonly workspaceDeps?: SharedLibrary[];
  /** Workspace libraries only the tests use. @default - none */
  readonly workspaceDevDeps?: SharedLibrary[];
  /** Whether the library builds constructs: aws-cdk-lib and constructs become peer dependencies. @default false */
  readonly cdk?: boolean;
  /** Private libraries are never released. @default false */
  readonly private?: boolean;
}

/**
 * A library under packages/: compiled with tsc, tested with vitest, released with the other public
 * libraries as one version (the root's `npx projen release`, {@link SharedLibrary.released}).
 */
export class SharedLibrary extends typescript.TypeScriptProject {
  /** Whether the root's release task packs this library (every library that is not private). */
  public readonly released: boolean;

  constructor(root: WorkspaceRoot, options: SharedLibraryOptions) {
    const packageName = `${SCOPE}/${options.name}`;
    super({
      ...COMMON_OPTIONS,
      parent: root,
      outdir: `packages/${options.name}`,
      name: packageName,
      description: options.description,
      licensed: true,
      license: 'Apache-2.0',
      copyrightOwner: 'sagemaker-mlops-cdk authors',
      // Released together, as one version, by the root's `release` task (docs/adr/0012-one-version-for-the-libraries.md),
      // not one by one: a library's own release would pin its siblings at the workspace's 0.0.0.
      release: false,
      tsconfig: {
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: javascript.TypeScriptModuleResolution.NODE_NEXT,
          target: 'ES2022',
          lib: ['es2022'],
          skipLibCheck: true,
        },
      },
      deps: [...(options.deps ?? []), ...(options.workspaceDeps ?? []).map((l) => `${l.package.packageName}@0.0.0`)],
      devDeps: [...(options.devDeps ?? []), ...(options.workspaceDevDeps ?? []).map((l) => `${l.package.packageName}@0.0.0`)],
      peerDeps: options.cdk ? [`aws-cdk-lib@^${VERSIONS.cdkLib}`, `constructs@${VERSIONS.constructs}`] : [],
    });
    this.released = !options.private;
    if (options.private) this.package.addField('private', true);
    root.adopt(this);
    useVitest(this, options);
  }
}
