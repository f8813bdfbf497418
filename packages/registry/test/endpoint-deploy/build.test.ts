import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListModelPackagesCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildEndpointDeployment, formatBuildSummary, shellQuote, type BuildEndpointDeploymentOptions } from '../../src/endpoint-deploy/build';
import { DeployRepositoryFileError, NoApprovedModelPackageError } from '../../src/errors';
import { FakeRegistry, noSleep, REGION, SOURCE_ACCOUNT } from '../fakes';

const GENERATED_AT = new Date(Date.UTC(2026, 2, 1, 9, 30));
let sourceDir: string;
let outputDir: string;

beforeEach(() => {
  sourceDir = mkdtempSync(join(tmpdir(), 'endpoint-build-src-'));
  outputDir = join(mkdtempSync(join(tmpdir(), 'endpoint-build-out-')), 'nested');
});

afterEach(() => {
  rmSync(sourceDir, { recursive: true, force: true });
  rmSync(join(outputDir, '..'), { recursive: true, force: true });
});

function writeConfig(stage: string, content: unknown): void {
  writeFileSync(join(sourceDir, `${stage}-config.json`), typeof content === 'string' ? content : JSON.stringify(content));
}

function registry() {
  const client = new SageMakerClient({ region: REGION });
  const mock = mockClient(client);
  const fake = new FakeRegistry(SOURCE_ACCOUNT);
  fake.addGroup('churn');
  fake.install(mock);
  return { client, mock, fake };
}

function options(client: SageMakerClient, overrides: Partial<BuildEndpointDeploymentOptions> = {}): BuildEndpointDeploymentOptions {
  return {
    sagemaker: client,
    groupName: 'churn',
    stages: ['staging', 'prod'],
    sourceDir,
    outputDir,
    projectName: 'churn',
    projectId: 'p-abc123',
    retry: { sleep: noSleep },
    now: () => GENERATED_AT,
    ...overrides,
  };
}

const readJson = (file: string) => JSON.parse(readFileSync(join(outputDir, file), 'utf8'));

async function problemsOf(promise: Promise<unknown>): Promise<DeployRepositoryFileError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeployRepositoryFileError);
  return error as DeployRepositoryFileError;
}

describe('buildEndpointDeployment', () => {
  it('deploys the newest approved package, asking for it with SortOrder Descending', async () => {
    // GIVEN an old approved version, a newer approved one and a newest still pending
    const { client, mock, fake } = registry();
    fake.addPackage('churn', { ModelApprovalStatus: 'Approved' });
    const approved = fake.addPackage('churn', { ModelApprovalStatus: 'Approved' });
    fake.addPackage('churn', { ModelApprovalStatus: 'PendingManualApproval' });
    writeConfig('staging', { InstanceType: 'ml.m5.large', InstanceCount: 1 });
    writeConfig('prod', { InstanceType: 'ml.m5.xlarge', InstanceCount: 2 });

    // WHEN
    const report = await buildEndpointDeployment(options(client));

    // THEN
    expect(mock).toHaveReceivedCommandWith(ListModelPackagesCommand, {
      ModelPackageGroupName: 'churn',
      ModelApprovalStatus: 'Approved',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
    });
    expect(report.modelPackageArn).toBe(approved.ModelPackageArn);
    expect(report.modelPackageVersion).toBe(2);
    expect(readJson('staging-template-configuration.json').Parameters.ModelPackageArn).toBe(approved.ModelPackageArn);
    expect(formatBuildSummary(report)).toBe(
      `deploying ${approved.ModelPackageArn} (version 2 of churn) to staging (1 x ml.m5.large), prod (2 x ml.m5.xlarge)`,
    );
  });

  it('writes the template configuration and the StackSet parameters of each stage exactly', async () => {
    // GIVEN
    const { client, fake } = registry();
    const pkg = fake.addPackage('churn', { ModelApprovalStatus: 'Approved' });
    writeConfig('staging', { InstanceType: 'ml.m5.large', InstanceCount: 1 });
    writeConfig('prod', { InstanceType: 'ml.c5.2xlarge', InstanceCount: 3, VariantName: 'Blue', DataCaptureSamplingPercentage: 25 });

    // WHEN
    await buildEndpointDeployment(options(client));

    // THEN defaults fill the optional settings, and every value is a string
    const arn = pkg.ModelPackageArn;
    expect(readJson('staging-template-configuration.json')).toEqual({
      Parameters: {
        ModelPackageArn: arn,
        StageName: 'staging',
        InstanceType: 'ml.m5.large',
        InstanceCount: '1',
        VariantName: 'AllTraffic',
        DataCaptureSamplingPercentage: '100',
      },
      Tags: { 'sagemaker:deployment-stage': 'staging', 'sagemaker:project-id': 'p-abc123', 'sagemaker:project-name': 'churn' },
    });
    expect(readJson('staging-stackset-parameters.json')).toEqual([
      { ParameterKey: 'ModelPackageArn', ParameterValue: arn },
      { ParameterKey: 'StageName', ParameterValue: 'staging' },
      { ParameterKey: 'InstanceType', ParameterValue: 'ml.m5.large' },
      { ParameterKey: 'InstanceCount', ParameterValue: '1' },
      { ParameterKey: 'VariantName', ParameterValue: 'AllTraffic' },
      { ParameterKey: 'DataCaptureSamplingPercentage', ParameterValue: '100' },
    ]);
    expect(readJson('prod-template-configuration.json').Parameters).toEqual({
      ModelPackageArn: arn,
      StageName: 'prod',
      InstanceType: 'ml.c5.2xlarge',
      InstanceCount: '3',
      VariantName: 'Blue',
      DataCaptureSamplingPercentage: '25',
    });
    expect(readJson('prod-stackset-parameters.json')).toEqual([
      { ParameterKey: 'ModelPackageArn', ParameterValue: arn },
      { ParameterKey: 'StageName', ParameterValue: 'prod' },
      { ParameterKey: 'InstanceType', ParameterValue: 'ml.c5.2xlarge' },
      { ParameterKey: 'InstanceCount', ParameterValue: '3' },
      { ParameterKey: 'VariantName', ParameterValue: 'Blue' },
      { ParameterKey: 'DataCaptureSamplingPercentage', ParameterValue: '25' },
    ]);
    expect(readdirSync(outputDir).sort()).toEqual([
      'build-report.json',
      'pipeline-variables.env',
      'prod-stackset-parameters.json',
      'prod-template-configuration.json',
      'staging-stackset-parameters.json',
      'staging-template-configuration.json',
    ]);
  });

  it('merges the user tags after the pipeline tags', async () => {
    // GIVEN
    const { client, fake } = registry();
    fake.addPackage('churn', { ModelApprovalStatus: 'Approved' });
    writeConfig('staging', { InstanceType: 'ml.m5.large', InstanceCount: 1, Tags: { team: 'risk', 'cost-center': 'ml-42' } });
    writeConfig('prod', { InstanceType: 'ml.m5.large', InstanceCount: 2 });

    // WHEN
    await buildEndpointDeployment(options(client));

    // THEN
    const tags = readJson('staging-template-configuration.json').Tags;
    expect(Object.entries(tags)).toEqual([
      ['sagemaker:deployment-stage', 'staging'],
      ['sagemaker:project-id', 'p-abc123'],
      ['sagemaker:project-name', 'churn'],
      ['team', 'risk'],
      ['cost-center', 'ml-42'],
    ]);
    expect(readJson('prod-template-configuration.json').Tags).not.toHaveProperty('team');
  });

  it('writes pipeline variables that a shell can source, and the build report', async () => {
    // GIVEN the group given as an ARN
    const { client, mock, fake } = registry();
    const pkg = fake.addPackage('churn', { ModelApprovalStatus: 'Approved' });
    writeConfig('staging', { InstanceType: 'ml.m5.large', InstanceCount: 1 });
    writeConfig('prod', { InstanceType: 'ml.m5.large', InstanceCount: 2 });
    const groupArn = fake.groupArn('churn');

    // WHEN
    await buildEndpointDeployment(options(client, { groupName: groupArn }));

    // THEN
    expect(mock).toHaveReceivedCommandWith(ListModelPackagesCommand, { ModelPackageGroupName: groupArn });
    const variables = readFileSync(join(outputDir, 'pipeline-variables.env'), 'utf8');
    expect(variables).toBe(
      `export MODEL_PACKAGE_ARN='${pkg.ModelPackageArn}'\nexport MODEL_PACKAGE_VERSION='1'\nexport MODEL_PACKAGE_GROUP='churn'\n`,
    );
    const sourced = execFileSync('sh', ['-c', '. ./pipeline-variables.env && printf "%s|%s|%s" "$MODEL_PACKAGE_ARN" "$MODEL_PACKAGE_VERSION" "$MODEL_PACKAGE_GROUP"'], {
      cwd: outputDir,
      encoding: 'utf8',
    });
    expect(sourced).toBe(`${pkg.ModelPackageArn}|1|churn`);
    expect(readJson('build-report.json')).toMatchObject({
      generatedAt: '2026-03-01T09:30:00.000Z',
      modelPackageGroup: groupArn,
      modelPackageGroupName: 'churn',
      modelPackageArn: pkg.ModelPackageArn,
      modelPackageVersion: 1,
      modelPackageCreationTime: pkg.CreationTime.toISOString(),
      projectName: 'churn',
      projectId: 'p-abc123',
      stages: [
        { stage: 'staging', configFile: 'staging-config.json', templateConfigurationFile: 'staging-template-configuration.json' },
        { stage: 'prod', configFile: 'prod-config.json', stackSetParametersFile: 'prod-stackset-parameters.json' },
      ],
    });
  });

  it('fails when no package is approved, writing nothing', async () => {
    // GIVEN only pending and rejected versions
    const { client, fake } = registry();
    fake.addPackage('churn', { ModelApprovalStatus: 'Rejected' });
    fake.addPackage('churn', { ModelApprovalStatus: 'PendingManualApproval' });
    writeConfig('staging', { InstanceType: 'ml.m5.large', InstanceCount: 1 });
    writeConfig('prod', { InstanceType: 'ml.m5.large', InstanceCount: 2 });

    // WHEN / THEN
    await expect(buildEndpointDeployment(options(client))).rejects.toThrow(NoApprovedModelPackageError);
    expect(existsSync(outputDir)).toBe(false);
  });

  it('fails when a configuration file is invalid, listing every problem with its path and fix', async () => {
    // GIVEN a staging file with a bad instance type, a count of 0 and a misspelled key
    const { client, mock, fake } = registry();
    fake.addPackage('churn', { ModelApprovalStatus: 'Approved' });
    writeConfig('staging', { InstanceType: 'm5.large', InstanceCount: 0, VariantNmae: 'AllTraffic' });
    writeConfig('prod', { InstanceType: 'ml.m5.large', InstanceCount: 2 });

    // WHEN
    const error = await problemsOf(buildEndpointDeployment(options(client)));

    // THEN every problem at once, before any AWS call and any write
    expect(error.files).toEqual(['staging-config.json']);
    expect(error.problems).toEqual([
      'staging-config.json: InstanceType: must be an ML instance type such as "ml.m5.large" (ml.<family>.<size>, lowercase) (got "m5.large")',
      'staging-config.json: InstanceCount: must be an integer from 1 to 100: set the number of endpoint instances, e.g. 1 (got 0)',
      'staging-config.json: unknown key "VariantNmae": remove it or fix its spelling (allowed: InstanceType, InstanceCount, VariantName, DataCaptureSamplingPercentage, Tags)',
    ]);
    expect(error.message).toMatch(/^staging-config\.json in the deploy repository has 3 problems:\n {2}- /);
    expect(mock).not.toHaveReceivedAnyCommand();
    expect(existsSync(outputDir)).toBe(false);
  });

  it('fails when configuration files are missing or not JSON, naming each file', async () => {
    // GIVEN no staging file and a prod file with a syntax error
    const { client, mock } = registry();
    writeConfig('prod', '{ "InstanceType": "ml.m5.large", }');

    // WHEN
    const error = await problemsOf(buildEndpointDeployment(options(client)));

    // THEN
    expect(error.files).toEqual(['staging-config.json', 'prod-config.json']);
    expect(error.problems[0]).toBe(
      `staging-config.json: not found in the deploy repository (${sourceDir}): create it, e.g. {"InstanceType": "ml.m5.large", "InstanceCount": 1}`,
    );
    expect(error.problems[1]).toMatch(/^prod-config\.json: is not valid JSON \(.+\): fix the syntax$/);
    expect(mock).not.toHaveReceivedAnyCommand();
  });

  it.each([
    [{ InstanceType: 'ml.m5.large', InstanceCount: 1.5 }, 'InstanceCount: must be an integer from 1 to 100'],
    [{ InstanceType: 'ml.m5.large', InstanceCount: 101 }, 'InstanceCount: must be an integer from 1 to 100'],
    [{ InstanceType: 'ml.M5.large', InstanceCount: 1 }, 'InstanceType: must be an ML instance type'],
    [{ InstanceCount: 1 }, 'InstanceType: is required: set an ML instance type such as "ml.m5.large"'],
    [{ InstanceType: 'ml.m5.large', InstanceCount: '1' }, 'InstanceCount: must be a number'],
    [{ InstanceType: 'ml.m5.large', InstanceCount: 1, DataCaptureSamplingPercentage: 101 }, 'DataCaptureSamplingPercentage: must be an integer from 0 to 100'],
    [{ InstanceType: 'ml.m5.large', InstanceCount: 1, VariantName: 'all_traffic' }, 'VariantName: must be 1-63 letters'],
    [{ InstanceType: 'ml.m5.large', InstanceCount: 1, Tags: { 'aws:team': 'x' } }, 'Tags["aws:team"]: tag keys starting with "aws:" are reserved by AWS'],
    [{ InstanceType: 'ml.m5.large', InstanceCount: 1, Tags: { 'sagemaker:deployment-stage': 'x' } }, 'this tag is set by the pipeline: remove it from Tags'],
    [{ InstanceType: 'ml.m5.large', InstanceCount: 1, Tags: { team: 1 } }, 'Tags.team: must be a string: quote the tag value (got 1)'],
    [{ InstanceType: 'ml.m5.large', InstanceCount: 1, Tags: ['team'] }, 'Tags: must be an object of tag keys to string values'],
    [{ InstanceType: 'ml.m5.large', InstanceCount: 1, instanceCount: 1 }, 'unknown key "instanceCount": did you mean "InstanceCount"?'],
    [['ml.m5.large'], 'must hold one JSON object'],
  ])('fails when the configuration is %j', async (config, problem) => {
    const { client, fake } = registry();
    fake.addPackage('churn', { ModelApprovalStatus: 'Approved' });
    writeConfig('staging', config);

    const error = await problemsOf(buildEndpointDeployment(options(client, { stages: ['staging'] })));

    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(problem);
  });

  it('fails when the configuration sets more tags than an endpoint may carry', async () => {
    const { client } = registry();
    writeConfig('staging', {
      InstanceType: 'ml.m5.large',
      InstanceCount: 1,
      Tags: Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`tag-${i}`, 'x'])),
    });

    const error = await problemsOf(buildEndpointDeployment(options(client, { stages: ['staging'] })));

    expect(error.problems).toEqual([
      'staging-config.json: Tags: has too many tags: at most 47 (SageMaker allows 50 per resource and the pipeline sets 3)',
    ]);
  });

  it.each([
    [[], /stages is empty/],
    [['staging', 'staging'], /stage "staging" is listed twice/],
    [['../etc'], /invalid stage name "..\/etc"/],
  ])('fails when the stages are %j', async (stages, message) => {
    const { client } = registry();
    await expect(buildEndpointDeployment(options(client, { stages }))).rejects.toThrow(message);
  });
});

describe('shellQuote', () => {
  it('keeps any value literal in a POSIX shell', () => {
    const value = `it's $HOME \`id\` "x"\\`;
    expect(shellQuote(value)).toBe(`'it'\\''s $HOME \`id\` "x"\\'`);
    expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' })).toBe(value);
  });
});
