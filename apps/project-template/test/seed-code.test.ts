import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { renderDefinition } from '@sagemaker-mlops/pipelines';
import { describe, expect, it } from 'vitest';
import buildPipeline from '../seed-code/build-app/pipeline';
import { buildDeployApp, CHECKS_RUN_FILE as SEED_CHECKS_RUN_FILE } from '../seed-code/deploy-app/src/deploy-app';
import { ENVIRONMENT_VARIABLES, settingsFromEnvironment } from '../seed-code/deploy-app/src/settings';
import { loadEndpointConfig } from '../seed-code/deploy-app/src/stage-config';
import { synthesize } from '../seed-code/deploy-app/src/synth';
import { CHECKS_RUN_FILE, DEPLOY_APP_ENVIRONMENT_VARIABLES } from '../src/deploy-contract';
import { DEPLOY_STAGES } from '../src/product/names';
import { prepareSeedCode, SEED_CODE_DIR, SEED_LIBRARIES, SEED_LOCKFILE, seedPackageJson } from '../src/seed';
import { evaluateAssembly } from '../src/security/evaluate';
import { ACCOUNTS } from './fixtures';

const moduleManifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
const CONFIG_DIR = join(SEED_CODE_DIR, 'deploy-app', 'config');
const ENV = {
  SAGEMAKER_PROJECT_NAME: 'churn',
  SAGEMAKER_PROJECT_ID: 'p-abc123def456',
  MODEL_PACKAGE_GROUP_NAME: 'churn-p-abc123def456',
  DEV_ACCOUNT_ID: ACCOUNTS.dev,
  PREPROD_ACCOUNT_ID: ACCOUNTS.preprod,
  PROD_ACCOUNT_ID: ACCOUNTS.prod,
  DEPLOYMENT_REGION: 'eu-west-1',
  MODEL_BUCKET_NAME: 'sc-111111111111-pp-abc-sharedartifacts',
  MODEL_BUCKET_KMS_KEY_ARN: `arn:aws:kms:eu-west-1:${ACCOUNTS.dev}:key/12345678-1234-1234-1234-123456789abc`,
  ECR_REPOSITORY_ARN: `arn:aws:ecr:eu-west-1:${ACCOUNTS.dev}:repository/sagemaker-p-abc123def456`,
  STAGING_TEST_ROLE_ARN: `arn:aws:iam::${ACCOUNTS.dev}:role/sagemaker-project/churn-p-abc123def456-tester`,
};
const MODEL = { arn: `arn:aws:sagemaker:eu-west-1:${ACCOUNTS.dev}:model-package/churn-p-abc123def456/7`, version: 7 };

describe('the seeded deploy app, synthesized with fixture values as the Build stage does', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'deploy-app-'));
  const app = new App({ outdir, context: JSON.parse(readFileSync(join(SEED_CODE_DIR, 'deploy-app', 'cdk.json'), 'utf8')).context });
  const stacks = buildDeployApp(app, settingsFromEnvironment(ENV), MODEL, CONFIG_DIR);
  app.synth();
  // Before any Template.fromStack, which synthesizes again without validation and rewrites the report.
  const security = evaluateAssembly(outdir, DEPLOY_STAGES);

  it('records the checks that ran in the file SecurityEvaluation reads', () => {
    expect(SEED_CHECKS_RUN_FILE).toBe(CHECKS_RUN_FILE);
  });

  it('reads exactly the environment the Build project sets', () => {
    expect([...ENVIRONMENT_VARIABLES].sort()).toEqual([...DEPLOY_APP_ENVIRONMENT_VARIABLES].sort());
    expect(() => settingsFromEnvironment({ ...ENV, PREPROD_ACCOUNT_ID: undefined, DEPLOYMENT_REGION: 'Ireland' })).toThrow(
      /PREPROD_ACCOUNT_ID: not set\n- DEPLOYMENT_REGION: "Ireland" is not a region/,
    );
  });

  it('writes the three templates the deploy actions deploy: dev, preprod, prod', () => {
    for (const stage of DEPLOY_STAGES) expect(existsSync(join(outdir, `${stage}.template.json`)), stage).toBe(true);
  });

  it('deploys the approved version to each stage, each with its own config folder (reference bug 2) and endpoint name (bug 5)', () => {
    for (const [stage, count] of [['dev', 1], ['preprod', 1], ['prod', 2]] as const) {
      const template = Template.fromStack(stacks[stage]);
      const parameters = template.toJSON().Parameters;
      expect(parameters.ModelPackageArn.Default).toBe(MODEL.arn);
      expect(parameters.StageName.Default).toBe(stage);
      expect(parameters.InstanceCount.Default).toBe(count);
      template.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: { 'Fn::Join': ['', ['churn-p-abc123def456-', { Ref: 'StageName' }]] } });
      // Data capture and the staging test role come with EndpointStack (reference bug 9).
      template.hasResourceProperties('AWS::SageMaker::EndpointConfig', { DataCaptureConfig: { EnableCapture: true } });
    }
  });

  it('lets the staging test role of the project assume the test role of the endpoint', () => {
    const roles = Object.values(Template.fromStack(stacks.preprod).findResources('AWS::IAM::Role'));
    const trusting = roles.filter((r) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes(ENV.STAGING_TEST_ROLE_ARN));
    expect(trusting).toHaveLength(1);
  });

  it('passes SecurityEvaluation: both checks ran and reported no finding', () => {
    const report = security;
    expect(report.findings).toEqual([]);
    expect(report.plugins.map((p) => p.name).sort()).toEqual(['AwsSolutions', 'cdk-validator-cfnguard']);
    expect(report.passed).toBe(true);
  });

  it('fails with the file name when a stage has no config folder of its own', () => {
    expect(() => loadEndpointConfig(join(outdir, 'nowhere'), 'preprod')).toThrow(/nowhere\/preprod\/endpoint-config.json/);
  });

  it('depends on the same CDK and check versions as the module, and on our libraries through vendored tarballs', () => {
    const manifest = seedPackageJson('deploy');
    for (const name of ['aws-cdk-lib', 'constructs', 'cdk-nag', '@cdklabs/cdk-validator-cfnguard']) expect(manifest.dependencies?.[name], name).toBe(moduleManifest.dependencies[name]);
    expect(manifest.devDependencies?.['aws-cdk']).toBe(moduleManifest.devDependencies['aws-cdk']);
    expect(manifest.dependencies?.['@sagemaker-mlops/constructs']).toBe('file:vendor/sagemaker-mlops-constructs.tgz');
    expect(Object.values(manifest.overrides ?? {}).every((v) => /^file:vendor\/sagemaker-mlops-[a-z-]+\.tgz$/.test(v))).toBe(true);
  });
});

describe('npm run synth of the seeded deploy app (bin/app.ts)', () => {
  /** A SageMaker client that answers ListModelPackages with `pages` in turn, and DescribeModelPackage. */
  function registry(pages: Array<{ ModelPackageSummaryList: object[]; NextToken?: string }>) {
    const calls: Array<{ name: string; input: any }> = [];
    return {
      calls,
      async send(command: { constructor: { name: string }; input: any }) {
        calls.push({ name: command.constructor.name, input: command.input });
        if (command.constructor.name === 'ListModelPackagesCommand') return pages.shift() ?? { ModelPackageSummaryList: [] };
        return { ModelPackageArn: command.input.ModelPackageName, ModelPackageVersion: Number(command.input.ModelPackageName.split('/').pop()) };
      },
    };
  }
  const summary = (version: number, day: number) => ({
    ModelPackageArn: `arn:aws:sagemaker:eu-west-1:${ACCOUNTS.dev}:model-package/churn-p-abc123def456/${version}`,
    ModelApprovalStatus: 'Approved',
    ModelPackageStatus: 'Completed',
    CreationTime: new Date(Date.UTC(2026, 0, day)),
  });

  it('deploys the newest approved version, asking newest first and following empty pages (reference bug 1), and writes the exported variables', async () => {
    const sagemaker = registry([{ ModelPackageSummaryList: [], NextToken: 'next' }, { ModelPackageSummaryList: [summary(3, 2), summary(4, 5)] }]);
    const outdir = mkdtempSync(join(tmpdir(), 'deploy-synth-'));
    const app = new App({ outdir, context: JSON.parse(readFileSync(join(SEED_CODE_DIR, 'deploy-app', 'cdk.json'), 'utf8')).context });
    const { model } = await synthesize(app, settingsFromEnvironment(ENV), sagemaker, CONFIG_DIR);
    expect(model.version).toBe(4);
    const lists = sagemaker.calls.filter((c) => c.name === 'ListModelPackagesCommand');
    expect(lists).toHaveLength(2);
    expect(lists[0].input).toMatchObject({ ModelPackageGroupName: 'churn-p-abc123def456', ModelApprovalStatus: 'Approved', SortBy: 'CreationTime', SortOrder: 'Descending' });
    expect(lists[1].input.NextToken).toBe('next');
    expect(readFileSync(join(outdir, 'pipeline-variables.env'), 'utf8')).toBe(`export MODEL_PACKAGE_ARN='${summary(4, 5).ModelPackageArn}'\nexport MODEL_PACKAGE_VERSION='4'\n`);
  }, 120_000);

  it('fails the Build with a clear message when no version is approved', async () => {
    await expect(synthesize(new App(), settingsFromEnvironment(ENV), registry([]), CONFIG_DIR)).rejects.toThrow(/No approved model package in model package group churn-p-abc123def456/);
  });
});

/** A prepared seed, copied into an empty folder and installed as the project's Build installs it (npm ci), offline. */
function installSeed(app: 'build' | 'deploy'): string {
  const dir = mkdtempSync(join(tmpdir(), `installed-${app}-seed-`));
  cpSync(prepareSeedCode(app), dir, { recursive: true });
  const result = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  expect(result.status, result.stdout + result.stderr).toBe(0);
  return dir;
}

describe('the seed zips', () => {
  it('hold every vendored library the seed package.json names, and no installed dependencies', () => {
    for (const app of ['build', 'deploy'] as const) {
      const dir = prepareSeedCode(app);
      const manifest = seedPackageJson(app);
      const named = Object.values({ ...manifest.dependencies, ...manifest.devDependencies, ...manifest.overrides }).filter((v) => v.startsWith('file:'));
      for (const file of new Set(named)) expect(existsSync(join(dir, file.slice('file:'.length))), `${app}: ${file}`).toBe(true);
      expect(existsSync(join(dir, 'node_modules'))).toBe(false);
      expect(readdirSync(dir)).toContain('README.md');
    }
  }, 120_000);

  it('ship a lockfile of their package.json that installs our libraries from exactly the vendored tarballs', () => {
    for (const app of ['build', 'deploy'] as const) {
      const dir = prepareSeedCode(app);
      const manifest = seedPackageJson(app);
      const lock = JSON.parse(readFileSync(join(dir, SEED_LOCKFILE), 'utf8'));
      expect(lock.lockfileVersion).toBe(3);
      expect(lock.packages[''].dependencies ?? {}, app).toEqual(manifest.dependencies ?? {});
      expect(lock.packages[''].devDependencies ?? {}, app).toEqual(manifest.devDependencies ?? {});
      for (const library of SEED_LIBRARIES[app]) {
        const file = `vendor/sagemaker-mlops-${library}.tgz`;
        const entry = lock.packages[`node_modules/@sagemaker-mlops/${library}`];
        expect(entry?.resolved, `${app}: ${library}`).toBe(`file:${file}`);
        expect(entry.integrity).toBe(`sha512-${createHash('sha512').update(readFileSync(join(dir, file))).digest('base64')}`);
      }
      // Nothing of the monorepo: no workspace links, no path outside the seed's own node_modules.
      const foreign = Object.entries(lock.packages as Record<string, { link?: boolean }>).filter(([path, e]) => e.link || (path !== '' && !path.startsWith('node_modules/')));
      expect(foreign).toEqual([]);
    }
  }, 120_000);

  it('ask CodeBuild to install from that lockfile (npm ci), never to resolve again (npm install)', () => {
    const buildspec = readFileSync(join(SEED_CODE_DIR, 'build-app', 'buildspec.yml'), 'utf8');
    expect(buildspec).toMatch(/^\s+- npm ci --no-audit --no-fund$/m);
    expect(buildspec).not.toContain('npm install');
  });
});

describe("the seeds installed as a project's Build installs them: npm ci --offline of the shipped lockfile, in an empty folder", () => {
  it("deploy app: its own tests pass (they synthesize the three stages' stacks)", () => {
    const root = installSeed('deploy');
    const result = spawnSync('npx', ['vitest', 'run', '--cache=false'], { cwd: root, encoding: 'utf8', timeout: 240_000, env: { ...process.env, CI: 'true' } });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/1 passed/);
  }, 600_000);

  it('build app: the render command and the pipeline-run tool its buildspec calls are installed', () => {
    const root = installSeed('build');
    expect(existsSync(join(root, 'node_modules', '.bin', 'sagemaker-mlops-pipeline'))).toBe(true);
    expect(existsSync(join(root, 'node_modules', '@sagemaker-mlops', 'pipelines', 'bundles', 'pipeline-run', 'index.cjs'))).toBe(true);
  }, 600_000);
});

describe('the seeded build app', () => {
  it('renders the training pipeline with the reference environment, registering as PendingManualApproval, encrypted with the artifact key', () => {
    process.env.SAGEMAKER_PIPELINE_NAME = 'churn-p-abc123def456';
    process.env.AWS_REGION = 'eu-west-1';
    const definition = JSON.parse(
      renderDefinition(buildPipeline(), {
        substitutions: {
          SageMakerRoleArn: `arn:aws:iam::${ACCOUNTS.dev}:role/sagemaker-project/exec`,
          ArtifactBucket: 'sc-artifacts',
          ModelPackageGroupName: 'churn-p-abc123def456',
          ArtifactBucketKmsId: `arn:aws:kms:eu-west-1:${ACCOUNTS.dev}:key/12345678-1234-1234-1234-123456789abc`,
        },
      }),
    );
    expect(definition.Parameters).toContainEqual(expect.objectContaining({ Name: 'ModelApprovalStatus', DefaultValue: 'PendingManualApproval' }));
    const text = JSON.stringify(definition);
    expect(text).toContain('churn-p-abc123def456');
    expect(text).toContain(':key/12345678-1234-1234-1234-123456789abc');
    expect(text).not.toMatch(/\{\{|Placeholder/);
  });

  it('passes the project tags and the reference variables in its buildspec', () => {
    const buildspec = readFileSync(join(SEED_CODE_DIR, 'build-app', 'buildspec.yml'), 'utf8');
    for (const name of ['SAGEMAKER_PIPELINE_ROLE_ARN', 'ARTIFACT_BUCKET', 'ARTIFACT_BUCKET_KMS_ID', 'MODEL_PACKAGE_GROUP_NAME', 'SAGEMAKER_PIPELINE_NAME']) {
      expect(buildspec).toContain(`$${name}`);
    }
    expect(buildspec).toContain('--tag "sagemaker:project-name=$SAGEMAKER_PROJECT_NAME"');
  });
});
