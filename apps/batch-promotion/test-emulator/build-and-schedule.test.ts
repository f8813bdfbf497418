import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreatePipelineCommand, SageMakerClient, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { DUMMY_ACCOUNTS, DUMMY_REGION, motoRequired, policyForMoto, rolePolicyFromTemplate, startMoto, type MotoServer } from '@sagemaker-mlops/test-utils';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promotionBundlePath } from '@sagemaker-mlops/pipelines';
import { promotionSettings } from '../src/constructs/promotion-pipeline';
import { prepareSeedCode } from '../src/seed';
import { load, MULTI_ACCOUNT, synth } from '../test/fixtures';

const DEV = DUMMY_ACCOUNTS.tooling;

async function statusOf(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
    return 200;
  } catch (error) {
    return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  }
}

/**
 * The Build step (the bundled `pipeline-promotion build`, on the seeded repository) as the synthesized Build role, and
 * the stage schedule's role, against moto with IAM enforcement.
 */
describe.skipIf(!motoRequired())('the Build role and the schedule role against the AWS emulator', () => {
  let moto: MotoServer;
  const { stack } = synth(MULTI_ACCOUNT);
  const { config } = load(MULTI_ACCOUNT);
  const bucket = config.devBucketName;

  beforeAll(async () => {
    moto = await startMoto(DUMMY_REGION, { initialNoAuthActionCount: Number.MAX_SAFE_INTEGER, maxRequests: 500 });
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('builds the seeded repository as the Build role: uploads the release, writes the template configurations', async () => {
    await moto.relaxIam();
    const template = Template.fromStack(stack).toJSON();
    const bucketId = Object.keys(template.Resources).find((k) => template.Resources[k].Properties?.BucketName === bucket)!;
    const roleId = Object.keys(template.Resources).find((k) => k.startsWith('PromotionBuildRole'))!;
    const admin = await moto.adminCredentials(DEV);
    await new S3Client(moto.clientConfig({ credentials: admin })).send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: DUMMY_REGION } }));
    const policy = policyForMoto(rolePolicyFromTemplate(template, roleId, { account: DEV, region: DUMMY_REGION, refs: { [bucketId]: bucket } }));
    const asBuild = await moto.assumeRole(admin, await moto.createRole(admin, 'build', policy), 'build');
    await moto.enforceIam();

    const repo = prepareSeedCode(config, mkdtempSync(join(tmpdir(), 'emulated-repo-')));
    const settings = promotionSettings(config, `arn:aws:iam::${DEV}:role/${config.devPipelineRole.kind === 'created' ? config.devPipelineRole.name : ''}`);
    const result = spawnSync(process.execPath, [join(promotionBundlePath(), 'index.cjs'), 'build'], {
      cwd: repo,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...moto.childEnv(asBuild, DUMMY_REGION), PROMOTION: JSON.stringify(settings), OUTPUT_DIR: 'build-output' },
    });
    expect(result.status, result.stderr + result.stdout).toBe(0);
    const configuration = JSON.parse(readFileSync(join(repo, 'build-output', 'prod-template-configuration.json'), 'utf8'));
    const definition = await new S3Client(moto.clientConfig({ credentials: admin })).send(new GetObjectCommand({ Bucket: bucket, Key: configuration.Parameters.PipelineDefinitionKey }));
    expect(await definition.Body!.transformToString()).toContain('abalone-p-abc123def456-prod-sm-execution');
    // The Build role cannot overwrite what dev recorded as run.
    const s3 = new S3Client(moto.clientConfig({ credentials: asBuild }));
    expect(await statusOf(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'releases/dev-runs/x.json', Body: '{}' })))).toBe(403);
  });

  it('lets the schedule role start the stage pipeline and nothing else', async () => {
    await moto.relaxIam();
    const template = Template.fromStack(stack.template.stageStack).toJSON();
    const roleId = Object.keys(template.Resources).find((k) => k.startsWith('ScheduleRole'))!;
    const stageAccount = DUMMY_ACCOUNTS.prod;
    const policy = policyForMoto(rolePolicyFromTemplate(template, roleId, { account: stageAccount, region: DUMMY_REGION, refs: { StageName: 'prod' } }));
    const admin = await moto.adminCredentials(stageAccount);
    const pipelineName = 'abalone-p-abc123def456-prod-pipeline';
    await new SageMakerClient(moto.clientConfig({ credentials: admin })).send(
      new CreatePipelineCommand({
        PipelineName: pipelineName,
        PipelineDefinition: JSON.stringify({ Version: '2020-12-01', Metadata: {}, Parameters: [], Steps: [] }),
        RoleArn: `arn:aws:iam::${stageAccount}:role/abalone-p-abc123def456-prod-sm-execution`,
        ClientRequestToken: 'batch-promotion-emulator-create-prod',
      }),
    );
    const asSchedule = await moto.assumeRole(admin, await moto.createRole(admin, 'scheduler', policy), 'events');
    await moto.enforceIam();
    const sagemaker = new SageMakerClient(moto.clientConfig({ credentials: asSchedule }));
    expect(await statusOf(sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: pipelineName, ClientRequestToken: 'batch-promotion-emulator-start-prod' })))).toBe(200);
    expect(
      await statusOf(sagemaker.send(new CreatePipelineCommand({ PipelineName: 'other', PipelineDefinition: '{}', RoleArn: `arn:aws:iam::${stageAccount}:role/x`, ClientRequestToken: 'batch-promotion-emulator-create-other' }))),
    ).toBe(403);
  });
});
