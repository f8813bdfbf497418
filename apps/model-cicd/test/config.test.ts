import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetStaging } from 'aws-cdk-lib';
import {
  assemblyTemplates,
  BOOTSTRAP_POLICIES,
  committedExecutionPolicy,
  createPolicyCommand,
  deployRoleSsmReadStep,
  executionPolicyArn,
  executionPolicyGaps,
  handlerPermissionGaps,
  formatPrerequisites,
  loadModuleConfig,
  resourcesOf,
  resourceTypesOf,
  type BootstrapPolicyKind,
} from '@sagemaker-mlops/config';
import { catchConfigError, DUMMY_ACCOUNTS, DUMMY_REGION, seedfarmerEnv } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { modelCicdPrerequisites } from '../src/app';
import { groupNames, modelCicdParameters, resolveModelCicdConfig } from '../src/config';
import { CONNECTION_ARN, env, load, PARAMETERS, synth } from './fixtures';

/** Loads as main.ts does: schema and cross-field checks in one phase. */
const loadAsMain = (parameters: Record<string, unknown>) =>
  loadModuleConfig(modelCicdParameters, { appName: 'model-cicd', env: env(parameters), allowPlaceholderAccounts: true, resolve: resolveModelCicdConfig });

const problems = (parameters: Record<string, unknown>) => catchConfigError(() => load(parameters)).issues.map((i) => `${i.path}: ${i.message}`);
const group = PARAMETERS.deployment_groups[1];
const withGroups = (...groups: unknown[]) => ({ ...PARAMETERS, deployment_groups: groups });

/** A tooling account that is not a placeholder (the dummy accounts are). */
const TOOLING = ['2104', '7893', '5612'].join('');
const seedEnv = (parameters: Record<string, unknown>) => seedfarmerEnv({ moduleName: 'model-cicd', parameters, account: TOOLING });

/** The seed document's own sample parameters (sagemaker-model-cicd README, "Input Example"), as Seedfarmer sends them. */
const SEED_SAMPLE = {
  infra_repo: { host: 'codecommit', name: 'cdk-infra-repo' },
  model_build_repo: { host: 'codecommit', name: 'model-build-repo' },
  deployment_groups: [
    {
      name: 'experimenation-deployment-group',
      sourceBranch: 'dev',
      buildEnvironment: { name: 'experiment-env1', account: ['1234', '5678', '9012'].join(''), region: 'us-east-1', type: 'dev' },
      deployEnvironments: [
        { name: 'experiment-env2', account: ['1234', '5678', '9013'].join(''), type: 'dev' },
        { name: 'experiment-env3', account: ['1234', '5678', '9014'].join(''), type: 'dev' },
      ],
    },
    {
      name: 'prod-deployment-group',
      sourceBranch: 'main',
      buildEnvironment: { name: 'prod-train-env', account: ['1234', '5678', '9015'].join(''), region: 'us-east-1', type: 'preprod' },
      deployEnvironments: [
        { name: 'prod-approval-env', account: ['1234', '5678', '9016'].join(''), type: 'preprod' },
        { name: 'prod-env', account: ['1234', '5678', '9017'].join(''), type: 'prod' },
      ],
    },
  ],
};

describe('the seed sample', () => {
  it('fails when an account is a documented placeholder, naming exactly that field', () => {
    // GIVEN the seed's sample, whose first build account is the documentation id 1234 5678 9012
    const error = catchConfigError(() => loadModuleConfig(modelCicdParameters, { appName: 'model-cicd', env: seedEnv(SEED_SAMPLE) }));
    // THEN only that value is refused
    expect(error.issues.map((i) => i.path)).toEqual(['deployment_groups[0].buildEnvironment.account']);
  });

  it('is accepted otherwise, with the seed defaults', () => {
    const sample = structuredClone(SEED_SAMPLE);
    sample.deployment_groups[0].buildEnvironment.account = ['1234', '5678', '9018'].join('');
    const { parameters, module } = loadModuleConfig(modelCicdParameters, { appName: 'model-cicd', env: seedEnv(sample) });
    const config = resolveModelCicdConfig(parameters, module);
    expect(config.infraRepo).toEqual({ host: 'codecommit', name: 'cdk-infra-repo', branch: 'main' });
    expect(config.cdkBootstrapQualifier).toBe('hnb659fds');
    expect(config.retainOnDelete).toBe(true);
    // The build environment is deployed first, as in the seed, and every deploy region defaults to the build region.
    expect(config.groups[1].deployEnvironments.map((e) => [e.name, e.region])).toEqual([
      ['prod-train-env', 'us-east-1'],
      ['prod-approval-env', 'us-east-1'],
      ['prod-env', 'us-east-1'],
    ]);
  });
});

describe('deployment groups', () => {
  it('fails when a deploy environment type is not dev, preprod or prod, naming the field and the value', () => {
    const bad = withGroups(PARAMETERS.deployment_groups[0], { ...group, deployEnvironments: [{ ...group.deployEnvironments[0], type: 'production' }] });
    expect(problems(bad)).toEqual(['deployment_groups[1].deployEnvironments[0].type: expected one of dev, preprod, prod, got "production"']);
  });

  it('fails when two groups have the same name (they name the pipelines), but not when they share a branch', () => {
    expect(problems(withGroups(group, { ...group, sourceBranch: 'other' })).join('\n')).toMatch(/deployment_groups\[1\]\.name: .*already used by deployment_groups\[0\]/);
    expect(() => load(withGroups(group, { ...group, name: 'production-2' }))).not.toThrow();
  });

  it('reports a bad field of one group and a duplicate name across groups together, in one error (one phase)', () => {
    // GIVEN group 0 with an environment whose type is wrong, and group 1 that repeats group 0's name
    const badType = { ...group, deployEnvironments: [{ ...group.deployEnvironments[0], type: 'production' }] };
    // THEN both problems, though group 0 failed its own schema
    expect(problems(withGroups(badType, { ...group, sourceBranch: 'other' }))).toEqual([
      'deployment_groups[0].deployEnvironments[0].type: expected one of dev, preprod, prod, got "production"',
      expect.stringMatching(/^deployment_groups\[1\]\.name: .*already used by deployment_groups\[0\]/),
    ]);
    // and a duplicate environment name next to a bad instance type of another environment
    const envs = [{ ...group.deployEnvironments[0], instanceType: 'm5.xlarge' }, { ...group.deployEnvironments[1], name: group.deployEnvironments[0].name }];
    const found = problems(withGroups({ ...group, deployEnvironments: envs }));
    expect(found).toEqual([expect.stringMatching(/^deployment_groups\[0\]\.deployEnvironments\[0\]\.instanceType: /), expect.stringMatching(/^deployment_groups\[0\]\.deployEnvironments\[1\]\.name: .*must be unique/)]);
  });

  it('fails when two environments of a group have the same name', () => {
    const bad = withGroups({ ...group, deployEnvironments: [group.deployEnvironments[0], { ...group.deployEnvironments[1], name: 'preprod' }] });
    expect(problems(bad).join('\n')).toMatch(/deployment_groups\[0\]\.deployEnvironments\[1\]\.name: .*must be unique within a group/);
  });

  it('fails when there is no deployment group', () => {
    expect(problems(withGroups()).join('\n')).toMatch(/deployment_groups: .*at least one deployment group/);
  });

  it('fails when a key is misspelled', () => {
    expect(problems(withGroups({ ...group, deployEnviroments: [] })).join('\n')).toMatch(/deployment_groups\[0\]/);
  });

  it('fails when a deploy region is in another partition than the build region', () => {
    const bad = withGroups({ ...group, deployEnvironments: [{ ...group.deployEnvironments[0], region: 'cn-north-1' }] });
    expect(problems(bad).join('\n')).toMatch(/deployment_groups\[0\]\.deployEnvironments\[0\]\.region: .*another partition/);
  });

  it('collects every problem into one error', () => {
    const bad = withGroups({ ...group, buildEnvironment: { ...group.buildEnvironment, account: '12345' }, deployEnvironments: [{ ...group.deployEnvironments[0], type: 'qa' }] });
    expect(problems(bad)).toHaveLength(2);
  });

  it('puts the build environment first when it is not listed, without changing the input (the reference mutates it)', () => {
    const parameters = structuredClone(PARAMETERS);
    const before = structuredClone(parameters);
    const { config } = load(parameters);
    expect(parameters).toEqual(before);
    // The experiment group builds in an account it does not list.
    expect(config.groups[0].deployEnvironments.map((e) => e.name)).toEqual(['exp-train', 'exp-serve']);
    // The production group lists its build account and region (preprod): not deployed twice.
    expect(config.groups[1].deployEnvironments.map((e) => e.name)).toEqual(['preprod', 'prod']);
  });

  it('gates every preprod and prod environment with an approval, tests every non-prod one, and lets an environment override the approval', () => {
    const dev = PARAMETERS.deployment_groups[0];
    const { config } = load(withGroups({ ...group, deployEnvironments: [...group.deployEnvironments, { name: 'dev-check', account: DUMMY_ACCOUNTS.source, type: 'dev', requireApproval: true }] }, dev));
    expect(config.groups[1].deployEnvironments.map((e) => [e.name, e.requireApproval, e.test])).toEqual([
      ['exp-train', false, true],
      ['exp-serve', false, true],
    ]);
    expect(config.groups[0].deployEnvironments.map((e) => [e.name, e.requireApproval, e.test])).toEqual([
      ['preprod', true, true],
      ['prod', true, false],
      ['dev-check', true, true],
    ]);
  });
});

describe('repositories', () => {
  it('accepts CodeConnections for both, and CodeCommit', () => {
    const { config } = load(PARAMETERS);
    expect(config.infraRepo).toEqual({ host: 'codeconnections', connectionArn: CONNECTION_ARN, name: 'acme/model-cicd-infra', branch: 'main' });
    expect(load({ ...PARAMETERS, model_build_repo: { host: 'codecommit', name: 'model-build' } }).config.modelBuildRepo.host).toBe('codecommit');
  });

  it.each([
    ['an unknown host', { host: 'github', name: 'acme/x' }, /infra_repo.*: expected host to be one of codecommit, codeconnections, got "github"/],
    ['a connection repository without owner', { host: 'codeconnections', connectionArn: CONNECTION_ARN, name: 'x' }, /infra_repo\.name: expected the repository as "owner\/name"/],
    ['a bad connection ARN', { host: 'codeconnections', connectionArn: 'arn:aws:s3:::x', name: 'a/b' }, /infra_repo\.connectionArn: expected a CodeConnections connection ARN/],
    ['a bad branch', { host: 'codecommit', name: 'infra', branch: 'a..b' }, /infra_repo\.branch: expected a git branch name/],
  ])('fails when given %s', (_name, repo, message) => {
    expect(problems({ ...PARAMETERS, infra_repo: repo }).join('\n')).toMatch(message);
  });

  it('fails when a required parameter is missing', () => {
    const { infra_repo: _, ...rest } = PARAMETERS;
    expect(problems(rest).join('\n')).toMatch(/infra_repo/);
  });
});

describe('optional parameters', () => {
  it('fails when only one of the VPC parameter names is given (the reference reads undocumented SSM names)', () => {
    expect(problems({ ...PARAMETERS, vpc_subnet_ids_parameter: '/network/subnets' }).join('\n')).toMatch(/vpc_security_group_ids_parameter: .*give both or neither/);
  });

  it.each([
    ['cdk_bootstrap_qualifier', 'Not-Valid!', /CDK bootstrap qualifier/],
    ['retain_on_delete', 'maybe', /expected true or false/],
    ['approval_email_addresses', ['not-an-address'], /expected an e-mail address/],
    ['s3_access_logs_bucket_arn', 'my-bucket', /S3 bucket ARN/],
  ])('fails when %s is %j', (name, value, message) => {
    expect(problems({ ...PARAMETERS, [name]: value }).join('\n')).toMatch(new RegExp(`${name}.*${message.source}`));
  });
});

describe('endpoint settings per deploy environment (issue 10)', () => {
  it('defaults every environment, and the build environment deployed first, to one ml.m5.xlarge', () => {
    const { config } = load(PARAMETERS);
    for (const env of config.groups.flatMap((g) => g.deployEnvironments)) {
      expect(env.endpoint).toEqual({ instanceType: 'ml.m5.xlarge', instanceCount: 1, variantName: 'AllTraffic', dataCaptureSamplingPercentage: 0 });
    }
  });

  it('takes each environment its own settings, as numbers or as Seedfarmer-style text', () => {
    const sized = withGroups(PARAMETERS.deployment_groups[0], {
      ...group,
      deployEnvironments: [
        { ...group.deployEnvironments[0], instanceType: 'ml.c6i.large' },
        { ...group.deployEnvironments[1], instanceType: 'ml.g5.2xlarge', instanceCount: '3', variantName: 'Blue', dataCaptureSamplingPercentage: 25 },
      ],
    });
    const { config } = load(sized);
    expect(config.groups[1].deployEnvironments.map((e) => [e.name, e.endpoint])).toEqual([
      ['preprod', { instanceType: 'ml.c6i.large', instanceCount: 1, variantName: 'AllTraffic', dataCaptureSamplingPercentage: 0 }],
      ['prod', { instanceType: 'ml.g5.2xlarge', instanceCount: 3, variantName: 'Blue', dataCaptureSamplingPercentage: 25 }],
    ]);
  });

  it("writes each environment's settings into the <environment>-config.json its deploy action's template configuration is built from", () => {
    const sized = withGroups(PARAMETERS.deployment_groups[0], {
      ...group,
      deployEnvironments: [group.deployEnvironments[0], { ...group.deployEnvironments[1], instanceType: 'ml.c6i.xlarge', instanceCount: 2, dataCaptureSamplingPercentage: 10 }],
    });
    const { app } = synth(sized);
    // The settings asset of each group's deploy pipeline: what its Build step reads per environment.
    const files = new Map<string, unknown>();
    for (const staging of app.node.findAll().filter((c): c is AssetStaging => c instanceof AssetStaging && c.node.scope?.node.id === 'EnvironmentSettings')) {
      for (const file of readdirSync(staging.sourcePath).filter((f) => f.endsWith('-config.json'))) {
        const content = JSON.parse(readFileSync(join(staging.sourcePath, file), 'utf8')) as { Tags: Record<string, string> };
        files.set(`${content.Tags['deployment-group']}/${file}`, content);
      }
    }
    expect(files.get('production/prod-config.json')).toEqual({
      InstanceType: 'ml.c6i.xlarge',
      InstanceCount: 2,
      VariantName: 'AllTraffic',
      DataCaptureSamplingPercentage: 10,
      Tags: { 'deployment-group': 'production' },
    });
    expect(files.get('production/preprod-config.json')).toMatchObject({ InstanceType: 'ml.m5.xlarge', InstanceCount: 1, DataCaptureSamplingPercentage: 0 });
    expect(files.get('experiment/exp-train-config.json')).toMatchObject({ InstanceType: 'ml.m5.xlarge', InstanceCount: 1 });
  });

  it.each([
    ['instanceType', 'ml.m5large', /expected an ML instance type ml.<family>.<size>/],
    ['instanceType', 'ml.q9.large', /unknown instance family "q9"/],
    ['instanceCount', 0, /between 1 and 100/],
    ['instanceCount', 'two', /between 1 and 100/],
    ['variantName', 'all traffic', /1-63 letters, digits and single hyphens/],
    ['dataCaptureSamplingPercentage', 101, /between 0 and 100/],
  ])('fails when %s is %j, naming the field path', (field, value, message) => {
    const bad = withGroups(PARAMETERS.deployment_groups[0], { ...group, deployEnvironments: [{ ...group.deployEnvironments[0], [field]: value }] });
    const found = problems(bad);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^deployment_groups\\[1\\]\\.deployEnvironments\\[0\\]\\.${field}: .*${message.source}`));
  });
});

describe('one-phase validation (issue 8 item 6)', () => {
  it('reports a bad instance type of a deploy environment and a VPC given by halves in one error', () => {
    const bad = withGroups({ ...group, deployEnvironments: [{ ...group.deployEnvironments[0], instanceType: 'ml.m5large' }] });
    const error = catchConfigError(() => loadAsMain({ ...bad, vpc_security_group_ids_parameter: '/network/sgs' }));
    expect(error.issues.map((i) => i.path)).toEqual(['deployment_groups[0].deployEnvironments[0].instanceType', 'vpc_subnet_ids_parameter']);
  });

  it('reports a bad deploy environment type and a VPC given by halves in one error', () => {
    const bad = withGroups({ ...group, deployEnvironments: [{ ...group.deployEnvironments[0], type: 'production' }] });
    const error = catchConfigError(() => loadAsMain({ ...bad, vpc_subnet_ids_parameter: '/network/subnets' }));
    expect(error.issues.map((i) => i.path)).toEqual(['deployment_groups[0].deployEnvironments[0].type', 'vpc_security_group_ids_parameter']);
    expect(error.message.split('\n')[0]).toBe('Seedfarmer parameters of module model-cicd: 2 problems in the configuration:');
  });

  it('returns the resolved configuration with the parameters when everything is valid', () => {
    const { config, parameters } = loadAsMain(PARAMETERS);
    expect(config.groups.map((g) => g.name)).toEqual(['experiment', 'production']);
    expect(parameters.cdk_bootstrap_qualifier).toBe('hnb659fds');
  });

  it('heads the problems of a config file with its path', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'model-cicd-header-')), 'model-cicd.json');
    const bad = withGroups({ ...group, deployEnvironments: [{ ...group.deployEnvironments[0], type: 'production' }] });
    writeFileSync(
      file,
      JSON.stringify({ project: 'mlops', deployment: 'test', account: DUMMY_ACCOUNTS.tooling, region: DUMMY_REGION, parameters: { ...bad, vpc_subnet_ids_parameter: '/network/subnets' } }),
    );
    const error = catchConfigError(() =>
      loadModuleConfig(modelCicdParameters, { appName: 'model-cicd', configPath: file, allowPlaceholderAccounts: true, resolve: resolveModelCicdConfig }),
    );
    expect(error.message.split('\n')[0]).toBe(`${file}: 2 problems in the configuration:`);
  });
});

describe('per-account prerequisites (issue 8 item 9)', () => {
  const T = DUMMY_ACCOUNTS.tooling;
  const R = DUMMY_REGION;
  const arn = (account: string, kind: BootstrapPolicyKind) => executionPolicyArn(kind, account, R);
  const create = (kind: BootstrapPolicyKind) => `${createPolicyCommand(kind)}   # once per account: ${BOOTSTRAP_POLICIES[kind].purpose}`;

  it('bootstraps the tooling account in every region it uses, build accounts and deploy environments trusting it', () => {
    const { module, config } = load({ ...PARAMETERS, cdk_bootstrap_qualifier: 'mlops', vpc_subnet_ids_parameter: '/network/subnets', vpc_security_group_ids_parameter: '/network/sgs' });
    const lines = formatPrerequisites(modelCicdPrerequisites(module, config)).split('\n');
    const vpc = 'create the SSM StringList parameters /network/subnets and /network/sgs with the endpoint\'s subnets and security groups';
    // and the account's CDK deploy role resolves them when it creates the change set
    const read = (account: string, region: string) => deployRoleSsmReadStep(account, region, ['/network/subnets', '/network/sgs'], 'mlops');
    expect(lines).toEqual([
      'Prerequisites of model-cicd module mlops-test-model-cicd, once per account and region before the first deploy:',
      '',
      `account ${T}, ${R}: tooling (this module)`,
      `  1. ${create('module')}`,
      `  2. cdk bootstrap aws://${T}/${R} --cloudformation-execution-policies ${arn(T, 'module')} --qualifier mlops`,
      `  3. the connection ${CONNECTION_ARN} must be AVAILABLE (complete its handshake in the console)`,
      '',
      `account ${T}, us-east-1: tooling: pipeline artifact replication`,
      `  1. cdk bootstrap aws://${T}/us-east-1 --cloudformation-execution-policies ${arn(T, 'module')} --qualifier mlops`,
      '',
      `account ${DUMMY_ACCOUNTS.source}, ${R}: build of group experiment; dev environment exp-train of group experiment`,
      `  1. ${create('endpoint')}`,
      `  2. ${create('model-cicd-build-account')}`,
      `  3. cdk bootstrap aws://${DUMMY_ACCOUNTS.source}/${R} --trust ${T} --cloudformation-execution-policies ${arn(DUMMY_ACCOUNTS.source, 'endpoint')},${arn(DUMMY_ACCOUNTS.source, 'model-cicd-build-account')} --qualifier mlops`,
      `  4. ${vpc}`,
      `  5. ${read(DUMMY_ACCOUNTS.source, R)}`,
      '',
      `account ${DUMMY_ACCOUNTS.staging}, ${R}: dev environment exp-serve of group experiment; build of group production; preprod environment preprod of group production`,
      `  1. ${create('endpoint')}`,
      `  2. ${create('model-cicd-build-account')}`,
      `  3. cdk bootstrap aws://${DUMMY_ACCOUNTS.staging}/${R} --trust ${T} --cloudformation-execution-policies ${arn(DUMMY_ACCOUNTS.staging, 'endpoint')},${arn(DUMMY_ACCOUNTS.staging, 'model-cicd-build-account')} --qualifier mlops`,
      `  4. ${vpc}`,
      `  5. ${read(DUMMY_ACCOUNTS.staging, R)}`,
      '',
      `account ${DUMMY_ACCOUNTS.prod}, us-east-1: prod environment prod of group production`,
      `  1. ${create('endpoint')}`,
      `  2. cdk bootstrap aws://${DUMMY_ACCOUNTS.prod}/us-east-1 --trust ${T} --cloudformation-execution-policies ${arn(DUMMY_ACCOUNTS.prod, 'endpoint')} --qualifier mlops`,
      `  3. ${vpc}`,
      `  4. ${read(DUMMY_ACCOUNTS.prod, 'us-east-1')}`,
      `  5. SageMaker creates a model only from a package in its own region: replicate the model package and its artifacts to us-east-1`,
      '',
    ]);
  });

  it('each execution policy covers every resource type of the templates deployed with it', () => {
    const read = (kind: BootstrapPolicyKind) => committedExecutionPolicy(kind, join(__dirname, '..', '..', '..'));
    const templates = [PARAMETERS, { ...PARAMETERS, approval_email_addresses: ['ml@example.com'], vpc_subnet_ids_parameter: '/n/s', vpc_security_group_ids_parameter: '/n/g' }].flatMap(
      (parameters) => assemblyTemplates(synth(parameters).app.synth().directory),
    );
    // Deployed with the deploy accounts' roles: the endpoint template; with the build accounts': each group's BuildAccount stack; the rest in the tooling account.
    const kindOf = (file: string): BootstrapPolicyKind => (file.includes('EndpointTemplate') ? 'endpoint' : /BuildAccount[0-9A-F]{8}\.template\.json$/.test(file) ? 'model-cicd-build-account' : 'module');
    for (const kind of ['module', 'endpoint', 'model-cicd-build-account'] as const) {
      const own = templates.filter((t) => kindOf(t.file) === kind);
      expect(own.length).toBeGreaterThan(0);
      expect(executionPolicyGaps(resourceTypesOf(own.map((t) => t.template)), read(kind))).toEqual({ unknownTypes: [], missingActions: {} });
      // and every create/update/delete permission the resource types' published CloudFormation handlers list
      expect(handlerPermissionGaps(resourcesOf(own.map((t) => t.template)), read(kind)).missing).toEqual({});
    }
  });
});

describe('names', () => {
  it('are unique for two groups on one branch, and stay within the service limits', () => {
    const a = groupNames('mlops-test-model-cicd', 'a-very-long-deployment-group-nm', DUMMY_ACCOUNTS.source, DUMMY_REGION);
    const b = groupNames('mlops-test-model-cicd', 'a-very-long-deployment-group-nx', DUMMY_ACCOUNTS.source, DUMMY_REGION);
    for (const key of Object.keys(a) as (keyof typeof a)[]) {
      if (key !== 'endpointProjectName') expect(a[key]).not.toBe(b[key]);
    }
    expect(a.modelPackageGroup.length).toBeLessThanOrEqual(63);
    expect(a.artifactsBucket.length).toBeLessThanOrEqual(63);
    expect(a.sagemakerExecutionRole.length).toBeLessThanOrEqual(64);
    expect(a.artifactsBucket).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
  });
});
