import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { catchConfigError, DUMMY_ACCOUNTS, DUMMY_REGION } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { endpointDeployPrerequisites } from '../src/app';
import { endpointDeployParameters, resolveEndpointDeployConfig } from '../src/config';
import { CONNECTION_ARN, load, MULTI_ACCOUNT, OU_PROD, OU_STAGING, PROJECT, seedfarmerEnv, synth } from './fixtures';

const problems = (parameters: Record<string, unknown>, account?: string) => catchConfigError(() => load(parameters, account));
const paths = (error: ReturnType<typeof problems>) => error.issues.map((i) => i.path);

/** Loads as main.ts does: schema and cross-field checks in one phase. */
const loadAsMain = (parameters: Record<string, unknown>) =>
  loadModuleConfig(endpointDeployParameters, { appName: 'endpoint-deploy', env: seedfarmerEnv(parameters), allowPlaceholderAccounts: true, resolve: resolveEndpointDeployConfig });

describe('endpoint-deploy parameters', () => {
  it('applies the documented defaults: this account and region for both stages, CodeCommit on main', () => {
    const { config, module } = load(PROJECT);
    expect(module.stackName).toBe('mlops-test-deploy-endpoint');
    expect(config).toMatchObject({
      modelPackageGroupName: 'churn-p-abc123def456',
      createModelPackageGroup: false,
      repository: { type: 'codecommit', name: 'sagemaker-churn-p-abc123def456-model-deploy', branch: 'main' },
      dataCapture: true,
      dataCaptureSamplingPercentage: 100,
      samplePayloadContentType: 'text/csv',
      approvalEmailAddresses: [],
      stackSetExecutionRoleName: 'AWSCloudFormationStackSetExecutionRole',
      cdkBootstrapQualifier: 'hnb659fds',
      retainOnDelete: true,
    });
    expect(config.stages).toEqual([
      expect.objectContaining({ name: 'staging', targets: { kind: 'accounts', accounts: [DUMMY_ACCOUNTS.tooling] }, region: DUMMY_REGION, deployment: 'cloudformation', instanceType: 'ml.m5.large', instanceCount: 1 }),
      expect.objectContaining({ name: 'prod', targets: { kind: 'accounts', accounts: [DUMMY_ACCOUNTS.tooling] }, region: DUMMY_REGION, deployment: 'cloudformation', instanceType: 'ml.m5.large', instanceCount: 2 }),
    ]);
    expect(config.autoscaling).toBeUndefined();
    expect(config.guardrail).toBeUndefined();
    expect(config.vpc).toBeUndefined();
  });

  it('uses StackSets for several accounts, for OUs and for another region, a CloudFormation action for one account', () => {
    const { config } = load({
      ...PROJECT,
      staging_accounts: [DUMMY_ACCOUNTS.staging, DUMMY_ACCOUNTS.source],
      prod_accounts: `["${DUMMY_ACCOUNTS.prod}"]`,
    });
    expect(config.stages.map((s) => s.deployment)).toEqual(['stackset', 'cloudformation']);
    expect(load({ ...MULTI_ACCOUNT, prod_region: 'eu-central-1' }).config.stages[1]).toMatchObject({ deployment: 'stackset', region: 'eu-central-1' });
    const ous = load({ ...PROJECT, staging_ou_ids: [OU_STAGING], prod_ou_ids: [OU_PROD], staging_test_accounts: [DUMMY_ACCOUNTS.staging] }).config;
    expect(ous.stages.map((s) => [s.deployment, s.targets])).toEqual([
      ['stackset', { kind: 'ous', ouIds: [OU_STAGING] }],
      ['stackset', { kind: 'ous', ouIds: [OU_PROD] }],
    ]);
    expect(ous.stagingTestAccounts).toEqual([DUMMY_ACCOUNTS.staging]);
  });

  it('reads Seedfarmer-encoded numbers and booleans', () => {
    const { config } = load({
      ...PROJECT,
      staging_instance_count: '3',
      prod_instance_type: 'ml.c6i.xlarge',
      data_capture_sampling_percentage: '25',
      autoscaling_min_capacity: '2',
      autoscaling_max_capacity: '6',
      autoscaling_target_invocations: '750',
      retain_on_delete: 'False',
    });
    expect(config.stages.map((s) => [s.instanceType, s.instanceCount])).toEqual([['ml.m5.large', 3], ['ml.c6i.xlarge', 2]]);
    expect(config.dataCaptureSamplingPercentage).toBe(25);
    expect(config.autoscaling).toEqual({ minCapacity: 2, maxCapacity: 6, targetInvocationsPerInstance: 750 });
    expect(config.retainOnDelete).toBe(false);
  });

  it('turns guardrail parameters into a guardrail with its defaults', () => {
    expect(load({ ...PROJECT, staging_instance_count: 2, deployment_guardrail: 'canary', guardrail_max_latency_ms: 500 }).config.guardrail).toEqual({
      mode: 'canary',
      trafficPercent: 10,
      waitSeconds: 600,
      max5xxErrorPercent: undefined,
      maxLatencyMs: 500,
    });
    expect(load({ ...PROJECT, staging_instance_count: 2, deployment_guardrail: 'linear', guardrail_linear_step_percent: 25, guardrail_max_5xx_error_percent: '0.5' }).config.guardrail).toMatchObject({
      mode: 'linear',
      trafficPercent: 25,
      max5xxErrorPercent: 0.5,
    });
  });

  it('accepts a CodeConnections repository in this account and region', () => {
    const { config } = load({ ...PROJECT, repository_type: 'codeconnections', code_connection_arn: CONNECTION_ARN, repository_owner_and_name: 'acme/churn-deploy', branch: 'release/v1' });
    expect(config.repository).toEqual({ type: 'codeconnections', connectionArn: CONNECTION_ARN, ownerAndName: 'acme/churn-deploy', branch: 'release/v1' });
  });

  it('fails when the project name breaks the SageMaker rule, and when the project id is missing, in one error', () => {
    const error = problems({ sagemaker_project_name: '1churn-' });
    expect(paths(error)).toEqual(expect.arrayContaining(['sagemaker_project_name', 'sagemaker_project_id']));
  });

  it('fails when the project name is longer than 32 characters', () => {
    expect(paths(problems({ ...PROJECT, sagemaker_project_name: 'a'.repeat(33) }))).toEqual(['sagemaker_project_name']);
  });

  it('fails when derived role names would exceed 64 characters', () => {
    const error = problems({ sagemaker_project_name: 'a'.repeat(32), sagemaker_project_id: 'p-'.concat('b'.repeat(18)) });
    expect(paths(error)).toEqual(['sagemaker_project_name']);
    expect(error.message).toMatch(/exceeds the 64 characters/);
  });

  it('fails on a malformed account list, naming the entry', () => {
    const error = problems({ ...PROJECT, staging_accounts: [DUMMY_ACCOUNTS.staging, '33333333'] });
    expect(paths(error)).toEqual(['staging_accounts[1]']);
    expect(problems({ ...PROJECT, prod_accounts: '444444444444, 333333333333' }).issues[0].path).toBe('prod_accounts');
  });

  it('fails on a placeholder account id outside test fixtures', () => {
    const env = seedfarmerEnv({ ...PROJECT, prod_accounts: ['123456789012'] }, '308164297531');
    // No allowPlaceholderAccounts: exactly what main.ts does.
    const error = catchConfigError(() => loadModuleConfig(endpointDeployParameters, { appName: 'endpoint-deploy', env }));
    expect(paths(error)).toEqual(['prod_accounts[0]']);
    expect(error.message).toMatch(/placeholder/);
  });

  it('fails when a stage lists no accounts', () => {
    const error = problems({ ...PROJECT, staging_accounts: [] });
    expect(paths(error)).toEqual(['staging_accounts']);
    expect(error.message).toMatch(/deploys nowhere/);
  });

  it('fails when a stage has both accounts and OUs, or an OU id is malformed', () => {
    expect(paths(problems({ ...PROJECT, prod_accounts: [DUMMY_ACCOUNTS.prod], prod_ou_ids: [OU_PROD] }))).toEqual(['prod_ou_ids']);
    expect(paths(problems({ ...PROJECT, prod_ou_ids: ['Production'] }))).toEqual(['prod_ou_ids[0]']);
  });

  it('fails when staging OUs are given without the accounts TestStaging invokes', () => {
    expect(paths(problems({ ...PROJECT, staging_ou_ids: [OU_STAGING] }))).toEqual(['staging_test_accounts']);
  });

  it.each([['ml.m5large'], ['m5.large'], ['ml.x9.large'], ['ml.M5.large']])('fails on the instance type %s', (type) => {
    const error = problems({ ...PROJECT, prod_instance_type: type });
    expect(paths(error)).toEqual(['prod_instance_type']);
  });

  it('fails on an unknown instance family, listing the known ones', () => {
    expect(problems({ ...PROJECT, staging_instance_type: 'ml.z1d.large' }).message).toMatch(/unknown instance family "z1d".*m5/);
  });

  it.each([['csv'], ['text'], ['application/'], ['foo/bar']])('fails on the content type %s', (type) => {
    expect(paths(problems({ ...PROJECT, sample_payload_content_type: type, sample_payload: '1' }))).toEqual(['sample_payload_content_type']);
  });

  it('fails when a JSON payload is not JSON, or a non-CSV type has no payload', () => {
    expect(paths(problems({ ...PROJECT, sample_payload_content_type: 'application/json', sample_payload: '{"a":' }))).toEqual(['sample_payload']);
    expect(paths(problems({ ...PROJECT, sample_payload_content_type: 'application/json' }))).toEqual(['sample_payload']);
  });

  it('fails when a guardrail has no alarm', () => {
    const error = problems({ ...PROJECT, staging_instance_count: 2, deployment_guardrail: 'canary' });
    expect(paths(error)).toEqual(['deployment_guardrail']);
    expect(error.message).toMatch(/guardrail_max_5xx_error_percent.*guardrail_max_latency_ms/);
  });

  it('fails on guardrail settings that do not apply, and a canary larger than SageMaker allows', () => {
    expect(paths(problems({ ...PROJECT, guardrail_wait_seconds: 60 }))).toEqual(['guardrail_wait_seconds']);
    expect(paths(problems({ ...PROJECT, staging_instance_count: 2, deployment_guardrail: 'linear', guardrail_max_latency_ms: 100, guardrail_canary_percent: 10 }))).toEqual(['guardrail_canary_percent']);
    expect(paths(problems({ ...PROJECT, staging_instance_count: 2, deployment_guardrail: 'canary', guardrail_max_latency_ms: 100, guardrail_canary_percent: 60 }))).toEqual(['guardrail_canary_percent']);
  });

  it('fails when autoscaling is half configured, naming each missing parameter', () => {
    const error = problems({ ...PROJECT, autoscaling_max_capacity: 4 });
    expect(paths(error).sort()).toEqual(['autoscaling_min_capacity', 'autoscaling_target_invocations']);
    expect(paths(problems({ ...PROJECT, autoscaling_min_capacity: 4, autoscaling_max_capacity: 2, autoscaling_target_invocations: 10 }))).toEqual(['autoscaling_max_capacity']);
  });

  it('fails when the VPC is half configured or given twice', () => {
    expect(paths(problems({ ...PROJECT, vpc_subnet_ids: ['subnet-0123456789abcdef0'] }))).toEqual(['vpc_security_group_ids']);
    expect(paths(problems({ ...PROJECT, vpc_subnet_ids: ['subnet-0123456789abcdef0'], vpc_security_group_ids: ['sg-0123456789abcdef0'], vpc_subnet_ids_parameter: '/net/subnets', vpc_security_group_ids_parameter: '/net/sgs' }))).toEqual(['vpc_subnet_ids_parameter']);
    expect(paths(problems({ ...PROJECT, vpc_subnet_ids: ['subnet-xyz'], vpc_security_group_ids: ['sg-0123456789abcdef0'] }))).toEqual(['vpc_subnet_ids[0]']);
  });

  it('fails when CodeConnections lacks its connection, or the connection is in another account', () => {
    expect(paths(problems({ ...PROJECT, repository_type: 'codeconnections' })).sort()).toEqual(['code_connection_arn', 'repository_owner_and_name']);
    const foreign = CONNECTION_ARN.replace(DUMMY_ACCOUNTS.tooling, DUMMY_ACCOUNTS.source);
    expect(paths(problems({ ...PROJECT, repository_type: 'codeconnections', code_connection_arn: foreign, repository_owner_and_name: 'a/b' }))).toEqual(['code_connection_arn']);
  });

  it('fails when seed-only parameters are given for a repository this module does not create', () => {
    const error = problems({ ...PROJECT, repository_type: 'codeconnections', code_connection_arn: CONNECTION_ARN, repository_owner_and_name: 'a/b', prod_instance_count: 3 });
    expect(paths(error)).toEqual(['prod_instance_count']);
    expect(error.message).toMatch(/prod-config\.json/);
  });

  it('fails when a StackSet administration role is given in another account or is never used', () => {
    const role = `arn:aws:iam::${DUMMY_ACCOUNTS.source}:role/stackset-admin`;
    expect(paths(problems({ ...MULTI_ACCOUNT, staging_accounts: [DUMMY_ACCOUNTS.staging, DUMMY_ACCOUNTS.source], stackset_administration_role_arn: role }))).toEqual(['stackset_administration_role_arn']);
    const own = `arn:aws:iam::${DUMMY_ACCOUNTS.tooling}:role/stackset-admin`;
    expect(paths(problems({ ...MULTI_ACCOUNT, stackset_administration_role_arn: own }))).toEqual(['stackset_administration_role_arn']);
  });

  it('fails on an unknown parameter, naming it', () => {
    expect(problems({ ...PROJECT, staging_account: DUMMY_ACCOUNTS.staging }).message).toContain('staging_account');
  });

  it('fails on a malformed e-mail address and a bad bootstrap qualifier', () => {
    const error = problems({ ...PROJECT, approval_email_addresses: ['ops@example.com', 'not-an-address'], cdk_bootstrap_qualifier: 'MyQualifier' });
    expect(paths(error).sort()).toEqual(['approval_email_addresses[1]', 'cdk_bootstrap_qualifier']);
  });
});

describe('one-phase validation (issue 8 item 6)', () => {
  it('reports a bad instance type and a bad guardrail in one error', () => {
    const error = catchConfigError(() => loadAsMain({ ...PROJECT, staging_instance_type: 'ml.m5large', deployment_guardrail: 'canary' }));
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'staging_instance_type', received: 'ml.m5large' }),
      expect.objectContaining({ path: 'deployment_guardrail', received: 'canary', message: expect.stringContaining('none is configured') }),
      expect.objectContaining({ path: 'staging_instance_count', received: 1, message: expect.stringContaining('needs at least 2') }),
    ]);
  });

  it('skips only the checks that read a failed parameter', () => {
    // staging_instance_count fails, so its canary check is skipped; the prod stage's and the alarm check still run.
    const error = catchConfigError(() => loadAsMain({ ...PROJECT, staging_instance_count: 'two', prod_instance_count: 1, deployment_guardrail: 'canary' }));
    expect(paths(error)).toEqual(['staging_instance_count', 'deployment_guardrail', 'prod_instance_count']);
    expect(error.issues[2].message).toContain('needs at least 2');
  });

  it('heads schema and cross-field problems of Seedfarmer parameters with the module name', () => {
    const error = catchConfigError(() => loadAsMain({ ...PROJECT, staging_instance_type: 'ml.m5large', deployment_guardrail: 'canary' }));
    expect(error.message.split('\n')[0]).toBe('Seedfarmer parameters of module deploy-endpoint: 3 problems in the configuration:');
    const alone = problems({ ...PROJECT, deployment_guardrail: 'canary', staging_instance_count: 2, prod_instance_count: 2 });
    expect(alone.message.split('\n')[0]).toBe('Seedfarmer parameters of module deploy-endpoint: 1 problem in the configuration:');
  });

  it('heads the problems of a config file with its path', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'endpoint-deploy-header-')), 'endpoint-deploy.yaml');
    writeFileSync(
      file,
      ['project: mlops', 'deployment: test', `account: "${DUMMY_ACCOUNTS.tooling}"`, `region: ${DUMMY_REGION}`, 'parameters:', '  sagemaker_project_name: churn', '  sagemaker_project_id: p-abc123def456', '  staging_instance_type: ml.m5large', '  deployment_guardrail: canary'].join('\n'),
    );
    const error = catchConfigError(() =>
      loadModuleConfig(endpointDeployParameters, { appName: 'endpoint-deploy', configPath: file, allowPlaceholderAccounts: true, resolve: resolveEndpointDeployConfig }),
    );
    expect(error.message.split('\n')[0]).toBe(`${file}: 3 problems in the configuration:`);
  });
});

describe('per-account prerequisites (issue 8 item 9)', () => {
  const T = DUMMY_ACCOUNTS.tooling;
  const R = DUMMY_REGION;
  const arn = (account: string, kind: BootstrapPolicyKind) => executionPolicyArn(kind, account, R);
  const create = (kind: BootstrapPolicyKind) => `${createPolicyCommand(kind)}   # once per account: ${BOOTSTRAP_POLICIES[kind].purpose}`;
  const block = (parameters: Record<string, unknown>) => {
    const { module, config } = load(parameters);
    return formatPrerequisites(endpointDeployPrerequisites(module, config)).split('\n');
  };
  const toolingSteps = [
    `create the model package group churn-p-abc123def456 (or set create_model_package_group)`,
    'give private ECR repositories of the model images a repository policy letting the stage accounts pull',
  ];

  it('bootstraps each one-account stage trusting the pipeline account, with the endpoint policy', () => {
    const lines = block({ ...MULTI_ACCOUNT, cdk_bootstrap_qualifier: 'mlops' });
    expect(lines.slice(0, 7)).toEqual([
      'Prerequisites of endpoint-deploy module mlops-test-deploy-endpoint, once per account and region before the first deploy:',
      '',
      `account ${T}, ${R}: pipeline (this module)`,
      `  1. ${create('module')}`,
      `  2. cdk bootstrap aws://${T}/${R} --cloudformation-execution-policies ${arn(T, 'module')} --qualifier mlops`,
      `  3. ${toolingSteps[0]}`,
      `  4. ${toolingSteps[1]}`,
    ]);
    for (const [stage, account] of [['staging', DUMMY_ACCOUNTS.staging], ['prod', DUMMY_ACCOUNTS.prod]] as const) {
      const at = lines.indexOf(`account ${account}, ${R}: ${stage}`);
      expect(lines.slice(at + 1, at + 4)).toEqual([
        `  1. ${create('endpoint')}`,
        `  2. cdk bootstrap aws://${account}/${R} --trust ${T} --cloudformation-execution-policies ${arn(account, 'endpoint')} --qualifier mlops`,
        `  3. bootstrap before deploying this module: the artifact bucket and key policies name its CDK deploy role (the endpoint role churn-p-abc123def456-${stage}-exec gets read access)`,
      ]);
    }
  });

  it("lets each stage account's CDK deploy role read the VPC's SSM parameters it resolves (only when the VPC is given by names)", () => {
    const names = { vpc_subnet_ids_parameter: '/network/subnets', vpc_security_group_ids_parameter: '/network/sgs' };
    const lines = block({ ...MULTI_ACCOUNT, ...names, cdk_bootstrap_qualifier: 'mlops' });
    for (const [stage, account] of [['staging', DUMMY_ACCOUNTS.staging], ['prod', DUMMY_ACCOUNTS.prod]] as const) {
      const at = lines.indexOf(`account ${account}, ${R}: ${stage}`);
      expect(lines[at + 4]).toBe(`  4. ${deployRoleSsmReadStep(account, R, ['/network/subnets', '/network/sgs'], 'mlops')}`);
    }
    expect(block(MULTI_ACCOUNT).join('\n')).not.toContain('put-role-policy');
  });

  it('gives the pipeline account both policies when it is its own stage, and StackSet targets an execution role instead of a bootstrap', () => {
    const lines = block({ ...PROJECT, prod_accounts: [DUMMY_ACCOUNTS.prod, DUMMY_ACCOUNTS.staging] });
    expect(lines).toContain(`  3. cdk bootstrap aws://${T}/${R} --cloudformation-execution-policies ${arn(T, 'endpoint')},${arn(T, 'module')}`);
    const at = lines.indexOf(`account ${DUMMY_ACCOUNTS.prod}, ${R}: prod (StackSet)`);
    expect(lines.slice(at + 1, at + 3)).toEqual([
      `  1. ${createPolicyCommand('endpoint')}`,
      `  2. create role AWSCloudFormationStackSetExecutionRole trusting arn:aws:iam::${T}:role/churn-p-abc123def456-stackset-admin, with policy ${BOOTSTRAP_POLICIES.endpoint.policyName} attached`,
    ]);
    expect(lines.filter((l) => l.includes('cdk bootstrap'))).toHaveLength(1);
  });

  it('names the StackSets setup of an OU', () => {
    const lines = block({ ...PROJECT, staging_ou_ids: [OU_STAGING], staging_test_accounts: [DUMMY_ACCOUNTS.staging] });
    const at = lines.indexOf(`account OU ${OU_STAGING}, ${R}: staging`);
    expect(lines[at + 1]).toBe('  1. enable trusted access for CloudFormation StackSets in AWS Organizations');
  });

  it('the module and endpoint execution policies cover every resource type of their templates', () => {
    const read = (kind: BootstrapPolicyKind) => committedExecutionPolicy(kind, join(__dirname, '..', '..', '..'));
    const variants = [
      { ...MULTI_ACCOUNT, approval_email_addresses: ['ml-approvers@example.com'] },
      {
        ...MULTI_ACCOUNT,
        repository_type: 'codeconnections',
        code_connection_arn: CONNECTION_ARN,
        repository_owner_and_name: 'acme/churn-deploy',
        vpc_subnet_ids_parameter: '/network/private-subnet-ids',
        vpc_security_group_ids_parameter: '/network/endpoint-sg-ids',
        autoscaling_min_capacity: 2,
        autoscaling_max_capacity: 8,
        autoscaling_target_invocations: 300,
        deployment_guardrail: 'linear',
        guardrail_max_5xx_error_percent: 2,
      },
      { ...PROJECT, staging_accounts: [DUMMY_ACCOUNTS.staging, DUMMY_ACCOUNTS.source], prod_ou_ids: [OU_PROD] },
    ];
    const templates = variants.flatMap((parameters) => assemblyTemplates(synth(parameters).app.synth().directory));
    // The module's own stack is at the top of the assembly; the endpoint template in its nested assembly and as an asset.
    const endpoint = templates.filter((t) => t.file.includes('/'));
    const module = templates.filter((t) => !t.file.includes('/'));
    expect(endpoint.length).toBeGreaterThan(0);
    expect(resourceTypesOf(endpoint.map((t) => t.template))).toContain('AWS::SageMaker::Endpoint');
    expect(executionPolicyGaps(resourceTypesOf(endpoint.map((t) => t.template)), read('endpoint'))).toEqual({ unknownTypes: [], missingActions: {} });
    expect(executionPolicyGaps(resourceTypesOf(module.map((t) => t.template)), read('module'))).toEqual({ unknownTypes: [], missingActions: {} });
    // and every create/update/delete permission the resource types' published CloudFormation handlers list
    expect(handlerPermissionGaps(resourcesOf(endpoint.map((t) => t.template)), read('endpoint')).missing).toEqual({});
    expect(handlerPermissionGaps(resourcesOf(module.map((t) => t.template)), read('module')).missing).toEqual({});
  });
});

describe('deploying without Seedfarmer', () => {
  it('reads the same configuration from a YAML file given as CDK context, lists and numbers as YAML gives them', () => {
    // GIVEN config/endpoint-deploy.yaml, as `cdk synth -c config=<folder>` passes it
    const dir = mkdtempSync(join(tmpdir(), 'endpoint-deploy-config-'));
    writeFileSync(
      join(dir, 'endpoint-deploy.yaml'),
      [
        'project: mlops',
        'deployment: test',
        'module: deploy-endpoint',
        `account: "${DUMMY_ACCOUNTS.tooling}"`,
        `region: ${DUMMY_REGION}`,
        'parameters:',
        '  sagemaker-project-name: churn',
        '  sagemakerProjectId: p-abc123def456',
        `  staging_accounts: ["${DUMMY_ACCOUNTS.staging}"]`,
        `  prod_accounts: [${DUMMY_ACCOUNTS.prod}]`,
        '  prod_instance_count: 3',
      ].join('\n'),
    );
    // WHEN
    const fromFile = loadModuleConfig(endpointDeployParameters, { appName: 'endpoint-deploy', configPath: dir, allowPlaceholderAccounts: true });
    const fromSeedfarmer = load({ ...MULTI_ACCOUNT, prod_instance_count: '3' });
    // THEN both paths give the same configuration
    expect(resolveEndpointDeployConfig(fromFile.parameters, fromFile.module)).toEqual(fromSeedfarmer.config);
  });
});

describe('main.ts on bad input', () => {
  it('fails the synth with an error naming each parameter, and writes no template', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'endpoint-deploy-bad-'));
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...seedfarmerEnv({ ...PROJECT, staging_accounts: '["308164297531", "1234"]', prod_instance_type: 'ml.q9.large', deployment_guardrail: 'linear' }, '308164297531'),
      CDK_OUTDIR: outdir,
    };
    const result = spawnSync('npx', ['tsx', 'src/main.ts'], { cwd: join(__dirname, '..'), env, encoding: 'utf8' });
    expect(result.status).toBe(1);
    // schema problems and the cross-field ones they used to hide, in one message
    expect(result.stderr).toContain('Seedfarmer parameters of module deploy-endpoint: 4 problems in the configuration:');
    for (const name of ['staging_accounts[1]', 'prod_instance_type', 'deployment_guardrail', 'staging_instance_count']) expect(result.stderr).toContain(`- ${name}: `);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
    expect(existsSync(outdir) ? readdirSync(outdir).filter((f) => f.endsWith('.template.json')) : []).toEqual([]);
  });
});
