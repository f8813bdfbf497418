import { useEmulatorTests } from './projenrc/emulator';
import { MlopsApp } from './projenrc/mlops-app';
import { SharedLibrary } from './projenrc/shared-library';
import { ToolsProject } from './projenrc/tools-project';
import { VERSIONS } from './projenrc/versions';
import { WorkspaceRoot } from './projenrc/workspace';

// Composition only: each kind of subproject is a class under projenrc/.
const root = new WorkspaceRoot();

const testUtils = new SharedLibrary(root, {
  name: 'test-utils',
  description: 'Private test helpers: test app factory, dummy accounts, cdk-nag and Control Tower control assertions, snapshot serializers',
  cdk: true,
  private: true,
  deps: [`cdk-nag@${VERSIONS.cdkNag}`, `@cdklabs/cdk-validator-cfnguard@${VERSIONS.cdkValidatorCfnguard}`],
});

const config = new SharedLibrary(root, {
  name: 'config',
  description: 'zod schemas, the parameter loader and Seedfarmer manifest schemas for the MLOps apps',
  deps: [`zod@${VERSIONS.zod}`, `yaml@${VERSIONS.yaml}`],
  workspaceDevDeps: [testUtils],
});

const events = new SharedLibrary(root, {
  name: 'events',
  description: 'Typed EventBridge patterns for SageMaker MLOps, an EventBridge matcher and cross-account forwarding',
  cdk: true,
  workspaceDeps: [config],
  workspaceDevDeps: [testUtils],
});

const iam = new SharedLibrary(root, {
  name: 'iam',
  description: 'CDK bootstrap role references, model registry resource policies, cross-account KMS statements',
  cdk: true,
  workspaceDevDeps: [testUtils],
});

const registry = new SharedLibrary(root, {
  name: 'registry',
  description: 'Code that runs inside AWS (CodeBuild steps, Lambda handlers) for the SageMaker model registry',
  deps: [
    ...['client-sagemaker', 'client-sagemaker-runtime', 'client-s3', 'client-codepipeline', 'client-sts', 'client-ecr'].map(
      (c) => `@aws-sdk/${c}@${VERSIONS.awsSdk}`,
    ),
    // Validates the files users own in their deploy repositories (stage configs, test definitions).
    `zod@${VERSIONS.zod}`,
  ],
  devDeps: [
    `aws-sdk-client-mock@${VERSIONS.sdkMock}`,
    `aws-sdk-client-mock-vitest@${VERSIONS.sdkMockVitest}`,
    `esbuild@${VERSIONS.esbuild}`,
  ],
  setupFiles: ['aws-sdk-client-mock-vitest/extend'],
});
/**
 * What runs in AWS ships as single-file bundles: nothing is installed at pipeline run time. One script
 * (tools/scripts/bundle.mjs) bundles each package's src/bin/ into its bundles/<tool>/index.cjs.
 */
function bundleTools(project: SharedLibrary): void {
  project.compileTask.exec('node ../../tools/scripts/bundle.mjs');
  project.gitignore.exclude('/bundles/');
}
bundleTools(registry);

const constructs = new SharedLibrary(root, {
  name: 'constructs',
  description: 'Shared L3 constructs: secure buckets and keys, the bundled-tool build step, cross-account deploy stages',
  cdk: true,
  workspaceDeps: [config, events, iam, registry],
  workspaceDevDeps: [testUtils],
  // The tests check the Control Tower rule names the constructs acknowledge against the plugin's rule files.
  devDeps: [`@cdklabs/cdk-validator-cfnguard@${VERSIONS.cdkValidatorCfnguard}`],
});

// SageMaker Pipelines authored in TypeScript (docs/adr/0009-pipelines-in-typescript.md): the definition
// builder has no CDK dependency; the run tool ships as a single-file bundle like the registry tools.
const pipelines = new SharedLibrary(root, {
  name: 'pipelines',
  description: 'SageMaker Pipelines in TypeScript: a typed definition builder, the seed pipelines, their ML scripts and the run tool',
  deps: [
    ...['client-sagemaker', 'client-s3', 'client-sts'].map((c) => `@aws-sdk/${c}@${VERSIONS.awsSdk}`),
    // The CLI renders a user's pipeline written in TypeScript: esbuild transpiles it in memory.
    `esbuild@${VERSIONS.esbuild}`,
    // The promotion tool validates the stage files users own (config/<stage>.json).
    `zod@${VERSIONS.zod}`,
  ],
  devDeps: [`aws-sdk-client-mock@${VERSIONS.sdkMock}`, `aws-sdk-client-mock-vitest@${VERSIONS.sdkMockVitest}`],
  workspaceDevDeps: [testUtils],
  setupFiles: ['aws-sdk-client-mock-vitest/extend'],
});
bundleTools(pipelines);
pipelines.addBins({ 'sagemaker-mlops-pipeline': 'lib/cli/main.js' });
useEmulatorTests(pipelines);

const shared = [config, events, iam, registry, constructs];

const apps = [
  new MlopsApp(root, {
    name: 'promote',
    description: 'Promotes the latest approved SageMaker model package from a source registry into a target account',
    workspaceDeps: shared,
    workspaceDevDeps: [testUtils],
  }),
  new MlopsApp(root, {
    name: 'endpoint-deploy',
    description: 'Deploys the latest approved model as a real-time endpoint to staging, tests it, then to prod',
    workspaceDeps: shared,
    workspaceDevDeps: [testUtils],
  }),
  new MlopsApp(root, {
    name: 'model-cicd',
    description: 'Git-flow deployment groups: trains in a build account per branch, deploys the approved model to each environment, with gates',
    workspaceDeps: shared,
    workspaceDevDeps: [testUtils],
    // The example build repository's test parses its buildspec.
    devDeps: [`yaml@${VERSIONS.yaml}`],
  }),
  new MlopsApp(root, {
    name: 'batch-promotion',
    description: 'Runs a training + batch-inference SageMaker pipeline in dev, promotes it to pre-prod and prod behind approvals, on a schedule, with a dashboard',
    workspaceDeps: [...shared, pipelines],
    workspaceDevDeps: [testUtils],
  }),
  new MlopsApp(root, {
    name: 'project-template',
    description: 'A SageMaker Projects template (Service Catalog product): shared cross-account resources, a build CI/CD and a deploy CI/CD seeded with working code',
    workspaceDeps: [...shared, pipelines],
    workspaceDevDeps: [testUtils],
    // Bundles the SecurityEvaluation tool at synth time; yaml parses the seeded buildspec in the emulator test.
    deps: [`esbuild@${VERSIONS.esbuild}`, `yaml@${VERSIONS.yaml}`],
  }),
];

// AWS emulator integration tests (moto), apart from the unit tests: docs/adr/0008-emulator-integration-tests.md.
// test-utils tests its own harness, compiled or not, so its global setup is the source.
useEmulatorTests(testUtils, { globalSetup: './src/moto-global-setup.ts' });
useEmulatorTests(registry);
for (const app of apps) {
  // The apps' emulator tests set up the emulated accounts with the SDK clients the runtime tools use.
  useEmulatorTests(app, { devDeps: ['client-s3', 'client-sagemaker', 'client-sts'].map((c) => `@aws-sdk/${c}@${VERSIONS.awsSdk}`) });
}

// The public libraries are released together, as one version, with their siblings as `^<version>`
// (docs/adr/0012-one-version-for-the-libraries.md): `npx projen release` at the root.
const releasedLibraries = [config, events, iam, registry, pipelines, constructs].filter((l) => l.released);
root.addTask('release', {
  description: 'Release the public libraries together: next version from conventional commits, tarballs in packages/<lib>/dist/js',
  steps: [
    { exec: `nx run-many -t compile --projects=${releasedLibraries.map((l) => l.package.packageName).join(',')} --output-style=stream` },
    {
      exec: `node tools/scripts/release-libraries.mjs --libraries ${releasedLibraries.map((l) => `packages/${l.package.packageName.split('/')[1]}`).join(',')}`,
      receiveArgs: true,
    },
  ],
});

// test-utils: the main job lints with the same cfn-lint runner (and accepted warnings) as the tests.
// pipelines: the benchmark renders the seed pipelines.
new ToolsProject(root, { workspaceDeps: [config, registry, testUtils, pipelines], apps });

root.synth();
