import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateModelPackageGroupCommand, DescribePipelineCommand, ListTagsCommand, SageMakerClient, UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { DUMMY_REGION, motoRequired, policyForMoto, resolveIntrinsics, rolePolicyFromTemplate, startMoto, type MotoCredentials, type MotoServer } from '@sagemaker-mlops/test-utils';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSeedCode } from '../src/seed';
import { ACCOUNTS, synth, templates } from '../test/fixtures';

const PIPELINES_PACKAGE_DIR = join(__dirname, '..', '..', '..', 'packages', 'pipelines');
const PROJECT = { SageMakerProjectName: 'churn', SageMakerProjectId: 'p-abc123def456' };
const BUCKET = 'sc-111111111111-pp-abc-artifacts';
const EXEC_ROLE = 'churn-sagemaker-execution';

async function statusOf(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
    return 200;
  } catch (error) {
    const e = error as { $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } };
    return e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  }
}

/** The seeded build repository after `npm install`, offline: the workspace pipelines package and its bin link. */
function checkout(): string {
  const dir = prepareSeedCode('build');
  mkdirSync(join(dir, 'node_modules', '@sagemaker-mlops'), { recursive: true });
  symlinkSync(PIPELINES_PACKAGE_DIR, join(dir, 'node_modules', '@sagemaker-mlops', 'pipelines'), 'dir');
  const bin = JSON.parse(readFileSync(join(PIPELINES_PACKAGE_DIR, 'package.json'), 'utf8')).bin as Record<string, string>;
  mkdirSync(join(dir, 'node_modules', '.bin'));
  for (const [name, target] of Object.entries(bin)) {
    const link = join(dir, 'node_modules', '.bin', name);
    writeFileSync(link, `#!/bin/sh\nexec node "${join(dir, 'node_modules', '@sagemaker-mlops', 'pipelines', target)}" "$@"\n`);
    chmodSync(link, 0o755);
  }
  return dir;
}

function run(command: string, cwd: string, env: Record<string, string>) {
  return spawnSync('bash', ['-eo', 'pipefail', '-c', command], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, npm_config_cache: join(cwd, '.npm'), npm_config_offline: 'true', NODE_NO_WARNINGS: '1', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/**
 * The project's build role, with the statements of the synthesized product template, against moto with IAM
 * enforcement: the seeded buildspec's render and pipeline-run commands upload the scripts, create, tag and
 * run the SageMaker pipeline with it; it cannot write to the model registry.
 */
describe.skipIf(!motoRequired())('the build role of a project against the AWS emulator', () => {
  let moto: MotoServer;
  let asBuild: MotoCredentials;
  let admin: MotoCredentials;
  let env: Record<string, string>;

  beforeAll(async () => {
    const { product } = templates(synth().stack);
    const template = product.toJSON();
    const idOf = (prefix: string, type: string) =>
      Object.keys(template.Resources).find((id) => id.startsWith(prefix) && !id.includes('AccessLogs') && template.Resources[id].Type === type)!;
    const bucketId = idOf('SharedS3Artifact', 'AWS::S3::Bucket');
    const execId = idOf('BuildSageMakerExecutionRole', 'AWS::IAM::Role');
    const values = {
      account: ACCOUNTS.dev,
      region: DUMMY_REGION,
      refs: { ...PROJECT, [bucketId]: BUCKET, [execId]: EXEC_ROLE },
      getAtts: { [`${bucketId}.Arn`]: `arn:aws:s3:::${BUCKET}`, [`${execId}.Arn`]: `arn:aws:iam::${ACCOUNTS.dev}:role/sagemaker-project/${EXEC_ROLE}` },
    };
    const policy = policyForMoto(rolePolicyFromTemplate(template, idOf('BuildBuildRole', 'AWS::IAM::Role'), values), {
      // moto does not evaluate iam:PassedToService; the unit tests assert the condition.
      conditions: { 'iam:PassedToService': (statement) => statement },
    });
    const project = Object.values(template.Resources as Record<string, any>).find(
      (r) => r.Type === 'AWS::CodeBuild::Project' && JSON.stringify(r.Properties.Name).includes('"build"'),
    );
    env = Object.fromEntries(project.Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, String(resolveIntrinsics(v.Value, template, values))]));

    moto = await startMoto(DUMMY_REGION, { initialNoAuthActionCount: Number.MAX_SAFE_INTEGER, maxRequests: 500 });
    admin = await moto.adminCredentials(ACCOUNTS.dev);
    asBuild = await moto.assumeRole(admin, await moto.createRole(admin, 'churn-build-project', policy), 'codebuild');
    await moto.createRole(admin, EXEC_ROLE, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    await new S3Client(moto.clientConfig({ credentials: admin })).send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: DUMMY_REGION } }));
    await moto.enforceIam();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('runs the seeded buildspec: uploads the scripts, creates the tagged SageMaker pipeline <name>-<id> and runs it', async () => {
    const dir = checkout();
    const buildspec = parse(readFileSync(join(dir, 'buildspec.yml'), 'utf8'));
    const [render, pipelineRun] = buildspec.phases.build.commands as string[];
    const childEnv = { ...env, ...moto.childEnv(asBuild, DUMMY_REGION), CODEBUILD_BUILD_ID: 'churn-build:1' };
    const rendered = run(render, dir, childEnv);
    expect(rendered.status, rendered.stderr).toBe(0);
    const out = run(pipelineRun, dir, childEnv);
    expect({ status: out.status, stderr: out.stderr }).toEqual({ status: 0, stderr: '' });
    expect(out.stdout).toContain('[pipeline-run] execution status: Succeeded');

    const sagemaker = new SageMakerClient(moto.clientConfig({ credentials: admin }));
    const described = await sagemaker.send(new DescribePipelineCommand({ PipelineName: 'churn-p-abc123def456' }));
    expect(described.RoleArn).toBe(env.SAGEMAKER_PIPELINE_ROLE_ARN);
    const tags = await sagemaker.send(new ListTagsCommand({ ResourceArn: described.PipelineArn }));
    expect(tags.Tags).toEqual(expect.arrayContaining([{ Key: 'sagemaker:project-name', Value: 'churn' }, { Key: 'sagemaker:project-id', Value: 'p-abc123def456' }]));
    const objects = await new S3Client(moto.clientConfig({ credentials: admin })).send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'churn-p-abc123def456/' }));
    expect(objects.Contents?.map((o) => o.Key)).toEqual(expect.arrayContaining(['churn-p-abc123def456/code/preprocess.py', 'churn-p-abc123def456/code/evaluate.py']));
  }, 180_000);

  it('cannot write to the model registry', async () => {
    const sagemaker = new SageMakerClient(moto.clientConfig({ credentials: asBuild }));
    expect(await statusOf(sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'other' })))).toBe(403);
    expect(
      await statusOf(
        sagemaker.send(
          new UpdateModelPackageCommand({ ModelPackageArn: `arn:aws:sagemaker:${DUMMY_REGION}:${ACCOUNTS.dev}:model-package/churn-p-abc123def456/1`, ModelApprovalStatus: 'Approved' }),
        ),
      ),
    ).toBe(403);
  });
});
