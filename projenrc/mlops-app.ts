import { YamlFile, awscdk } from 'projen';
import { FEATURE_FLAGS } from '../packages/test-utils/src/feature-flags';
import { SharedLibrary } from './shared-library';
import { COMMON_OPTIONS, WorkspaceRoot } from './workspace';
import { SCOPE, VERSIONS } from './versions';
import { useVitest } from './vitest';

export interface MlopsAppOptions {
  /** Folder name under apps/, and the package name after the scope. */
  readonly name: string;
  readonly description: string;
  /** Workspace libraries the app uses at synth time. */
  readonly workspaceDeps: SharedLibrary[];
  /** Workspace libraries only the tests use. @default - none */
  readonly workspaceDevDeps?: SharedLibrary[];
  /** Extra runtime dependencies (name@range). @default - none */
  readonly deps?: string[];
  /** Extra dependencies only the tests use (name@range). @default - none */
  readonly devDeps?: string[];
  /** CodeBuild compute type Seedfarmer runs the deployspec on. @default BUILD_GENERAL1_SMALL */
  readonly buildType?: string;
}

/**
 * One CDK app under apps/, which is also a Seedfarmer module.
 *
 * Seedfarmer zips only the module folder (no hidden files, no dist/, build/, node_modules/ or
 * cdk.out/), so it cannot see the workspace libraries. The `stage` task packs them into
 * `vendor/*.tgz` inside the app, with a manifest and lockfile for them, and the generated deployspec
 * installs from there with `npm ci`: nothing but the npm registry and the bundle is needed in CodeBuild.
 */
export class MlopsApp extends awscdk.AwsCdkTypeScriptApp {
  constructor(root: WorkspaceRoot, options: MlopsAppOptions) {
    super({
      ...COMMON_OPTIONS,
      parent: root,
      outdir: `apps/${options.name}`,
      name: `${SCOPE}/${options.name}`,
      description: options.description,
      licensed: false,
      cdkVersion: VERSIONS.cdkLib,
      cdkVersionPinning: true,
      constructsVersion: VERSIONS.constructs.replace('^', ''),
      cdkCliVersion: VERSIONS.cdkCli,
      // The compiled JavaScript (lib/, written by `compile`, cached by nx): synth needs no TypeScript
      // compiler or transpiler, and starts faster than `npx tsx src/main.ts` (issue 8, item 3).
      app: 'node lib/main.js',
      requireApproval: awscdk.ApprovalLevel.NEVER,
      // The same flags as every test app (createTestApp), so unit tests synthesize what is deployed.
      context: { ...FEATURE_FLAGS },
      lambdaAutoDiscover: false,
      edgeLambdaAutoDiscover: false,
      integrationTestAutoDiscover: false,
      bundlerOptions: { esbuildVersion: VERSIONS.esbuild },
      deps: [
        `cdk-nag@${VERSIONS.cdkNag}`,
        `@cdklabs/cdk-validator-cfnguard@${VERSIONS.cdkValidatorCfnguard}`,
        ...(options.deps ?? []),
        ...options.workspaceDeps.map((l) => `${l.package.packageName}@0.0.0`),
      ],
      devDeps: [
        `ts-node@${VERSIONS.tsNode}`,
        ...(options.devDeps ?? []),
        ...(options.workspaceDevDeps ?? []).map((l) => `${l.package.packageName}@0.0.0`),
      ],
      tsconfig: { compilerOptions: { skipLibCheck: true } },
    });
    this.package.addField('private', true);
    root.adopt(this);
    useVitest(this);

    // Hoisted workspaces leave ./node_modules/@types empty.
    this.tsconfig?.file.addDeletionOverride('compilerOptions.typeRoots');
    this.tsconfigDev.file.addDeletionOverride('compilerOptions.typeRoots');
    // .projen/ is not shipped to Seedfarmer's CodeBuild, so cdk.json must not call projen.
    this.cdkConfig.json.addDeletionOverride('build');

    // Like deploy and destroy, synth and diff pass their arguments on, so
    // `nx run <app>:synth -- -c config=...` reaches the CDK CLI (projen's defaults drop them).
    for (const [task, command] of [['synth', 'cdk synth'], ['synth:silent', 'cdk synth -q'], ['diff', 'cdk diff']]) {
      this.tasks.tryFind(task)?.reset(command, { receiveArgs: true });
    }

    // Type-checks and writes lib/, which cdk.json runs; Seedfarmer's bundle ships lib/ (npm run synth compiles it).
    this.compileTask.reset('tsc --build');
    this.packageTask.reset();
    this.addTask('stage', {
      description: 'Pack the workspace libraries this app uses into vendor/ for a self-contained Seedfarmer bundle',
      exec: `node ../../tools/lib/seedfarmer/stage-cli.js ${options.name}`,
    });
    this.gitignore.exclude('/vendor/', 'cdk-exports.json', 'policy-validation-report.json');

    const install = [
      // Never the `latest` tag of the CLI: it is an accidental 3.0.0 that cannot read current assemblies.
      `npm install -g aws-cdk@${VERSIONS.cdkCli}`,
      // The stage task's manifest and lockfile: no dev dependencies (they name private workspace
      // packages), the workspace libraries from vendor/*.tgz, every version pinned.
      'cp vendor/package.json vendor/package-lock.json .',
      'npm ci --no-audit --no-fund',
    ];
    new YamlFile(this, 'deployspec.yaml', {
      obj: {
        publishGenericEnvVariables: true,
        deploy: {
          phases: {
            install: { commands: install },
            pre_build: { commands: ['cdk synth --quiet'] },
            build: {
              commands: [
                'cdk deploy --all --app cdk.out --require-approval never --progress events --outputs-file cdk-exports.json',
              ],
            },
            post_build: { commands: ['seedfarmer metadata convert -f cdk-exports.json || true'] },
          },
        },
        destroy: {
          phases: {
            install: { commands: install },
            build: { commands: ['cdk destroy --all --force'] },
          },
        },
        build_type: options.buildType ?? 'BUILD_GENERAL1_SMALL',
      },
    });

    new YamlFile(this, 'modulestack.yaml', {
      obj: {
        AWSTemplateFormatVersion: '2010-09-09',
        Description: `Least-privilege additions to the Seedfarmer deployment role of the ${options.name} module`,
        Parameters: {
          DeploymentName: { Type: 'String', Description: 'Seedfarmer deployment name' },
          ModuleName: { Type: 'String', Description: 'Seedfarmer module name (<group>-<module>)' },
          RoleName: { Type: 'String', Description: 'The module deployment role' },
        },
        Resources: {
          CdkBootstrapRolesPolicy: {
            Type: 'AWS::IAM::Policy',
            Properties: {
              PolicyName: { 'Fn::Sub': '${ModuleName}-cdk-bootstrap-roles' },
              Roles: [{ Ref: 'RoleName' }],
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    // The CDK CLI deploys through the target account's bootstrap roles; nothing else.
                    Sid: 'AssumeCdkBootstrapRoles',
                    Effect: 'Allow',
                    Action: 'sts:AssumeRole',
                    Resource: ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map((kind) => ({
                      'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/cdk-*-${kind}-role-\${AWS::AccountId}-\${AWS::Region}`,
                    })),
                  },
                ],
              },
            },
          },
        },
      },
    });
  }
}
