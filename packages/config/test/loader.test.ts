import { catchConfigError, DUMMY_ACCOUNTS } from '@sagemaker-mlops/test-utils';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  accountId,
  booleanParam,
  intParam,
  jsonParam,
  listParam,
  loadModuleConfig,
  modelPackageGroupArn,
  normalizeParameterName,
  s3BucketName,
} from '../src';

const TOOLING = DUMMY_ACCOUNTS.tooling;
const SOURCE = DUMMY_ACCOUNTS.source;
const STAGING = DUMMY_ACCOUNTS.staging;
const PROD = DUMMY_ACCOUNTS.prod;
const REGION = 'eu-west-1';
const GROUP_ARN = `arn:aws:sagemaker:${REGION}:${SOURCE}:model-package-group/churn-model`;
const BOUNDARY_ARN = `arn:aws:iam::${TOOLING}:policy/mlops-boundary`;

const schema = z.strictObject({
  source_model_package_group_arn: modelPackageGroupArn,
  target_bucket_name: s3BucketName,
  staging_accounts: listParam(accountId),
  retain_on_delete: booleanParam.default(true),
  max_versions: intParam({ min: 1, max: 100 }).optional(),
  tags: jsonParam(z.record(z.string(), z.string())).optional(),
});

/** The environment Seedfarmer gives a module's CodeBuild run. */
function seedfarmerEnv(parameters: Record<string, string>, overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    SEEDFARMER_PROJECT_NAME: 'mlops',
    SEEDFARMER_DEPLOYMENT_NAME: 'test',
    SEEDFARMER_MODULE_NAME: 'promote-pipeline',
    CDK_DEFAULT_ACCOUNT: TOOLING,
    CDK_DEFAULT_REGION: REGION,
    PATH: '/usr/bin',
  };
  for (const [name, value] of Object.entries(parameters)) {
    env[`SEEDFARMER_PARAMETER_${name}`] = value;
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

const VALID_PARAMETERS = {
  SOURCE_MODEL_PACKAGE_GROUP_ARN: GROUP_ARN,
  TARGET_BUCKET_NAME: 'mlops-artifacts',
  STAGING_ACCOUNTS: `["${STAGING}", "${PROD}"]`,
};


describe('normalizeParameterName', () => {
  it.each(['vpc-id', 'vpcId', 'VpcId', 'vpc_id', 'VPC_ID'])('turns %s into vpc_id', (name) => {
    expect(normalizeParameterName(name)).toBe('vpc_id');
  });

  it('splits acronyms and digits the way Seedfarmer names its variables', () => {
    expect(normalizeParameterName('KMSKeyArn')).toBe('kms_key_arn');
    expect(normalizeParameterName('subnet2Id')).toBe('subnet2_id');
  });
});

describe('loadModuleConfig from the Seedfarmer environment', () => {
  it('reads the module context and decodes JSON-encoded parameters', () => {
    // GIVEN
    const env = seedfarmerEnv(
      {
        ...VALID_PARAMETERS,
        RETAIN_ON_DELETE: 'True',
        MAX_VERSIONS: '5',
        TAGS: '{"team": "ml", "cost-centre": "42"}',
      },
      { SEEDFARMER_PERMISSIONS_BOUNDARY_ARN: BOUNDARY_ARN },
    );

    // WHEN
    const { module, parameters } = loadModuleConfig(schema, { appName: 'promote', env, allowPlaceholderAccounts: true });

    // THEN
    expect(module).toEqual({
      projectName: 'mlops',
      deploymentName: 'test',
      moduleName: 'promote-pipeline',
      account: TOOLING,
      region: REGION,
      stackName: 'mlops-test-promote-pipeline',
      permissionsBoundaryArn: BOUNDARY_ARN,
      source: 'seedfarmer',
      configSource: 'Seedfarmer parameters of module promote-pipeline',
    });
    expect(parameters).toEqual({
      source_model_package_group_arn: { arn: GROUP_ARN, partition: 'aws', region: REGION, account: SOURCE, name: 'churn-model' },
      target_bucket_name: 'mlops-artifacts',
      staging_accounts: [STAGING, PROD],
      retain_on_delete: true,
      max_versions: 5,
      tags: { team: 'ml', 'cost-centre': '42' },
    });
  });

  it('fails when required parameters are missing, listing them all in one error', () => {
    const error = catchConfigError(() =>
      loadModuleConfig(schema, {
        appName: 'promote',
        env: seedfarmerEnv({ STAGING_ACCOUNTS: `["${STAGING}"]` }),
        allowPlaceholderAccounts: true,
      }),
    );
    expect(error.source).toBe('Seedfarmer parameters of module promote-pipeline');
    expect(error.issues.map((i) => i.path)).toEqual(['source_model_package_group_arn', 'target_bucket_name']);
    expect(error.issues.every((i) => i.message.startsWith('required, but not set'))).toBe(true);
    expect(error.message.split('\n')[0]).toBe('Seedfarmer parameters of module promote-pipeline: 2 problems in the configuration:');
  });

  it('fails when a parameter is unknown, naming the known parameters', () => {
    const error = catchConfigError(() =>
      loadModuleConfig(schema, {
        appName: 'promote',
        env: seedfarmerEnv({ ...VALID_PARAMETERS, TARGET_BUCKET: 'typo' }),
        allowPlaceholderAccounts: true,
      }),
    );
    expect(error.issues).toEqual([
      {
        path: 'target_bucket',
        received: 'typo',
        message: expect.stringMatching(/^unknown parameter; known parameters are: source_model_package_group_arn, target_bucket_name,/),
      },
    ]);
  });

  it('fails with the path of a bad item inside a JSON-encoded list', () => {
    const error = catchConfigError(() =>
      loadModuleConfig(schema, {
        appName: 'promote',
        env: seedfarmerEnv({ ...VALID_PARAMETERS, STAGING_ACCOUNTS: `["${STAGING}", "12"]`, RETAIN_ON_DELETE: 'yes' }),
        allowPlaceholderAccounts: true,
      }),
    );
    expect(error.issues.map((i) => [i.path, i.received])).toEqual([
      ['staging_accounts[1]', '12'],
      ['retain_on_delete', 'yes'],
    ]);
  });

  it('fails when CDK_DEFAULT_ACCOUNT is missing, and still reports the other problems', () => {
    const error = catchConfigError(() =>
      loadModuleConfig(schema, {
        appName: 'promote',
        env: seedfarmerEnv({ ...VALID_PARAMETERS, TARGET_BUCKET_NAME: 'Bad_Bucket' }, { CDK_DEFAULT_ACCOUNT: undefined }),
        allowPlaceholderAccounts: true,
      }),
    );
    expect(error.issues[0]).toEqual({
      path: 'CDK_DEFAULT_ACCOUNT',
      received: undefined,
      message: expect.stringContaining('the CDK CLI sets CDK_DEFAULT_ACCOUNT from the credentials'),
    });
    expect(error.issues.slice(1).every((i) => i.path === 'target_bucket_name')).toBe(true);
  });

  it('fails when the module names are invalid or the stack name gets too long', () => {
    const badNames = catchConfigError(() =>
      loadModuleConfig(schema, {
        appName: 'promote',
        env: seedfarmerEnv(VALID_PARAMETERS, { SEEDFARMER_PROJECT_NAME: '1mlops', SEEDFARMER_DEPLOYMENT_NAME: undefined }),
        allowPlaceholderAccounts: true,
      }),
    );
    expect(badNames.issues.map((i) => i.path)).toEqual(['SEEDFARMER_PROJECT_NAME', 'SEEDFARMER_DEPLOYMENT_NAME']);

    const tooLong = catchConfigError(() =>
      loadModuleConfig(schema, {
        appName: 'promote',
        env: seedfarmerEnv(VALID_PARAMETERS, { SEEDFARMER_DEPLOYMENT_NAME: 'd'.repeat(120) }),
        allowPlaceholderAccounts: true,
      }),
    );
    expect(tooLong.issues).toEqual([expect.objectContaining({ path: 'stackName', message: expect.stringContaining('allows 128') })]);
  });

  it('fails when a placeholder account id appears, also inside an ARN or a JSON list', () => {
    // GIVEN
    const placeholderArn = `arn:aws:sagemaker:${REGION}:${'1234567890'}12:model-package-group/churn-model`;

    // WHEN
    const error = catchConfigError(() =>
      loadModuleConfig(schema, {
        appName: 'promote',
        env: seedfarmerEnv({ ...VALID_PARAMETERS, SOURCE_MODEL_PACKAGE_GROUP_ARN: placeholderArn }),
      }),
    );

    // THEN
    expect(error.issues.map((i) => i.path)).toEqual([
      'CDK_DEFAULT_ACCOUNT',
      'source_model_package_group_arn',
      'staging_accounts[0]',
      'staging_accounts[1]',
    ]);
    expect(error.issues[1]).toEqual({
      path: 'source_model_package_group_arn',
      received: placeholderArn,
      message: expect.stringMatching(/^123456789012 is a placeholder account id/),
    });
  });

  it('accepts placeholder accounts when allowPlaceholderAccounts is set', () => {
    const { module } = loadModuleConfig(schema, {
      appName: 'promote',
      env: seedfarmerEnv(VALID_PARAMETERS),
      allowPlaceholderAccounts: true,
    });
    expect(module.account).toBe(TOOLING);
  });

  it('fails when neither Seedfarmer variables nor a config path are given, explaining both ways', () => {
    const error = catchConfigError(() => loadModuleConfig(schema, { appName: 'promote', env: { PATH: '/usr/bin' } }));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0].message).toMatch(/SEEDFARMER_PROJECT_NAME.*-c config=<file or directory>/);
  });
});

describe('loadModuleConfig from a file', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-loader-'));
  });

  afterEach(() => {
    vi.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const yamlConfig = [
    'project: mlops',
    'deployment: local',
    `account: ${TOOLING}`,
    `region: ${REGION}`,
    `permissions_boundary_arn: ${BOUNDARY_ARN}`,
    'parameters:',
    `  sourceModelPackageGroupArn: ${GROUP_ARN}`,
    '  target-bucket-name: mlops-artifacts',
    '  staging_accounts:',
    `    - ${STAGING}`,
    `    - "${PROD}"`,
    '  retain_on_delete: false',
    '',
  ].join('\n');

  it('reads a YAML file, normalizing parameter names and accepting unquoted account ids', () => {
    // GIVEN
    const file = path.join(dir, 'promote.yaml');
    fs.writeFileSync(file, yamlConfig);

    // WHEN
    const { module, parameters } = loadModuleConfig(schema, { appName: 'promote', configPath: file, allowPlaceholderAccounts: true });

    // THEN
    expect(module).toEqual({
      projectName: 'mlops',
      deploymentName: 'local',
      moduleName: 'promote',
      account: TOOLING,
      region: REGION,
      stackName: 'mlops-local-promote',
      permissionsBoundaryArn: BOUNDARY_ARN,
      source: 'file',
      configSource: file,
    });
    expect(parameters.staging_accounts).toEqual([STAGING, PROD]);
    expect(parameters.retain_on_delete).toBe(false);
    expect(parameters.source_model_package_group_arn.name).toBe('churn-model');
  });

  it('finds <appName>.yml in a directory given relative to the working directory', () => {
    fs.mkdirSync(path.join(dir, 'config'));
    fs.writeFileSync(path.join(dir, 'config', 'promote.yml'), yamlConfig.replace('project: mlops', 'project: mlops\nmodule: pipeline'));
    vi.spyOn(process, 'cwd').mockReturnValue(dir);

    const { module } = loadModuleConfig(schema, { appName: 'promote', configPath: 'config', allowPlaceholderAccounts: true, env: {} });

    expect(module.moduleName).toBe('pipeline');
  });

  it('reads a JSON file', () => {
    const file = path.join(dir, 'promote.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        project: 'mlops',
        deployment: 'local',
        account: TOOLING,
        region: REGION,
        parameters: { source_model_package_group_arn: GROUP_ARN, target_bucket_name: 'b-1', staging_accounts: [STAGING] },
      }),
    );
    const { parameters } = loadModuleConfig(schema, { appName: 'promote', configPath: dir, allowPlaceholderAccounts: true });
    expect(parameters.target_bucket_name).toBe('b-1');
  });

  it('fails when the directory holds no configuration for the app, naming what was looked for', () => {
    const error = catchConfigError(() => loadModuleConfig(schema, { appName: 'promote', configPath: dir }));
    expect(error.source).toBe(dir);
    expect(error.issues[0].message).toContain('promote.yaml, promote.yml, promote.json');
  });

  it('fails when the file does not exist or is not valid YAML', () => {
    const missing = catchConfigError(() => loadModuleConfig(schema, { appName: 'promote', configPath: path.join(dir, 'nope.yaml') }));
    expect(missing.issues[0].message).toContain('does not exist');

    const file = path.join(dir, 'broken.yaml');
    fs.writeFileSync(file, 'project: [mlops\n');
    const broken = catchConfigError(() => loadModuleConfig(schema, { appName: 'promote', configPath: file }));
    expect(broken.issues[0].message).toMatch(/^is not valid YAML/);
  });

  it('fails when the file has unknown keys, invalid fields and placeholder ids, reporting them all', () => {
    // GIVEN
    const file = path.join(dir, 'promote.yaml');
    fs.writeFileSync(
      file,
      yamlConfig.replace('deployment: local', 'deploymnet: local').replace(`region: ${REGION}`, 'region: Ireland'),
    );

    // WHEN
    const error = catchConfigError(() => loadModuleConfig(schema, { appName: 'promote', configPath: file }));

    // THEN
    expect(error.source).toBe(file);
    expect(error.issues.map((i) => i.path)).toEqual([
      'deploymnet',
      'deployment',
      'region',
      'account',
      'permissions_boundary_arn',
      'source_model_package_group_arn',
      'staging_accounts[0]',
      'staging_accounts[1]',
    ]);
    expect(error.issues[0].message).toBe(
      'unknown key; known keys are: project, deployment, module, account, region, permissions_boundary_arn, parameters',
    );
  });

  it('fails when two parameter keys mean the same parameter', () => {
    const file = path.join(dir, 'promote.yaml');
    fs.writeFileSync(file, `${yamlConfig}  targetBucketName: other\n`);
    const error = catchConfigError(() => loadModuleConfig(schema, { appName: 'promote', configPath: file, allowPlaceholderAccounts: true }));
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'target_bucket_name', message: expect.stringContaining('given twice') }),
    ]);
  });
});
