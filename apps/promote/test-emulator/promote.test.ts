import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient, UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { bundlePath, parsePromoteEnvironment, promote, type PromoteEnvironment, type PromotionReport } from '@sagemaker-mlops/registry';
import {
  allowedActions,
  motoRequired,
  policyForMoto,
  startMoto,
  withoutAction,
  type MotoCredentials,
  type MotoServer,
  type PolicyDocument,
} from '@sagemaker-mlops/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIPELINE_PARAMETERS, synth } from '../test/fixtures';
import {
  clients,
  createSourceWorld,
  createTargetBucket,
  LARGE_OBJECT_BYTES,
  promotePolicyForMoto,
  REGION,
  SOURCE_ACCOUNT,
  statementsOnAccount,
  synthesized,
  TARGET_ACCOUNT,
  targetState,
  type SourceVersion,
  type SynthesizedPromotion,
} from './world';

const MIB = 1024 * 1024;
const run = promisify(execFile);

/**
 * The promote tool and the cleanup handler of the synthesized promote module, run against moto with
 * IAM enforced: every call is made as a role holding the identity policy taken from the template, so a
 * call the template does not grant fails here (moto checks actions, and the resources of S3).
 */
describe.skipIf(!motoRequired())('promote against the AWS emulator, as the roles of the synthesized template', () => {
  let synthesizedStack: SynthesizedPromotion;
  let environment: PromoteEnvironment;
  let groupName: string;
  let targetPolicy: PolicyDocument;
  let sourcePolicy: PolicyDocument;
  let moto: MotoServer;
  let versions: SourceVersion[];
  let asTarget: MotoCredentials;
  let asSource: MotoCredentials;
  let asTargetWithoutDescribeGroup: MotoCredentials;
  let asCleanup: MotoCredentials;
  const reports: PromotionReport[] = [];

  async function promoteAs(target: MotoCredentials): Promise<PromotionReport> {
    const s3 = new S3Client(moto.clientConfig({ credentials: target }));
    return promote({
      clients: {
        sourceSageMaker: new SageMakerClient(moto.clientConfig({ credentials: asSource })),
        targetSageMaker: new SageMakerClient(moto.clientConfig({ credentials: target })),
        s3,
        // No image of the source account in the packages: ECR is never called.
        ecr: () => {
          throw new Error('ECR is not expected to be called');
        },
      },
      sourceGroupArn: environment.sourceGroup,
      targetAccount: environment.targetAccount ?? TARGET_ACCOUNT,
      targetGroupName: environment.targetGroupName,
      targetBucket: environment.targetBucket,
      kmsKeyArn: environment.kmsKeyArn,
      projectId: environment.projectId,
      projectName: environment.projectName,
      promotedBy: environment.promotedBy,
      // A lowered threshold so that a 6 MiB object takes the multipart path (UploadPartCopy) of a 6 GB one.
      copy: { multipartThresholdBytes: 5 * MIB, partSizeBytes: 5 * MIB },
      retry: { attempts: 1 },
    });
  }

  beforeAll(async () => {
    // GIVEN the module synthesized as its unit tests do, and its promote role's policy
    const { stack } = synth({ ...PIPELINE_PARAMETERS, retain_on_delete: false });
    synthesizedStack = synthesized(stack);
    environment = parsePromoteEnvironment(synthesizedStack.environment);
    groupName = environment.targetGroupName;
    targetPolicy = promotePolicyForMoto(synthesizedStack.promotePolicy);
    sourcePolicy = promotePolicyForMoto(statementsOnAccount(synthesizedStack.promotePolicy, SOURCE_ACCOUNT));
    moto = await startMoto(REGION, { initialNoAuthActionCount: Number.MAX_SAFE_INTEGER, maxRequests: 3000 });
    versions = await createSourceWorld(moto, environment.sourceGroup.name);
    await createTargetBucket(moto, environment.targetBucket);
    const targetAdmin = await moto.adminCredentials(TARGET_ACCOUNT);
    const sourceAdmin = await moto.adminCredentials(SOURCE_ACCOUNT);
    const roleAs = async (admin: MotoCredentials, name: string, policy: PolicyDocument) =>
      moto.assumeRole(admin, await moto.createRole(admin, name, policy), name);
    asTarget = await roleAs(targetAdmin, 'promote', targetPolicy);
    asSource = await roleAs(sourceAdmin, 'promote', sourcePolicy);
    asTargetWithoutDescribeGroup = await roleAs(targetAdmin, 'promote-without-describe-group', withoutAction(targetPolicy, 'sagemaker:DescribeModelPackageGroup'));
    asCleanup = await roleAs(targetAdmin, 'cleanup', policyForMoto(synthesizedStack.cleanupPolicy));
    // Setup ran unchecked; from here on every request is checked against the caller's policies.
    await moto.enforceIam();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('takes the roles from the template: the source side holds only the source-account statements', () => {
    expect(allowedActions(sourcePolicy)).toEqual(
      expect.arrayContaining(['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages', 's3:GetObject', 's3:ListBucket']),
    );
    expect(allowedActions(sourcePolicy)).not.toContain('sagemaker:CreateModelPackage');
    expect(allowedActions(targetPolicy)).toEqual(expect.arrayContaining(['sagemaker:CreateModelPackage', 's3:PutObject']));
  });

  it('promotes the latest approved version across accounts, with its objects, a prefix and a multipart copy', async () => {
    // WHEN
    const report = await promoteAs(asTarget);
    reports.push(report);

    // THEN v2, not v1 (older) nor v3 (pending)
    expect(report).toMatchObject({ status: 'promoted', sourceModelPackageArn: versions[1].arn, createdModelPackageGroup: true, rejected: [] });
    const copies = Object.fromEntries(report.copy.copied.map((c) => [c.targetUri, c]));
    expect(copies).toEqual({
      [`s3://${environment.targetBucket}/models/churn/v2/model.tar.gz`]: expect.objectContaining({ method: 'UploadPartCopy', sizeBytes: LARGE_OBJECT_BYTES }),
      [`s3://${environment.targetBucket}/models/churn/v2/code/inference handler+1.py`]: expect.objectContaining({ method: 'CopyObject' }),
      [`s3://${environment.targetBucket}/models/churn/v2/code/requirements.txt`]: expect.objectContaining({ method: 'CopyObject' }),
    });
    const state = await targetState(moto, groupName, environment.targetBucket);
    expect(state.objects.map((o) => [o.key, o.size])).toEqual([
      ['models/churn/v2/code/inference handler+1.py', 19],
      ['models/churn/v2/code/requirements.txt', 7],
      ['models/churn/v2/model.tar.gz', LARGE_OBJECT_BYTES],
    ]);
    expect(state.packages).toHaveLength(1);
    expect(state.packages[0]).toMatchObject({
      arn: report.targetModelPackageArn,
      status: 'Approved',
      inference: {
        Containers: [
          {
            ModelDataUrl: `s3://${environment.targetBucket}/models/churn/v2/model.tar.gz`,
            Environment: { SAGEMAKER_SUBMIT_DIRECTORY: `s3://${environment.targetBucket}/models/churn/v2/code/` },
          },
        ],
      },
      metadata: expect.objectContaining({ 'training-job': 'churn-2' }),
    });
    expect(JSON.stringify(state.packages[0].metadata)).toContain(versions[1].arn);
    // The validation specification of a source-account role, and its dataset, stayed behind.
    expect(JSON.stringify(state.packages[0])).not.toContain('validation/');
    expect(report.targetModelPackageArn.split(':')[4]).toBe(TARGET_ACCOUNT);
  });

  it('rejects the target copy when its source is rejected, and promotes the version approved before it', async () => {
    // GIVEN the source account rejects v2
    await moto.relaxIam();
    const sourceAdmin = clients(moto, await moto.adminCredentials(SOURCE_ACCOUNT));
    await sourceAdmin.sagemaker.send(new UpdateModelPackageCommand({ ModelPackageArn: versions[1].arn, ModelApprovalStatus: 'Rejected' }));
    await moto.enforceIam();

    // WHEN
    const report = await promoteAs(asTarget);
    reports.push(report);

    // THEN
    expect(report).toMatchObject({ status: 'promoted', sourceModelPackageArn: versions[0].arn, rejected: [reports[0].targetModelPackageArn] });
    await moto.relaxIam();
    const state = await targetState(moto, groupName, environment.targetBucket);
    await moto.enforceIam();
    expect(state.packages.map((p) => p.status)).toEqual(['Rejected', 'Approved']);
    expect(state.packages[0].approvalDescription).toMatch(/Rejected by promotion/i);
    expect(state.objects.map((o) => o.key)).toContain('models/churn/v1/model.tar.gz');
  });

  it('changes nothing when run again', async () => {
    // GIVEN
    await moto.relaxIam();
    const before = await targetState(moto, groupName, environment.targetBucket);
    await moto.enforceIam();

    // WHEN
    const report = await promoteAs(asTarget);

    // THEN
    expect(report).toMatchObject({ status: 'already-promoted', targetModelPackageArn: reports[1].targetModelPackageArn, rejected: [] });
    expect(report.copy).toEqual({ copied: [], skipped: [], bytesCopiedServerSide: 0 });
    await moto.relaxIam();
    expect(await targetState(moto, groupName, environment.targetBucket)).toEqual(before);
    await moto.enforceIam();
  });

  it('fails when the role lacks a statement of the template, with AccessDenied naming the action', async () => {
    const error = await promoteAs(asTargetWithoutDescribeGroup).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: expect.stringMatching(/AccessDenied/), message: expect.stringMatching(/sagemaker:DescribeModelPackageGroup/) });
  });

  it('the bundled cleanup handler, as the template\'s handler role, reads the target group and leaves what another promoter made', async () => {
    // GIVEN the custom resource's Delete event with the template's properties, for another promoter
    // (moto 5.2 does not implement DeleteModelPackage: the deletion itself stays covered by the
    // mocked unit tests of packages/registry/test/promote/cleanup.test.ts)
    const properties = { ...synthesizedStack.cleanupProperties, PromotedBy: 'another-promote-module' };
    await moto.relaxIam();
    const before = await targetState(moto, groupName, environment.targetBucket);
    await moto.enforceIam();

    // WHEN the shipped Lambda bundle runs as the handler role, its SDK pointed at moto by AWS_ENDPOINT_URL
    const response = await runCleanupBundle({ RequestType: 'Delete', PhysicalResourceId: 'cleanup', ResourceProperties: properties }, asCleanup);

    // THEN it read every package and the group's tags (granted), and deleted nothing
    expect(response).toEqual({ PhysicalResourceId: 'cleanup', Data: expect.objectContaining({ DeletedModelPackageGroup: 'false' }) });
    expect(JSON.stringify(response.Data)).not.toMatch(/arn:/);
    await moto.relaxIam();
    expect(await targetState(moto, groupName, environment.targetBucket)).toEqual(before);
    await moto.enforceIam();
  });

  it('fails when the cleanup handler\'s role lacks a statement of the template, naming the action', async () => {
    const role = await (async () => {
      await moto.relaxIam();
      const admin = await moto.adminCredentials(TARGET_ACCOUNT);
      const policy = withoutAction(policyForMoto(synthesizedStack.cleanupPolicy), 'sagemaker:ListModelPackages');
      const credentials = await moto.assumeRole(admin, await moto.createRole(admin, 'cleanup-without-list', policy));
      await moto.enforceIam();
      return credentials;
    })();
    await expect(
      runCleanupBundle({ RequestType: 'Delete', PhysicalResourceId: 'cleanup', ResourceProperties: synthesizedStack.cleanupProperties }, role),
    ).rejects.toThrow(/sagemaker:ListModelPackages/);
  });

  /** Runs the promote-cleanup Lambda bundle's handler in a child process, as `credentials`. */
  async function runCleanupBundle(event: object, credentials: MotoCredentials): Promise<any> {
    const dir = mkdtempSync(join(tmpdir(), 'promote-cleanup-'));
    try {
      const script =
        `require(${JSON.stringify(join(bundlePath('promote-cleanup'), 'index.cjs'))}).handler(${JSON.stringify(event)})` +
        '.then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e.name + ": " + e.message); process.exit(1); })';
      const { stdout } = await run(process.execPath, ['-e', script], { env: moto.childEnv(credentials), cwd: dir, timeout: 30_000 });
      return JSON.parse(stdout.trim().split('\n').pop()!);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
