import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribePipelineCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DUMMY_ACCOUNTS, DUMMY_REGION, motoRequired, policyForMoto, rolePolicyFromTemplate, startMoto, type MotoCredentials, type MotoServer } from '@sagemaker-mlops/test-utils';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promotionBundlePath } from '@sagemaker-mlops/pipelines';
import { MULTI_ACCOUNT, synth } from '../test/fixtures';

const DEV = DUMMY_ACCOUNTS.tooling;
const DEFINITION = JSON.stringify({ Version: '2020-12-01', Metadata: {}, Parameters: [{ Name: 'MseThreshold', Type: 'Float', DefaultValue: 8 }], Steps: [] });

/** The HTTP status of a call (moto answers a denied call with 403). */
async function statusOf(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
    return 200;
  } catch (error) {
    const e = error as { $metadata?: { httpStatusCode?: number } };
    return e.$metadata?.httpStatusCode;
  }
}

/**
 * The RunInDev step as CodeBuild runs it: the bundled `pipeline-promotion run-dev` tool, as a child process, with the
 * statements of the synthesized RunInDev role, against moto with IAM enforcement.
 */
describe.skipIf(!motoRequired())('RunInDev against the AWS emulator', () => {
  let moto: MotoServer;
  let asRunner: MotoCredentials;
  const { stack } = synth(MULTI_ACCOUNT);
  const bucket = `p-abc123def456-dev-artifacts-${DEV}`;
  const devPipeline = 'abalone-p-abc123def456-dev-pipeline';
  const devRole = `arn:aws:iam::${DEV}:role/abalone-p-abc123def456-dev-sm-execution`;
  const marker = `s3://${bucket}/releases/dev-runs/0123456789abcdef.json`;
  let work: string;

  beforeAll(async () => {
    const template = Template.fromStack(stack).toJSON();
    const id = (prefix: string) => Object.keys(template.Resources).find((k) => k.startsWith(prefix))!;
    const policy = policyForMoto(
      rolePolicyFromTemplate(template, id('PromotionRunInDevRole'), { account: DEV, region: DUMMY_REGION, refs: { [Object.keys(template.Resources).find((k) => template.Resources[k].Properties?.BucketName === bucket)!]: bucket } }),
      // moto does not evaluate iam:PassedToService; the unit tests assert the condition.
      { conditions: { 'iam:PassedToService': (s) => s } },
    );
    moto = await startMoto(DUMMY_REGION, { initialNoAuthActionCount: Number.MAX_SAFE_INTEGER, maxRequests: 500 });
    const admin = await moto.adminCredentials(DEV);
    await new S3Client(moto.clientConfig({ credentials: admin })).send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: DUMMY_REGION } }));
    asRunner = await moto.assumeRole(admin, await moto.createRole(admin, 'run-in-dev', policy), 'run-in-dev');
    await moto.enforceIam();
    work = mkdtempSync(join(tmpdir(), 'run-in-dev-'));
    writeFileSync(join(work, 'dev-definition.json'), DEFINITION);
    mkdirSync(join(work, 'data'));
    writeFileSync(join(work, 'data', 'abalone.csv'), '1,2,3\n');
  });
  afterAll(async () => {
    await moto?.stop();
  });

  const runTool = () =>
    spawnSync(
      process.execPath,
      [
        join(promotionBundlePath(), 'index.cjs'),
        'run-dev',
        '--definition', 'dev-definition.json',
        '--pipeline-name', devPipeline,
        '--role-arn', devRole,
        '--upload', `data=s3://${bucket}/${devPipeline}/data/`,
        '--timeout-minutes', '1',
      ],
      { cwd: work, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...moto.childEnv(asRunner, DUMMY_REGION), DEV_RUN_MARKER: marker } },
    );

  it('uploads the data, creates and runs the dev pipeline as that role, and records the release', async () => {
    const result = runTool();
    expect(result.status, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toMatch(/execution status: Succeeded/);
    const s3 = new S3Client(moto.clientConfig({ credentials: asRunner }));
    expect(await statusOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'releases/dev-runs/0123456789abcdef.json' })))).toBe(200);
    const sagemaker = new SageMakerClient(moto.clientConfig({ credentials: asRunner }));
    expect((await sagemaker.send(new DescribePipelineCommand({ PipelineName: devPipeline }))).PipelineArn).toContain(devPipeline);
  });

  it('skips a release that already succeeded (no second execution)', () => {
    const result = runTool();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/release already succeeded in dev/);
    expect(result.stdout).not.toMatch(/execution started/);
  });

  it('may not write the releases the stages read (only the Build role may)', async () => {
    const s3 = new S3Client(moto.clientConfig({ credentials: asRunner }));
    expect(await statusOf(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'releases/code/x/evaluate.py', Body: 'x' })))).toBe(403);
  });
});
