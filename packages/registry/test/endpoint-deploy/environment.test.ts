import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeModelCommand, ListModelPackagesCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  endpointBuildFromEnvironment,
  parseEndpointBuildEnvironment,
  parseEndpointTestEnvironment,
  stagingTestFromEnvironment,
} from '../../src/endpoint-deploy/environment';
import { EndpointDeployEnvironmentError } from '../../src/errors';
import { FakeRegistry, noSleep, SOURCE_ACCOUNT } from '../fakes';
import { EndpointWorld, SERVED_MODEL_PACKAGE } from './world';

const CWD = '/codebuild/output';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EndpointDeployEnvironmentError);
    return (error as EndpointDeployEnvironmentError).problems;
  }
  throw new Error('expected an EndpointDeployEnvironmentError');
}

const build = {
  MODEL_PACKAGE_GROUP_NAME: 'churn',
  STAGES: '["staging","prod"]',
  SAGEMAKER_PROJECT_NAME: 'churn',
  SAGEMAKER_PROJECT_ID: 'p-abc123',
};

const test = {
  STAGE_ACCOUNTS: '["222222222222","333333333333"]',
  STAGE_REGION: 'eu-west-1',
  ENDPOINT_NAME: 'churn-p-abc123-staging',
  TEST_ROLE_NAME: 'churn-staging-test',
  MODEL_PACKAGE_ARN: SERVED_MODEL_PACKAGE,
};

describe('parseEndpointBuildEnvironment', () => {
  it('applies the defaults: the CodeBuild source directory and the working directory', () => {
    const env = parseEndpointBuildEnvironment({ ...build, CODEBUILD_SRC_DIR: '/codebuild/src', OUTPUT_DIR: '' }, CWD);

    expect(env).toEqual({
      groupName: 'churn',
      group: undefined,
      stages: ['staging', 'prod'],
      sourceDir: '/codebuild/src',
      outputDir: CWD,
      projectName: 'churn',
      projectId: 'p-abc123',
    });
  });

  it('prefers SOURCE_DIR, resolves relative paths and parses a group ARN', () => {
    const arn = `arn:aws:sagemaker:eu-central-1:${SOURCE_ACCOUNT}:model-package-group/churn`;

    const env = parseEndpointBuildEnvironment(
      { ...build, MODEL_PACKAGE_GROUP_NAME: arn, SOURCE_DIR: 'repo', OUTPUT_DIR: 'out', CODEBUILD_SRC_DIR: '/ignored' },
      CWD,
    );

    expect(env).toMatchObject({ groupName: arn, group: { region: 'eu-central-1', name: 'churn' }, sourceDir: `${CWD}/repo`, outputDir: `${CWD}/out` });
  });

  it('fails when required variables are missing, listing each of them', () => {
    expect(problemsOf(() => parseEndpointBuildEnvironment({}, CWD))).toEqual([
      'MODEL_PACKAGE_GROUP_NAME is missing: set it to the name or ARN of the model package group to deploy from',
      'STAGES is missing: set it to the stage names in pipeline order as a JSON array, e.g. ["staging","prod"]',
      'SAGEMAKER_PROJECT_NAME is missing: set it to the SageMaker project name (tag sagemaker:project-name)',
      'SAGEMAKER_PROJECT_ID is missing: set it to the SageMaker project id (tag sagemaker:project-id)',
    ]);
  });

  it.each([
    ['STAGES', 'staging,prod', 'STAGES: "staging,prod" is not JSON: set a JSON array of strings, e.g. ["staging","prod"]'],
    ['STAGES', '[]', 'STAGES: expected a non-empty JSON array of strings, e.g. ["staging","prod"], got []'],
    ['STAGES', '["staging","staging"]', 'STAGES: "staging" is listed twice'],
    ['STAGES', '["staging","../prod"]', 'STAGES: "../prod" is not a valid stage name'],
    ['STAGES', '["staging",1]', 'STAGES: 1 is not a string: quote it'],
    ['MODEL_PACKAGE_GROUP_NAME', 'churn_model', 'MODEL_PACKAGE_GROUP_NAME: "churn_model" is neither a model package group ARN nor a group name'],
    ['MODEL_PACKAGE_GROUP_NAME', 'arn:aws:sagemaker:eu-west-1:1:model-package-group/churn', 'MODEL_PACKAGE_GROUP_NAME: Not a model package group ARN'],
    ['SAGEMAKER_PROJECT_NAME', 'churn model', 'SAGEMAKER_PROJECT_NAME: "churn model" is not a valid SageMaker project name'],
    ['SAGEMAKER_PROJECT_ID', 'p_1', 'SAGEMAKER_PROJECT_ID: "p_1" is not a valid SageMaker project id'],
  ])('fails when %s is %s', (name, value, problem) => {
    const problems = problemsOf(() => parseEndpointBuildEnvironment({ ...build, [name]: value }, CWD));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });
});

describe('endpointBuildFromEnvironment', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'endpoint-build-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('builds from the group ARN with a SageMaker client in the group region', async () => {
    // GIVEN a group in another region, and the stage configurations in the source directory
    const fake = new FakeRegistry(SOURCE_ACCOUNT, 'eu-central-1');
    const arn = fake.addGroup('churn');
    fake.addPackage('churn', { ModelApprovalStatus: 'Approved' });
    const client = new SageMakerClient({ region: 'eu-central-1' });
    const mock = mockClient(client);
    fake.install(mock);
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'staging-config.json'), '{"InstanceType": "ml.m5.large", "InstanceCount": 1}');
    const regions: Array<string | undefined> = [];

    // WHEN
    const { report, environment } = await endpointBuildFromEnvironment(
      { ...build, MODEL_PACKAGE_GROUP_NAME: arn, STAGES: '["staging"]', CODEBUILD_SRC_DIR: join(dir, 'src') },
      {
        sagemaker: (region) => {
          regions.push(region);
          return client;
        },
      },
      { cwd: dir, retry: { sleep: noSleep } },
    );

    // THEN
    expect(regions).toEqual(['eu-central-1']);
    expect(mock).toHaveReceivedCommandWith(ListModelPackagesCommand, { ModelPackageGroupName: arn, SortOrder: 'Descending' });
    expect(environment.outputDir).toBe(dir);
    expect(report.stages.map((s) => s.stage)).toEqual(['staging']);
    expect(JSON.parse(readFileSync(join(dir, 'staging-template-configuration.json'), 'utf8')).Parameters.InstanceType).toBe('ml.m5.large');
  });

  it('fails when the environment is invalid, before any AWS call', async () => {
    const client = new SageMakerClient({});
    const mock = mockClient(client);

    await expect(endpointBuildFromEnvironment({ ...build, STAGES: '' }, { sagemaker: () => client }, { cwd: dir })).rejects.toThrow(
      /endpoint-build command's environment has 1 problem:\n {2}- STAGES is missing/,
    );
    expect(mock).not.toHaveReceivedAnyCommand();
  });
});

describe('parseEndpointTestEnvironment', () => {
  it('applies the defaults', () => {
    const env = parseEndpointTestEnvironment({ ...test, STAGE_REGION: '', AWS_REGION: 'us-gov-west-1', CODEBUILD_SRC_DIR: '/codebuild/src' }, CWD);

    expect(env).toEqual({
      accounts: ['222222222222', '333333333333'],
      region: 'us-gov-west-1',
      partition: 'aws-us-gov',
      endpointName: 'churn-p-abc123-staging',
      testRoleName: 'churn-staging-test',
      modelPackageArn: SERVED_MODEL_PACKAGE,
      definitionFile: 'test/staging-test.json',
      sourceDir: '/codebuild/src',
      reportPath: `${CWD}/staging-test-report.json`,
      junitPath: `${CWD}/staging-test-junit.xml`,
      inServiceTimeoutMs: 1_800_000,
    });
  });

  it('takes the optional variables', () => {
    const env = parseEndpointTestEnvironment(
      {
        ...test,
        TEST_DEFINITION: 'tests/smoke.json',
        SOURCE_DIR: '/repo',
        REPORT_PATH: 'reports/test.json',
        JUNIT_PATH: '/reports/junit.xml',
        IN_SERVICE_TIMEOUT_SECONDS: '600',
      },
      CWD,
    );

    expect(env).toMatchObject({
      region: 'eu-west-1',
      partition: 'aws',
      definitionFile: 'tests/smoke.json',
      sourceDir: '/repo',
      reportPath: `${CWD}/reports/test.json`,
      junitPath: '/reports/junit.xml',
      inServiceTimeoutMs: 600_000,
    });
  });

  it('fails when required variables are missing, listing each of them', () => {
    expect(problemsOf(() => parseEndpointTestEnvironment({}, CWD))).toEqual([
      'STAGE_ACCOUNTS is missing: set it to the stage accounts as a JSON array of strings, e.g. ["<12-digit account id>"]',
      'STAGE_REGION is missing (and so are AWS_REGION and AWS_DEFAULT_REGION): set it to the region of the staging endpoints',
      'ENDPOINT_NAME is missing: set it to the name of the staging endpoint',
      'TEST_ROLE_NAME is missing: set it to the name of the test role that exists in every stage account',
      'MODEL_PACKAGE_ARN is missing: set it to the versioned ARN of the model package the build chose (the build action exports it as MODEL_PACKAGE_ARN)',
    ]);
  });

  it.each([
    ['STAGE_ACCOUNTS', '[222222222222]', 'STAGE_ACCOUNTS: 222222222222 is not a string: quote it'],
    ['STAGE_ACCOUNTS', '["2222"]', 'STAGE_ACCOUNTS: "2222" is not a 12-digit AWS account id'],
    ['STAGE_ACCOUNTS', '["222222222222","222222222222"]', 'STAGE_ACCOUNTS: "222222222222" is listed twice'],
    ['STAGE_ACCOUNTS', '{"staging":"222222222222"}', 'STAGE_ACCOUNTS: expected a non-empty JSON array of strings'],
    ['STAGE_REGION', 'Ireland', 'STAGE_REGION: "Ireland" is not an AWS region code such as eu-west-1'],
    ['ENDPOINT_NAME', 'churn_staging', 'ENDPOINT_NAME: "churn_staging" is not a valid endpoint name'],
    ['TEST_ROLE_NAME', 'arn:aws:iam::222222222222:role/test', 'TEST_ROLE_NAME: "arn:aws:iam::222222222222:role/test" is not an IAM role name'],
    ['MODEL_PACKAGE_ARN', 'arn:aws:sagemaker:eu-west-1:444444444444:model-package-group/churn', 'MODEL_PACKAGE_ARN: "arn:aws:sagemaker:eu-west-1:444444444444:model-package-group/churn" is not the ARN of a model package version'],
    ['TEST_DEFINITION', '../other/test.json', 'TEST_DEFINITION: "../other/test.json" must be a path inside the deploy repository'],
    ['IN_SERVICE_TIMEOUT_SECONDS', '30m', 'IN_SERVICE_TIMEOUT_SECONDS: "30m" is not a whole number of seconds from 0 to 28800'],
    ['IN_SERVICE_TIMEOUT_SECONDS', '90000', 'IN_SERVICE_TIMEOUT_SECONDS: "90000" is not a whole number of seconds'],
  ])('fails when %s is %s', (name, value, problem) => {
    const problems = problemsOf(() => parseEndpointTestEnvironment({ ...test, [name]: value }, CWD));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });
});

describe('stagingTestFromEnvironment', () => {
  let world: EndpointWorld;
  let repo: string;
  beforeEach(() => {
    world = new EndpointWorld();
    repo = mkdtempSync(join(tmpdir(), 'endpoint-test-env-'));
    mkdirSync(join(repo, 'test'));
  });
  afterEach(() => {
    world.restore();
    rmSync(repo, { recursive: true, force: true });
  });

  it('tests every stage account with the definition and payload file from the source directory', async () => {
    // GIVEN
    writeFileSync(join(repo, 'test', 'staging-test.json'), JSON.stringify({ contentType: 'text/csv', payloadFile: 'test/sample.csv', invocations: 2 }));
    writeFileSync(join(repo, 'test', 'sample.csv'), '5.1,3.5,1.4,0.2\n');
    world.addEndpoint('222222222222');
    world.addEndpoint('333333333333');
    const { sts, sagemakerFor, runtimeFor, sleep, now } = world.options();

    // WHEN
    const { report, environment } = await stagingTestFromEnvironment(
      { ...test, CODEBUILD_SRC_DIR: repo },
      { sts, sagemakerFor, runtimeFor },
      { cwd: repo, sleep, now },
    );

    // THEN
    expect(environment.reportPath).toBe(join(repo, 'staging-test-report.json'));
    expect(report.passed).toBe(true);
    expect(report.accounts.map((a) => a.account)).toEqual(['222222222222', '333333333333']);
    expect(world.sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::333333333333:role/churn-staging-test' });
    expect(world.runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 4);
    expect(world.runtime).toHaveReceivedCommandWith(InvokeEndpointCommand, { Body: new Uint8Array(Buffer.from('5.1,3.5,1.4,0.2\n')) });
    // AND each endpoint was checked to serve the model package of the build
    expect(world.sagemaker).toHaveReceivedCommandTimes(DescribeModelCommand, 2);
  });

  it('fails when the definition is missing, before any AWS call', async () => {
    const { sts, sagemakerFor, runtimeFor } = world.options();

    await expect(stagingTestFromEnvironment({ ...test, SOURCE_DIR: repo }, { sts, sagemakerFor, runtimeFor })).rejects.toThrow(
      /test\/staging-test\.json: not found in the deploy repository/,
    );
    expect(world.sts).not.toHaveReceivedAnyCommand();
  });
});
