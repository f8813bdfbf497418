import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assemblyTemplates,
  BOOTSTRAP_POLICIES,
  committedExecutionPolicy,
  createPolicyCommand,
  executionPolicyArn,
  executionPolicyGaps,
  handlerPermissionGaps,
  formatPrerequisites,
  loadModuleConfig,
  resourcesOf,
  resourceTypesOf,
} from '@sagemaker-mlops/config';
import { catchConfigError, DUMMY_ACCOUNTS, DUMMY_REGION, FEATURE_FLAGS } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { promotePrerequisites } from '../src/app';
import { checkAgainstModule, promoteParameters } from '../src/config';
import { load, PIPELINE_PARAMETERS, SOURCE_GROUP_ARN, seedfarmerEnv, synth, TARGET_BUS_ARN } from './fixtures';

/** Loads as main.ts does: schema and cross-field checks in one phase. */
const loadAsMain = (parameters: Record<string, unknown>, account?: string) =>
  loadModuleConfig(promoteParameters, { appName: 'promote', env: seedfarmerEnv(parameters, account), allowPlaceholderAccounts: true, resolve: checkAgainstModule });
const KEY_IN_US_EAST_1 = `arn:aws:kms:us-east-1:${DUMMY_ACCOUNTS.tooling}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const BUS_ARN = `arn:aws:events:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:event-bus/mlops`;

const problems = (parameters: Record<string, unknown>, account?: string) => catchConfigError(() => load(parameters, account));

describe('promote parameters', () => {
  it('reads the seed document parameters with their defaults', () => {
    const { parameters, module } = load(PIPELINE_PARAMETERS);
    expect(module.stackName).toBe('mlops-test-promote-pipeline');
    expect(parameters).toMatchObject({
      component: 'pipeline',
      target_bucket_name: 'mlops-model-artifacts-target',
      retain_on_delete: true,
      source_model_package_group_arn: { account: DUMMY_ACCOUNTS.source, region: DUMMY_REGION, name: 'churn-model' },
    });
  });

  it.each([
    [true, true],
    ['true', true],
    ['True', true],
    [false, false],
    ['False', false],
  ])('accepts retain_on_delete=%j as Seedfarmer sends it', (value, expected) => {
    const { parameters } = load({ ...PIPELINE_PARAMETERS, retain_on_delete: value });
    expect(parameters.component === 'pipeline' && parameters.retain_on_delete).toBe(expected);
  });

  it('fails when both required parameters are missing, listing both in one error', () => {
    const error = problems({});
    expect(error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['source_model_package_group_arn', 'target_bucket_name']));
  });

  it('fails when the source ARN names another resource type', () => {
    const error = problems({ ...PIPELINE_PARAMETERS, source_model_package_group_arn: `${SOURCE_GROUP_ARN.replace('model-package-group', 'model-package')}/3` });
    expect(error.issues[0].path).toBe('source_model_package_group_arn');
    expect(error.message).toMatch(/model package group/i);
  });

  it('fails when the source ARN has a malformed account', () => {
    const error = problems({ ...PIPELINE_PARAMETERS, source_model_package_group_arn: SOURCE_GROUP_ARN.replace(DUMMY_ACCOUNTS.source, '22222222') });
    expect(error.issues[0].path).toBe('source_model_package_group_arn');
    expect(error.message).toMatch(/account/i);
  });

  it('fails on an invalid bucket name', () => {
    const error = problems({ ...PIPELINE_PARAMETERS, target_bucket_name: 'My_Bucket' });
    expect(error.issues.every((i) => i.path === 'target_bucket_name')).toBe(true);
    expect(error.message).toContain('My_Bucket');
  });

  it('fails on a KMS alias instead of a key ARN', () => {
    const error = problems({ ...PIPELINE_PARAMETERS, kms_key_arn: `arn:aws:kms:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:alias/models` });
    expect(error.issues[0].path).toBe('kms_key_arn');
  });

  it('fails on a KMS key of another region, since S3 cannot use it for this bucket', () => {
    const error = problems({
      ...PIPELINE_PARAMETERS,
      kms_key_arn: `arn:aws:kms:us-east-1:${DUMMY_ACCOUNTS.tooling}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    });
    expect(error.issues).toEqual([expect.objectContaining({ path: 'kms_key_arn' })]);
  });

  it('fails on an invalid target group name', () => {
    const error = problems({ ...PIPELINE_PARAMETERS, target_model_package_group_name: 'churn_model!' });
    expect(error.issues[0].path).toBe('target_model_package_group_name');
  });

  it('fails on a non-boolean retain_on_delete', () => {
    const error = problems({ ...PIPELINE_PARAMETERS, retain_on_delete: 'yes' });
    expect(error.issues[0].path).toBe('retain_on_delete');
  });

  it('fails on an unknown parameter, naming it', () => {
    const error = problems({ ...PIPELINE_PARAMETERS, target_bucket: 'x' });
    expect(error.message).toContain('target_bucket');
  });

  it('fails when promoting a group onto itself', () => {
    const sameAccountGroup = SOURCE_GROUP_ARN.replace(DUMMY_ACCOUNTS.source, DUMMY_ACCOUNTS.tooling);
    const error = problems({ ...PIPELINE_PARAMETERS, source_model_package_group_arn: sameAccountGroup });
    expect(error.issues[0].path).toBe('target_model_package_group_name');
  });

  it('fails when the forwarding target bus belongs to an account without registry access', () => {
    const error = problems(
      {
        component: 'source-account',
        model_package_group_name: 'churn-model',
        target_accounts: [DUMMY_ACCOUNTS.prod],
        target_event_bus_arn: `arn:aws:events:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:event-bus/mlops`,
      },
      DUMMY_ACCOUNTS.source,
    );
    expect(error.issues[0].path).toBe('target_event_bus_arn');
  });

  it('fails on an unknown component', () => {
    const error = problems({ ...PIPELINE_PARAMETERS, component: 'everything' });
    expect(error.message).toMatch(/pipeline.*event-bus.*source-account/);
  });
});

describe('one-phase validation (issue 8 item 6)', () => {
  it('reports an ARN in event_bus_name and a KMS key of another region in one error', () => {
    const error = catchConfigError(() => loadAsMain({ ...PIPELINE_PARAMETERS, event_bus_name: BUS_ARN, kms_key_arn: KEY_IN_US_EAST_1 }));
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'event_bus_name', received: BUS_ARN, message: expect.stringContaining('not an ARN') }),
      expect.objectContaining({ path: 'kms_key_arn', received: KEY_IN_US_EAST_1, message: expect.stringContaining(`give a key in ${DUMMY_ACCOUNTS.tooling} / ${DUMMY_REGION}`) }),
    ]);
  });

  it('still checks a source-account module whose list of target accounts is fine while its group name is not', () => {
    const error = catchConfigError(() =>
      loadAsMain(
        {
          component: 'source-account',
          model_package_group_name: 'churn model!',
          target_accounts: [DUMMY_ACCOUNTS.prod],
          target_event_bus_arn: `arn:aws:events:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:event-bus/mlops`,
        },
        DUMMY_ACCOUNTS.source,
      ),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['model_package_group_name', 'target_event_bus_arn']);
  });

  it('heads schema and cross-field problems of Seedfarmer parameters alike', () => {
    const error = catchConfigError(() => loadAsMain({ ...PIPELINE_PARAMETERS, event_bus_name: BUS_ARN, kms_key_arn: KEY_IN_US_EAST_1 }));
    expect(error.message.split('\n')[0]).toBe('Seedfarmer parameters of module promote-pipeline: 2 problems in the configuration:');
    // called on its own (as the fixtures do), the checks name the same source
    const alone = catchConfigError(() => load({ ...PIPELINE_PARAMETERS, kms_key_arn: KEY_IN_US_EAST_1 }));
    expect(alone.message.split('\n')[0]).toBe('Seedfarmer parameters of module promote-pipeline: 1 problem in the configuration:');
  });

  it('heads the problems of a config file with its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'promote-header-'));
    const file = join(dir, 'promote.yaml');
    writeFileSync(
      file,
      [
        'project: mlops',
        'deployment: test',
        `account: "${DUMMY_ACCOUNTS.tooling}"`,
        `region: ${DUMMY_REGION}`,
        'parameters:',
        `  source_model_package_group_arn: ${SOURCE_GROUP_ARN}`,
        '  target_bucket_name: mlops-model-artifacts-target',
        `  event_bus_name: ${BUS_ARN}`,
        `  kms_key_arn: ${KEY_IN_US_EAST_1}`,
      ].join('\n'),
    );
    const error = catchConfigError(() =>
      loadModuleConfig(promoteParameters, { appName: 'promote', configPath: file, allowPlaceholderAccounts: true, resolve: checkAgainstModule }),
    );
    expect(error.message.split('\n')[0]).toBe(`${file}: 2 problems in the configuration:`);
    expect(error.issues.map((i) => i.path)).toEqual(['event_bus_name', 'kms_key_arn']);
  });
});

describe('per-account prerequisites (issue 8 item 9)', () => {
  const T = DUMMY_ACCOUNTS.tooling;
  const S = DUMMY_ACCOUNTS.source;
  const policy = (account: string) => executionPolicyArn('module', account, DUMMY_REGION);
  const createPolicy = `${createPolicyCommand('module')}   # once per account: ${BOOTSTRAP_POLICIES.module.purpose}`;
  const block = (parameters: Record<string, unknown>, account?: string) => {
    const { module, parameters: typed } = load(parameters, account);
    return formatPrerequisites(promotePrerequisites(module, typed)).split('\n');
  };

  it('pipeline: bootstraps the target with the module policy, and names the source-account component with its values', () => {
    expect(block({ ...PIPELINE_PARAMETERS, event_bus_name: 'mlops-registry' })).toEqual([
      'Prerequisites of promote module mlops-test-promote-pipeline, once per account and region before the first deploy:',
      '',
      `account ${T}, ${DUMMY_REGION}: target (this module: promote pipeline)`,
      `  1. ${createPolicy}`,
      `  2. cdk bootstrap aws://${T}/${DUMMY_REGION} --cloudformation-execution-policies ${policy(T)}`,
      `  3. deploy promote's event-bus component here first (event_bus_name mlops-registry, source_accounts including ${S}): the pipeline's rule listens on that bus`,
      '',
      `account ${S}, ${DUMMY_REGION}: source registry of churn-model`,
      `  1. ${createPolicy}`,
      `  2. cdk bootstrap aws://${S}/${DUMMY_REGION} --cloudformation-execution-policies ${policy(S)}`,
      `  3. deploy promote's source-account component there (model_package_group_name churn-model, target_accounts including ${T}, target_event_bus_arn the bus this pipeline listens on): read-only registry access and event forwarding for this account`,
      '',
    ]);
  });

  it('event bus and source account: each names the component the other account needs', () => {
    expect(block({ component: 'event-bus', event_bus_name: 'mlops-registry', source_accounts: [S] })).toEqual([
      'Prerequisites of promote module mlops-test-promote-pipeline, once per account and region before the first deploy:',
      '',
      `account ${T}, ${DUMMY_REGION}: target (this module: promote event bus mlops-registry)`,
      `  1. ${createPolicy}`,
      `  2. cdk bootstrap aws://${T}/${DUMMY_REGION} --cloudformation-execution-policies ${policy(T)}`,
      '',
      `account ${S}, ${DUMMY_REGION}: source registry`,
      `  1. deploy promote's source-account component there after this module, with target_event_bus_arn naming bus mlops-registry of ${T}`,
      '',
    ]);
    const source = block({ component: 'source-account', model_package_group_name: 'churn-model', target_accounts: [T], target_event_bus_arn: TARGET_BUS_ARN }, S);
    expect(source.slice(2, 4)).toEqual([`account ${S}, ${DUMMY_REGION}: source registry (this module: access and forwarding for churn-model)`, `  1. ${createPolicy}`]);
    expect(source).toContain(`  3. deploy promote's event-bus component there before this module (event_bus_name mlops-registry, source_accounts including ${S}): the forwarding rule targets it`);
  });

  it('the module execution policy covers every resource type of every component', () => {
    const document = committedExecutionPolicy('module', join(__dirname, '..', '..', '..'));
    const variants: Array<[Record<string, unknown>, string?]> = [
      [{ ...PIPELINE_PARAMETERS, event_bus_name: 'mlops-registry' }],
      [{ ...PIPELINE_PARAMETERS, kms_key_arn: `arn:aws:kms:${DUMMY_REGION}:${T}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, s3_access_logs_bucket_arn: `arn:aws:s3:::logs-${T}` }],
      [{ component: 'event-bus', event_bus_name: 'mlops-registry', source_accounts: [S] }],
      [{ component: 'source-account', model_package_group_name: 'churn-model', target_accounts: [T], target_event_bus_arn: TARGET_BUS_ARN }, S],
      [{ component: 'source-account', model_package_group_name: 'churn-model', create_model_package_group: true, target_accounts: [T], target_event_bus_arn: TARGET_BUS_ARN }, S],
    ];
    const templates = variants.flatMap(([parameters, account]) => assemblyTemplates(synth(parameters, account).app.synth().directory).map((t) => t.template));
    const types = resourceTypesOf(templates);
    expect(types).toEqual(expect.arrayContaining(['AWS::CodePipeline::Pipeline', 'AWS::Events::EventBus', 'AWS::SageMaker::ModelPackageGroup']));
    expect(executionPolicyGaps(types, document)).toEqual({ unknownTypes: [], missingActions: {} });
    // and every create/update/delete permission the resource types' published CloudFormation handlers list
    expect(handlerPermissionGaps(resourcesOf(templates), document).missing).toEqual({});
  });
});

describe('deploying without Seedfarmer', () => {
  it('reads the same parameters from a config folder given as CDK context, through the same schema', () => {
    // GIVEN config/<app>.yaml, as `npx nx run-many -t deploy -- -c config=<folder>` passes it
    const dir = mkdtempSync(join(tmpdir(), 'promote-config-'));
    writeFileSync(
      join(dir, 'promote.yaml'),
      [
        'project: mlops',
        'deployment: test',
        'module: promote-pipeline',
        `account: "${DUMMY_ACCOUNTS.tooling}"`,
        `region: ${DUMMY_REGION}`,
        'parameters:',
        `  source-model-package-group-arn: ${SOURCE_GROUP_ARN}`,
        '  targetBucketName: mlops-model-artifacts-target',
        '  retain_on_delete: false',
      ].join('\n'),
    );
    // WHEN
    const fromFile = loadModuleConfig(promoteParameters, { appName: 'promote', configPath: dir, allowPlaceholderAccounts: true });
    const fromSeedfarmer = load({ ...PIPELINE_PARAMETERS, retain_on_delete: 'False' });
    // THEN both paths give the same module and parameters
    expect(fromFile.parameters).toEqual(fromSeedfarmer.parameters);
    expect({ ...fromFile.module, source: 'seedfarmer', configSource: fromSeedfarmer.module.configSource }).toEqual(fromSeedfarmer.module);
  });
});

describe('main.ts on bad input', () => {
  it('fails the synth with an error naming the parameter, and writes no template', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'promote-bad-'));
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...seedfarmerEnv({ ...PIPELINE_PARAMETERS, target_bucket_name: 'Bad_Bucket' }, '308164297531'),
      SEEDFARMER_PARAMETER_SOURCE_MODEL_PACKAGE_GROUP_ARN: SOURCE_GROUP_ARN.replace(DUMMY_ACCOUNTS.source, '210478935612'),
      CDK_OUTDIR: outdir,
    };
    const result = spawnSync('npx', ['tsx', 'src/main.ts'], { cwd: join(__dirname, '..'), env, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('target_bucket_name');
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
    expect(existsSync(outdir) ? readdirSync(outdir).filter((f) => f.endsWith('.template.json')) : []).toEqual([]);
  });

  it('prints the prerequisites once, as a plain block on stderr, when the synth succeeds', () => {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...seedfarmerEnv(PIPELINE_PARAMETERS, '308164297531'),
      SEEDFARMER_PARAMETER_SOURCE_MODEL_PACKAGE_GROUP_ARN: SOURCE_GROUP_ARN.replace(DUMMY_ACCOUNTS.source, '210478935612'),
      CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'promote-ok-')),
      // The context the CDK CLI passes from cdk.json.
      CDK_CONTEXT_JSON: JSON.stringify(FEATURE_FLAGS),
    };
    const result = spawnSync('npx', ['tsx', 'src/main.ts'], { cwd: join(__dirname, '..'), env, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr.split('Prerequisites of promote module mlops-test-promote-pipeline').length).toBe(2);
    expect(result.stderr).toContain(
      `  2. cdk bootstrap aws://308164297531/${DUMMY_REGION} --cloudformation-execution-policies arn:aws:iam::308164297531:policy/sagemaker-mlops-module-cfn-exec\n`,
    );
    expect(result.stdout).not.toContain('Prerequisites');
  }, 180_000);

  it('lists schema and cross-field problems in one message', () => {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...seedfarmerEnv(
        {
          ...PIPELINE_PARAMETERS,
          event_bus_name: BUS_ARN.replace(DUMMY_ACCOUNTS.tooling, '308164297531'),
          kms_key_arn: KEY_IN_US_EAST_1.replace(DUMMY_ACCOUNTS.tooling, '308164297531'),
        },
        '308164297531',
      ),
      SEEDFARMER_PARAMETER_SOURCE_MODEL_PACKAGE_GROUP_ARN: SOURCE_GROUP_ARN.replace(DUMMY_ACCOUNTS.source, '210478935612'),
      CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'promote-bad-')),
    };
    const result = spawnSync('npx', ['tsx', 'src/main.ts'], { cwd: join(__dirname, '..'), env, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Seedfarmer parameters of module promote-pipeline: 2 problems in the configuration:');
    expect(result.stderr).toMatch(/- event_bus_name: .*\n\s+- kms_key_arn: /);
  });
});
