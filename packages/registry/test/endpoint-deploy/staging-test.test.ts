import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeModelCommand } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatStagingTestJUnit, writeStagingTestReports } from '../../src/endpoint-deploy/junit';
import {
  failedStagingTestReport,
  formatStagingTestSummary,
  runStagingTest,
  type CredentialsProvider,
  type RunStagingTestOptions,
} from '../../src/endpoint-deploy/staging-test';
import type { StagingTestDefinitionInput } from '../../src/endpoint-deploy/staging-test-definition';
import { DeployRepositoryFileError } from '../../src/errors';
import { awsError, REGION } from '../fakes';
import { assertWellFormedXml, EndpointWorld, modelError, SERVED_MODEL_PACKAGE } from './world';

const STAGING = '222222222222';
const STAGING_2 = '333333333333';
const STAGING_3 = '111111111111';
const ENDPOINT = 'churn-p-abc123-staging';
const CSV: StagingTestDefinitionInput = { contentType: 'text/csv', accept: 'text/csv', payload: '1.0,2.0,3.0' };

let world: EndpointWorld;
let sourceDir: string;

beforeEach(() => {
  world = new EndpointWorld();
  sourceDir = mkdtempSync(join(tmpdir(), 'staging-test-'));
});

afterEach(() => {
  world.restore();
  rmSync(sourceDir, { recursive: true, force: true });
});

function run(overrides: Partial<RunStagingTestOptions> = {}) {
  return runStagingTest({
    ...world.options(),
    accounts: [STAGING],
    region: REGION,
    endpointName: ENDPOINT,
    testRoleName: 'churn-staging-test',
    definition: CSV,
    sourceDir,
    ...overrides,
  });
}

describe('runStagingTest', () => {
  it('waits through Creating and Updating until the endpoint is InService, backing off', async () => {
    // GIVEN an endpoint that is still being created, then updated
    world.addEndpoint(STAGING, { statuses: ['Creating', 'Creating', 'Updating', 'InService'] });

    // WHEN
    const report = await run();

    // THEN it polls four times, waiting 5, 10 then 20 s, and passes
    expect(world.sagemaker).toHaveReceivedCommandTimes(DescribeEndpointCommand, 4);
    expect(world.sagemaker).toHaveReceivedCommandWith(DescribeEndpointCommand, { EndpointName: ENDPOINT });
    expect(world.sleeps).toEqual([5_000, 10_000, 20_000]);
    expect(report.passed).toBe(true);
    expect(report.accounts[0]).toMatchObject({ account: STAGING, passed: true, endpointStatus: 'InService' });
  });

  it('invokes the endpoint the configured number of times and records latencies and data capture', async () => {
    // GIVEN
    world.addEndpoint(STAGING, { latencies: [120, 80, 100, 90, 300], dataCapture: true });

    // WHEN
    const report = await run({ definition: { ...CSV, invocations: 5 } });

    // THEN
    expect(world.runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 5);
    expect(world.runtime).toHaveReceivedCommandWith(InvokeEndpointCommand, {
      EndpointName: ENDPOINT,
      ContentType: 'text/csv',
      Accept: 'text/csv',
      Body: new TextEncoder().encode('1.0,2.0,3.0'),
    });
    expect(report.accounts[0]).toMatchObject({
      passed: true,
      dataCaptureEnabled: true,
      invocations: [120, 80, 100, 90, 300].map((latencyMs) => ({ latencyMs, ok: true })),
      p50LatencyMs: 100,
      maxLatencyMs: 300,
    });
    expect(report.accounts[0].failure).toBeUndefined();
    expect(report.latencyBoundMs).toBe(2000);
  });

  it('records that data capture is off when the endpoint has no capture configuration', async () => {
    world.addEndpoint(STAGING, { dataCapture: undefined });

    const report = await run();

    expect(report.accounts[0]).toMatchObject({ passed: true, dataCaptureEnabled: false });
  });

  it('fails when the endpoint is Failed, with its FailureReason, without invoking it', async () => {
    // GIVEN
    world.addEndpoint(STAGING, { statuses: ['Creating', 'Failed'], failureReason: 'Image size 12 GB exceeds the limit' });

    // WHEN
    const report = await run();

    // THEN
    expect(report.passed).toBe(false);
    expect(report.accounts[0]).toMatchObject({ passed: false, endpointStatus: 'Failed', invocations: [] });
    expect(report.accounts[0].failure).toBe(
      `endpoint ${ENDPOINT} is Failed in account ${STAGING} (${REGION}): Image size 12 GB exceeds the limit`,
    );
    expect(world.runtime).not.toHaveReceivedCommand(InvokeEndpointCommand);
  });

  it('fails when the endpoint is OutOfService', async () => {
    world.addEndpoint(STAGING, { statuses: ['OutOfService'] });

    const report = await run();

    expect(report.accounts[0].failure).toMatch(/is OutOfService in account 222222222222/);
    expect(world.sleeps).toEqual([]);
  });

  it('fails when the endpoint is not InService before the timeout', async () => {
    // GIVEN an endpoint that stays Creating
    world.addEndpoint(STAGING, { statuses: ['Creating'] });

    // WHEN the timeout is one minute
    const report = await run({ inServiceTimeoutMs: 60_000 });

    // THEN it waited exactly the timeout, then failed
    expect(world.sleeps).toEqual([5_000, 10_000, 20_000, 25_000]);
    expect(report.accounts[0]).toMatchObject({ passed: false, endpointStatus: 'Creating' });
    expect(report.accounts[0].failure).toBe(
      `endpoint ${ENDPOINT} is still Creating in account ${STAGING} (${REGION}) after 60 s (IN_SERVICE_TIMEOUT_SECONDS)`,
    );
    expect(world.runtime).not.toHaveReceivedCommand(InvokeEndpointCommand);
  });

  it('fails when the endpoint does not exist in the account', async () => {
    const report = await run();

    expect(report.accounts[0]).toMatchObject({ passed: false, endpointStatus: null });
    expect(report.accounts[0].failure).toMatch(/endpoint churn-p-abc123-staging does not exist in account 222222222222 \(eu-west-1\): the deploy stage/);
  });

  it('fails when an invocation returns an error, naming the model status and stopping there', async () => {
    // GIVEN the second invocation fails in the model container
    world.addEndpoint(STAGING, { invokeErrors: new Map([[1, modelError(500, 'could not parse input')]]) });

    // WHEN
    const report = await run();

    // THEN
    const account = report.accounts[0];
    expect(account.passed).toBe(false);
    expect(account.invocations).toHaveLength(2);
    expect(account.invocations[0]).toEqual({ latencyMs: 50, ok: true });
    expect(account.invocations[1].ok).toBe(false);
    expect(account.invocations[1].error).toMatch(/^ModelError: Received server error \(500\).*\(the model answered 500: could not parse input; logs: arn:aws:logs:/);
    expect(account.failure).toMatch(/^1 of 3 invocations failed; first: ModelError/);
    expect(world.runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 2);
  });

  it('fails when the role may not invoke the endpoint, naming the action and the endpoint ARN', async () => {
    world.addEndpoint(STAGING, { invokeErrors: new Map([[0, awsError('AccessDeniedException', 'not authorized', 403)]]) });

    const report = await run();

    expect(report.accounts[0].invocations[0].error).toMatch(
      /^Access denied: sagemaker:InvokeEndpoint on arn:aws:sagemaker:eu-west-1:222222222222:endpoint\/churn-p-abc123-staging \(account 222222222222\)/,
    );
  });

  it('fails when an invocation is slower than maxLatencyMs, still running the others', async () => {
    // GIVEN the second answer takes 2.5 s
    world.addEndpoint(STAGING, { latencies: [100, 2500, 100] });

    // WHEN the bound is 2 s
    const report = await run({ definition: { ...CSV, maxLatencyMs: 2000 } });

    // THEN
    const account = report.accounts[0];
    expect(account.passed).toBe(false);
    expect(account.invocations).toEqual([
      { latencyMs: 100, ok: true },
      { latencyMs: 2500, ok: false, error: 'latency 2500 ms above the bound of 2000 ms (maxLatencyMs)' },
      { latencyMs: 100, ok: true },
    ]);
    expect(account).toMatchObject({ p50LatencyMs: 100, maxLatencyMs: 2500 });
    expect(account.failure).toBe('1 of 3 invocations failed; first: latency 2500 ms above the bound of 2000 ms (maxLatencyMs)');
  });

  it('assumes the test role of each account and reports accounts in input order, whatever order they finish in', async () => {
    // GIVEN the first account's endpoint takes longest to be InService
    world.addEndpoint(STAGING, { statuses: ['Creating', 'Creating', 'InService'] });
    world.addEndpoint(STAGING_2);
    world.addEndpoint(STAGING_3, { statuses: ['Updating', 'InService'] });

    // WHEN (the fake clock is shared: one account's wait would count as another's latency under a tight bound)
    const report = await run({ accounts: [STAGING, STAGING_2, STAGING_3], definition: { ...CSV, maxLatencyMs: 60_000 } });

    // THEN
    expect(world.sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 3);
    for (const account of [STAGING, STAGING_2, STAGING_3]) {
      expect(world.sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
        RoleArn: `arn:aws:iam::${account}:role/churn-staging-test`,
        RoleSessionName: `staging-test-${account}`,
      });
    }
    expect(world.runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 9);
    expect(report.accounts.map((a) => a.account)).toEqual([STAGING, STAGING_2, STAGING_3]);
    expect(report.accounts.every((a) => a.passed && a.invocations.length === 3)).toBe(true);
    expect(report.passed).toBe(true);
  });

  it('tests accounts concurrently up to the bound, so that a slow account does not hold up the others', async () => {
    // GIVEN the first account's endpoint is still Creating, and its wait only ends when released
    world.addEndpoint(STAGING, { statuses: ['Creating', 'InService'] });
    world.addEndpoint(STAGING_2);
    world.addEndpoint(STAGING_3);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));

    // WHEN two accounts may run at a time
    const running = run({ accounts: [STAGING, STAGING_2, STAGING_3], concurrency: 2, sleep: () => released });

    // THEN the other two accounts are tested while the first waits, one after the other in the free slot
    await vi.waitFor(() => expect(world.runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 6));
    expect(world.describeOrder).toEqual([STAGING, STAGING_2, STAGING_3]);
    release();
    const report = await running;
    expect(report.accounts.map((a) => [a.account, a.passed])).toEqual([
      [STAGING, true],
      [STAGING_2, true],
      [STAGING_3, true],
    ]);
  });

  it('tests one account at a time when the concurrency is 1', async () => {
    world.addEndpoint(STAGING, { statuses: ['Creating', 'InService'] });
    world.addEndpoint(STAGING_2);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));

    const running = run({ accounts: [STAGING, STAGING_2], concurrency: 1, sleep: () => released });
    await vi.waitFor(() => expect(world.describeOrder).toEqual([STAGING]));
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(world.sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    release();
    expect((await running).passed).toBe(true);
    expect(world.sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('fails only the account whose test role cannot be assumed', async () => {
    // GIVEN the second account's role does not trust the caller
    world.addEndpoint(STAGING);
    world.addEndpoint(STAGING_2);
    world.untrusted.add(STAGING_2);

    // WHEN
    const report = await run({ accounts: [STAGING, STAGING_2] });

    // THEN
    expect(report.passed).toBe(false);
    expect(report.accounts[0].passed).toBe(true);
    expect(report.accounts[1]).toMatchObject({ account: STAGING_2, passed: false, endpointStatus: null, invocations: [] });
    expect(report.accounts[1].failure).toMatch(
      /^cannot assume the test role arn:aws:iam::333333333333:role\/churn-staging-test: Access denied: sts:AssumeRole .*\(the role must exist in account 333333333333 and trust the role running this test\)$/,
    );
  });

  it('builds the role ARN in the partition of the region', async () => {
    world.addEndpoint(STAGING);

    await run({ region: 'cn-north-1' });

    expect(world.sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: `arn:aws-cn:iam::${STAGING}:role/churn-staging-test` });
  });

  it('gives the clients credentials that are assumed again shortly before they expire', async () => {
    // GIVEN credentials valid for 10 minutes
    world.credentialsLifetimeMs = 10 * 60_000;
    world.addEndpoint(STAGING);
    let provider: CredentialsProvider | undefined;
    const options = world.options();

    // WHEN the test runs and, later, a client asks for credentials
    await run({
      sagemakerFor: (credentials, region) => {
        provider = credentials;
        return options.sagemakerFor(credentials, region);
      },
    });
    const early = await provider!();
    world.time += 6 * 60_000;
    const late = await provider!();

    // THEN the role is assumed again once within 5 minutes of expiry
    expect(early.accessKeyId).toBe(`ASIA${STAGING}`);
    expect(late.expiration!.getTime()).toBeGreaterThan(early.expiration!.getTime());
    expect(world.sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('reads payloadFile relative to the source directory and sends its bytes', async () => {
    // GIVEN
    mkdirSync(join(sourceDir, 'test'));
    const body = Buffer.from('{"instances": [[1.0, 2.0]]}\n');
    writeFileSync(join(sourceDir, 'test', 'payload.json'), body);
    world.addEndpoint(STAGING);

    // WHEN
    await run({ definition: { contentType: 'application/json', payloadFile: 'test/payload.json', invocations: 1 } });

    // THEN
    expect(world.runtime).toHaveReceivedCommandWith(InvokeEndpointCommand, { ContentType: 'application/json', Body: new Uint8Array(body) });
  });

  it('checks that the InService endpoint serves the model package the build chose, before invoking it', async () => {
    world.addEndpoint(STAGING);

    const report = await run({ modelPackageArn: SERVED_MODEL_PACKAGE });

    expect(report.passed).toBe(true);
    expect(world.sagemaker).toHaveReceivedCommandWith(DescribeEndpointConfigCommand, { EndpointConfigName: `config-${STAGING}` });
    expect(world.sagemaker).toHaveReceivedCommandWith(DescribeModelCommand, { ModelName: `model-${STAGING}-0` });
  });

  it('fails when the endpoint serves another model package, naming both, without invoking it', async () => {
    // GIVEN an endpoint still serving version 6 (the deploy stage did not update it), next to a good one
    const older = SERVED_MODEL_PACKAGE.replace(/\/7$/, '/6');
    world.addEndpoint(STAGING, { modelPackages: [older] });
    world.addEndpoint(STAGING_2);

    // WHEN
    const report = await run({ accounts: [STAGING, STAGING_2], modelPackageArn: SERVED_MODEL_PACKAGE });

    // THEN
    expect(report.passed).toBe(false);
    expect(report.accounts[0]).toMatchObject({ passed: false, endpointStatus: 'InService', invocations: [] });
    expect(report.accounts[0].failure).toMatch(
      new RegExp(`serves ${older} \\(variant variant-0, model model-${STAGING}-0\\), not ${SERVED_MODEL_PACKAGE}`),
    );
    expect(report.accounts[1].passed).toBe(true);
    expect(world.runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 3);
  });

  it('fails when a variant of the endpoint serves a model that is not built from a model package', async () => {
    world.addEndpoint(STAGING, { modelPackages: [SERVED_MODEL_PACKAGE, undefined] });

    const report = await run({ modelPackageArn: SERVED_MODEL_PACKAGE });

    expect(report.accounts[0].failure).toMatch(/serves a model built from no model package \(variant variant-1, model model-222222222222-1\)/);
  });

  it('fails when the test role may not describe the model, naming the action', async () => {
    world.addEndpoint(STAGING);
    world.sagemaker.on(DescribeModelCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: sagemaker:DescribeModel', 400));

    const report = await run({ modelPackageArn: SERVED_MODEL_PACKAGE });

    expect(report.accounts[0].failure).toMatch(/Access denied: sagemaker:DescribeModel on arn:aws:sagemaker:eu-west-1:222222222222:model\/model-222222222222-0/);
  });

  it('fails when the payload file is missing, before any AWS call', async () => {
    const error = await run({ definition: { contentType: 'text/csv', payloadFile: 'test/missing.csv' } }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeployRepositoryFileError);
    expect((error as DeployRepositoryFileError).problems).toEqual([
      `test/staging-test.json: payloadFile: "test/missing.csv" not found in the deploy repository (${sourceDir}): add the file or fix the path (relative to the repository root)`,
    ]);
    expect(world.sts).not.toHaveReceivedAnyCommand();
  });

  it('fails when the payload file is larger than the 6 MB InvokeEndpoint accepts, before any AWS call', async () => {
    // GIVEN a payload one byte above 6 MiB (botocore's sagemaker-runtime model: InvokeEndpointInput.Body, max 6291456)
    mkdirSync(join(sourceDir, 'test'), { recursive: true });
    writeFileSync(join(sourceDir, 'test/large.csv'), Buffer.alloc(6 * 1024 * 1024 + 1, '1'));

    // WHEN
    const error = await run({ definition: { contentType: 'text/csv', payloadFile: 'test/large.csv' } }).catch((e: unknown) => e);

    // THEN
    expect(error).toBeInstanceOf(DeployRepositoryFileError);
    expect((error as DeployRepositoryFileError).problems).toEqual([
      expect.stringMatching(/^test\/staging-test\.json: payloadFile: "test\/large\.csv" is 6291457 bytes: InvokeEndpoint accepts at most 6291456 bytes \(6 MB\)/),
    ]);
    expect(world.sts).not.toHaveReceivedAnyCommand();
  });

  it('sends a payload of exactly 6 MB', async () => {
    mkdirSync(join(sourceDir, 'test'), { recursive: true });
    writeFileSync(join(sourceDir, 'test/large.csv'), Buffer.alloc(6 * 1024 * 1024, '1'));
    world.addEndpoint(STAGING);

    const report = await run({ definition: { contentType: 'text/csv', payloadFile: 'test/large.csv', invocations: 1 } });

    expect(report.passed).toBe(true);
  });

  it('fails when an inline payload is larger than 6 MB, before any AWS call', async () => {
    const error = await run({ definition: { contentType: 'text/csv', payload: '1'.repeat(6 * 1024 * 1024 + 1) } }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeployRepositoryFileError);
    expect((error as DeployRepositoryFileError).problems).toEqual([expect.stringMatching(/payload: is 6291457 bytes: InvokeEndpoint accepts at most 6291456 bytes/)]);
    expect(world.sts).not.toHaveReceivedAnyCommand();
  });

  it('fails when the definition is invalid, before any AWS call', async () => {
    await expect(run({ definition: { contentType: 'csv', payload: 'x', invocations: 0 } })).rejects.toThrow(DeployRepositoryFileError);
    expect(world.sts).not.toHaveReceivedAnyCommand();
  });

  it.each([
    [{ accounts: [] }, /accounts is empty/],
    [{ accounts: ['12345'] }, /not 12-digit AWS account ids: 12345/],
    [{ accounts: [STAGING, STAGING] }, /listed twice/],
  ])('fails when the options are %j', async (overrides, message) => {
    await expect(run(overrides)).rejects.toThrow(message);
  });
});

describe('staging test reports', () => {
  it('writes one valid JSON document for several accounts, replacing an earlier report', async () => {
    // GIVEN two accounts, one failing, and a report left by an earlier run
    world.addEndpoint(STAGING);
    world.addEndpoint(STAGING_2, { statuses: ['Failed'], failureReason: 'ping failed' });
    const reportPath = join(sourceDir, 'out', 'staging-test-report.json');
    const junitPath = join(sourceDir, 'out', 'staging-test-junit.xml');
    writeStagingTestReports(failedStagingTestReport('earlier run'), { reportPath, junitPath });

    // WHEN
    const report = await run({ accounts: [STAGING, STAGING_2] });
    writeStagingTestReports(report, { reportPath, junitPath });

    // THEN the file is exactly this run's report
    const written = JSON.parse(readFileSync(reportPath, 'utf8'));
    expect(written).toEqual(JSON.parse(JSON.stringify(report)));
    expect(written).toMatchObject({
      endpointName: ENDPOINT,
      region: REGION,
      startedAt: '2026-01-01T12:00:00.000Z',
      passed: false,
      accounts: [
        { account: STAGING, passed: true, endpointStatus: 'InService', dataCaptureEnabled: true, p50LatencyMs: 50, maxLatencyMs: 50 },
        { account: STAGING_2, passed: false, endpointStatus: 'Failed', invocations: [], p50LatencyMs: null, maxLatencyMs: null },
      ],
    });
    expect(Date.parse(written.finishedAt)).toBeGreaterThanOrEqual(Date.parse(written.startedAt));
    assertWellFormedXml(readFileSync(junitPath, 'utf8'));
  });

  it('writes JUnit XML with one testsuite, one testcase per account and a failure element for a failed one', async () => {
    // GIVEN a failure reason with characters that XML must escape
    world.addEndpoint(STAGING);
    world.addEndpoint(STAGING_2, { statuses: ['Failed'], failureReason: 'Container <main> & "sidecar" didn\'t pass ping\u0007' });

    // WHEN
    const xml = formatStagingTestJUnit(await run({ accounts: [STAGING, STAGING_2] }));

    // THEN
    assertWellFormedXml(xml);
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    expect(xml).toContain('tests="2" failures="1"');
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml).toMatch(new RegExp(`<testcase classname="staging-test.${ENDPOINT}" name="${STAGING}" time="[\\d.]+">\\n {6}<system-out>`));
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml).toContain(
      `<failure message="endpoint ${ENDPOINT} is Failed in account ${STAGING_2} (${REGION}): Container &lt;main&gt; &amp; &quot;sidecar&quot; didn&apos;t pass ping\uFFFD" type="StagingTestFailure">`,
    );
  });

  it('writes a failing configuration testcase when the test could not run', () => {
    const report = failedStagingTestReport('STAGE_ACCOUNTS is missing', { now: () => Date.UTC(2026, 0, 1) });

    const xml = formatStagingTestJUnit(report);

    assertWellFormedXml(xml);
    expect(report).toEqual({
      endpointName: '',
      region: '',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:00.000Z',
      passed: false,
      latencyBoundMs: null,
      accounts: [],
      error: 'STAGE_ACCOUNTS is missing',
    });
    expect(xml).toContain('<testcase classname="staging-test" name="configuration" time="0.000">');
    expect(xml).toContain('<failure message="STAGE_ACCOUNTS is missing" type="StagingTestFailure">');
    expect(formatStagingTestSummary(report)).toBe('FAILED: STAGE_ACCOUNTS is missing');
  });

  it('sums up each account on its own line', async () => {
    world.addEndpoint(STAGING);
    world.addEndpoint(STAGING_2, { statuses: ['OutOfService'] });

    const summary = formatStagingTestSummary(await run({ accounts: [STAGING, STAGING_2] }));

    expect(summary).toBe(
      [
        `FAILED: endpoint ${ENDPOINT} in ${REGION}, 1 of 2 accounts passed`,
        `  ${STAGING}: passed (InService, p50 50 ms, max 50 ms, data capture on)`,
        `  ${STAGING_2}: FAILED: endpoint ${ENDPOINT} is OutOfService in account ${STAGING_2} (${REGION})`,
      ].join('\n'),
    );
  });
});
