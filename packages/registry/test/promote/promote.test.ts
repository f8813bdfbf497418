import { BatchGetImageCommand } from '@aws-sdk/client-ecr';
import { CopyObjectCommand, CreateMultipartUploadCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  UpdateModelPackageCommand,
  type CreateModelPackageInput,
} from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { ContainerImageNotPullableError, NoApprovedModelPackageError } from '../../src/errors';
import { buildCreateModelPackageInput, clientTokenFor } from '../../src/promote/promote';
import { collectS3Uris } from '../../src/promote/s3-uris';
import { awsError, fullModelPackageFields, SOURCE_ACCOUNT, TARGET_ACCOUNT } from '../fakes';
import { promoteWorld } from './world';

const OTHER_SOURCE_ACCOUNT = '555555555555';
const KMS_KEY = `arn:aws:kms:eu-west-1:${TARGET_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

describe('promote', () => {
  it('creates the target group and registers the latest approved package with its artifacts copied', async () => {
    // GIVEN two approved source versions, the newest last
    const world = promoteWorld();
    world.addSourceVersion('Approved', 'churn/v1');
    const latest = world.addSourceVersion('Approved', 'churn/v2');

    // WHEN
    const report = await world.run({ kmsKeyArn: KMS_KEY });

    // THEN the group is created, tagged for the project and the cleanup
    expect(world.mocks.targetSageMaker).toHaveReceivedCommandWith(CreateModelPackageGroupCommand, {
      ModelPackageGroupName: 'churn-prod',
      Tags: [
        { Key: 'sagemaker:project-id', Value: 'p-abc123' },
        { Key: 'sagemaker:project-name', Value: 'churn' },
        { Key: 'mlops:created-by', Value: 'mlops-churn-promote' },
      ],
    });
    // AND the package is registered approved, in the target bucket, with its lineage
    const input = world.mocks.targetSageMaker.commandCalls(CreateModelPackageCommand)[0].args[0].input as CreateModelPackageInput;
    expect(input).toMatchObject({
      ModelPackageGroupName: 'churn-prod',
      ModelApprovalStatus: 'Approved',
      ModelPackageDescription: 'Churn classifier',
      Domain: 'MACHINE_LEARNING',
      Task: 'CLASSIFICATION',
      SkipModelValidation: 'None',
      ModelLifeCycle: { Stage: 'Staging', StageStatus: 'Approved' },
      CustomerMetadataProperties: {
        team: 'risk',
        'mlops:source-model-package-arn': latest.ModelPackageArn,
        'mlops:promoted-by': 'mlops-churn-promote',
      },
      ClientToken: clientTokenFor(latest.ModelPackageArn, TARGET_ACCOUNT, 'churn-prod'),
    });
    expect(input.InferenceSpecification!.Containers![0].ModelDataUrl).toBe('s3://target-artifacts/churn/v2/model.tar.gz');
    expect(input.SamplePayloadUrl).toBe('s3://target-artifacts/churn/v2/sample-payload.tar.gz');
    expect(collectS3Uris(input).every((uri) => uri.startsWith('s3://target-artifacts/churn/v2/'))).toBe(true);
    // AND every artifact object is in the target bucket, encrypted with the key
    expect(report.copy.copied).toHaveLength(11);
    expect(world.s3.get('s3://target-artifacts/churn/v2/llm/weights-00001.safetensors')?.sse).toEqual({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY,
      BucketKeyEnabled: true,
    });
    expect(report).toMatchObject({
      status: 'promoted',
      sourceModelPackageArn: latest.ModelPackageArn,
      targetModelPackageArn: world.target.packages[0].ModelPackageArn,
      createdModelPackageGroup: true,
      rejected: [],
      checkedImages: [`${SOURCE_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/churn-inference:1.0`],
    });
  });

  it('registers the version without Tags and records the project in its customer metadata', async () => {
    // GIVEN a target registry that, like SageMaker, refuses Tags on a version of a group
    // (botocore's sagemaker model, CreateModelPackageInput.Tags: "you cannot supply a tag argument")
    const world = promoteWorld();
    world.addSourceVersion('Approved', 'churn/v1');

    // WHEN
    const report = await world.run();

    // THEN the version carries the project in its metadata; the group carries the tags
    expect(report.status).toBe('promoted');
    const input = world.mocks.targetSageMaker.commandCalls(CreateModelPackageCommand)[0].args[0].input as CreateModelPackageInput;
    expect(input).not.toHaveProperty('Tags');
    expect(input.CustomerMetadataProperties).toMatchObject({ 'mlops:project-id': 'p-abc123', 'mlops:project-name': 'churn' });
    expect(world.target.groups.get('churn-prod')?.tags).toEqual(
      expect.arrayContaining([
        { Key: 'sagemaker:project-id', Value: 'p-abc123' },
        { Key: 'sagemaker:project-name', Value: 'churn' },
      ]),
    );
  });

  it('registers a source version that has a SourceUri with its InferenceSpecification only', async () => {
    // GIVEN a version registered from a model of the source account (SourceUri names it)
    const world = promoteWorld();
    const v1 = world.addSourceVersion('Approved', 'churn/v1');
    v1.SourceUri = `arn:aws:sagemaker:eu-west-1:${SOURCE_ACCOUNT}:model/churn-model-1`;

    // WHEN
    const report = await world.run();

    // THEN the target version is defined by the copied InferenceSpecification alone
    expect(report.status).toBe('promoted');
    const input = world.mocks.targetSageMaker.commandCalls(CreateModelPackageCommand)[0].args[0].input as CreateModelPackageInput;
    expect(input).not.toHaveProperty('SourceUri');
    expect(input.InferenceSpecification?.Containers?.[0].ModelDataUrl).toBe('s3://target-artifacts/churn/v1/model.tar.gz');
  });

  it('copies no artifact of a validation specification it leaves behind, even one that no longer exists', async () => {
    // GIVEN a version whose validation specification runs as a source-account role (left behind),
    // and whose validation input is gone
    const world = promoteWorld();
    world.addSourceVersion('Approved', 'churn/v1');
    world.s3.objects.delete('s3://source-artifacts/churn/v1/validation-input/part-0.csv');

    // WHEN
    const report = await world.run();

    // THEN the promotion completes without the validation input
    expect(report.status).toBe('promoted');
    expect(report.copy.copied.map((c) => c.sourceUri)).not.toContain('s3://source-artifacts/churn/v1/validation-input/part-0.csv');
    expect(world.mocks.s3).not.toHaveReceivedCommandWith(ListObjectsV2Command, { Prefix: 'churn/v1/validation-input/' });
  });

  it('does nothing on a second run for the same package: no copy, no new version', async () => {
    // GIVEN a completed promotion
    const world = promoteWorld();
    world.addSourceVersion('Approved', 'churn/v1');
    const first = await world.run();
    world.resetHistory();

    // WHEN
    const second = await world.run();

    // THEN
    expect(second).toMatchObject({ status: 'already-promoted', targetModelPackageArn: first.targetModelPackageArn, rejected: [] });
    expect(second.copy).toEqual({ copied: [], skipped: [], bytesCopiedServerSide: 0 });
    expect(world.mocks.s3).not.toHaveReceivedAnyCommand();
    expect(world.mocks.targetSageMaker).not.toHaveReceivedCommand(CreateModelPackageCommand);
    expect(world.target.packages).toHaveLength(1);
  });

  it('rejects the target copy of a rejected source package, then promotes the latest approved one left', async () => {
    // GIVEN v2 promoted, then rejected in the source registry
    const world = promoteWorld();
    const v1 = world.addSourceVersion('Approved', 'churn/v1');
    const v2 = world.addSourceVersion('Approved', 'churn/v2');
    const first = await world.run();
    v2.ModelApprovalStatus = 'Rejected';

    // WHEN
    const report = await world.run();

    // THEN the copy of v2 is rejected, naming its source, and v1 becomes a new target version
    expect(world.mocks.targetSageMaker).toHaveReceivedCommandWith(UpdateModelPackageCommand, {
      ModelPackageArn: first.targetModelPackageArn,
      ModelApprovalStatus: 'Rejected',
      ApprovalDescription: `Rejected by promotion: source model package ${v2.ModelPackageArn} is Rejected`,
    });
    expect(world.target.find(first.targetModelPackageArn)?.ModelApprovalStatus).toBe('Rejected');
    expect(report).toMatchObject({ status: 'promoted', sourceModelPackageArn: v1.ModelPackageArn, rejected: [first.targetModelPackageArn] });
    expect(world.target.find(report.targetModelPackageArn)?.CustomerMetadataProperties?.['mlops:source-model-package-arn']).toBe(v1.ModelPackageArn);
  });

  it('approves the rejected copy again when its source is approved again, without a new version', async () => {
    // GIVEN v2 promoted, rejected (copy rejected), then approved again
    const world = promoteWorld();
    world.addSourceVersion('Approved', 'churn/v1');
    const v2 = world.addSourceVersion('Approved', 'churn/v2');
    const first = await world.run();
    v2.ModelApprovalStatus = 'Rejected';
    await world.run();
    v2.ModelApprovalStatus = 'Approved';
    world.resetHistory();

    // WHEN
    const report = await world.run();

    // THEN
    expect(report).toMatchObject({ status: 'reapproved', sourceModelPackageArn: v2.ModelPackageArn, targetModelPackageArn: first.targetModelPackageArn });
    expect(world.target.find(first.targetModelPackageArn)?.ModelApprovalStatus).toBe('Approved');
    expect(world.mocks.targetSageMaker).not.toHaveReceivedCommand(CreateModelPackageCommand);
    expect(report.copy.copied).toEqual([]);
  });

  it('leaves alone a copy that someone rejected in the target registry', async () => {
    // GIVEN
    const world = promoteWorld();
    world.addSourceVersion('Approved', 'churn/v1');
    const first = await world.run();
    const copy = world.target.find(first.targetModelPackageArn)!;
    copy.ModelApprovalStatus = 'Rejected';
    copy.ApprovalDescription = 'latency too high in prod';
    world.resetHistory();

    // WHEN
    const report = await world.run();

    // THEN
    expect(report.status).toBe('already-promoted');
    expect(report.warnings[0]).toMatch(/was not rejected by a promotion; it is left as is/);
    expect(world.mocks.targetSageMaker).not.toHaveReceivedCommand(UpdateModelPackageCommand);
    expect(world.mocks.targetSageMaker).not.toHaveReceivedCommand(CreateModelPackageCommand);
  });

  it('leaves alone copies that another promoter made, from another source group, without reading their sources', async () => {
    // GIVEN the target group also holds a copy made by another module from another account's group,
    // whose source this role may not read
    const world = promoteWorld();
    world.target.addGroup('churn-prod');
    const foreignSource = `arn:aws:sagemaker:eu-west-1:${OTHER_SOURCE_ACCOUNT}:model-package/churn-other/4`;
    const foreign = world.target.addPackage('churn-prod', {
      ModelApprovalStatus: 'Approved',
      CustomerMetadataProperties: { 'mlops:source-model-package-arn': foreignSource, 'mlops:promoted-by': 'mlops-other-promote' },
    });
    world.mocks.sourceSageMaker
      .on(DescribeModelPackageCommand, { ModelPackageName: foreignSource })
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: sagemaker:DescribeModelPackage', 400));
    world.addSourceVersion('Approved', 'churn/v1');

    // WHEN
    const report = await world.run();

    // THEN our promotion completes and the foreign copy is untouched
    expect(report.status).toBe('promoted');
    expect(world.mocks.sourceSageMaker).not.toHaveReceivedCommandWith(DescribeModelPackageCommand, { ModelPackageName: foreignSource });
    expect(world.mocks.targetSageMaker).not.toHaveReceivedCommandWith(UpdateModelPackageCommand, { ModelPackageArn: foreign.ModelPackageArn });
  });

  it('does not reject a copy of a rejected source that another promoter made from the same group', async () => {
    // GIVEN another module's copy of v1, rejected since in the source
    const world = promoteWorld();
    world.target.addGroup('churn-prod');
    const v1 = world.addSourceVersion('Rejected', 'churn/v1');
    world.addSourceVersion('Approved', 'churn/v2');
    const theirs = world.target.addPackage('churn-prod', {
      ModelApprovalStatus: 'Approved',
      CustomerMetadataProperties: { 'mlops:source-model-package-arn': v1.ModelPackageArn, 'mlops:promoted-by': 'mlops-other-promote' },
    });

    // WHEN
    const report = await world.run();

    // THEN
    expect(report.rejected).toEqual([]);
    expect(world.target.find(theirs.ModelPackageArn)?.ModelApprovalStatus).toBe('Approved');
  });

  it('warns, and goes on, when the source of one of its copies cannot be read', async () => {
    // GIVEN our copy of v1, whose source this role may no longer describe
    const world = promoteWorld();
    const v1 = world.addSourceVersion('Approved', 'churn/v1');
    await world.run();
    world.addSourceVersion('Approved', 'churn/v2');
    world.mocks.sourceSageMaker
      .on(DescribeModelPackageCommand, { ModelPackageName: v1.ModelPackageArn })
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: sagemaker:DescribeModelPackage', 400));

    // WHEN
    const report = await world.run();

    // THEN v2 is promoted and the warning names the source and the action
    expect(report.status).toBe('promoted');
    expect(report.warnings).toEqual([expect.stringMatching(new RegExp(`${v1.ModelPackageArn}.*sagemaker:DescribeModelPackage`))]);
  });

  it('fails when the customer metadata would exceed 50 entries, before copying or creating anything', async () => {
    // GIVEN a source version with 47 entries: with our 4 (source, promoter, project id and name) it would hold 51
    const world = promoteWorld();
    const v1 = world.addSourceVersion('Approved', 'churn/v1');
    v1.CustomerMetadataProperties = Object.fromEntries(Array.from({ length: 47 }, (_, i) => [`key-${i}`, 'value']));

    // WHEN / THEN
    await expect(world.run()).rejects.toThrow(
      /customer metadata.*47 entries.*adds 4 \(mlops:source-model-package-arn, mlops:promoted-by, mlops:project-id, mlops:project-name\).*51.*at most 50/,
    );
    expect(world.mocks.s3).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(world.mocks.targetSageMaker).not.toHaveReceivedCommand(CreateModelPackageGroupCommand);
    expect(world.mocks.targetSageMaker).not.toHaveReceivedCommand(CreateModelPackageCommand);
  });

  it('registers a version whose customer metadata reaches exactly 50 entries with ours', async () => {
    const world = promoteWorld();
    const v1 = world.addSourceVersion('Approved', 'churn/v1');
    v1.CustomerMetadataProperties = Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`key-${i}`, 'value']));

    const report = await world.run();

    expect(report.status).toBe('promoted');
    expect(Object.keys(world.target.find(report.targetModelPackageArn)!.CustomerMetadataProperties!)).toHaveLength(50);
  });

  it('fails when no source package is approved, and changes nothing in the target', async () => {
    // GIVEN
    const world = promoteWorld();
    world.addSourceVersion('PendingManualApproval', 'churn/v1');
    world.addSourceVersion('Rejected', 'churn/v2');

    // WHEN / THEN
    await expect(world.run()).rejects.toThrow(NoApprovedModelPackageError);
    expect(world.mocks.targetSageMaker).not.toHaveReceivedCommand(CreateModelPackageGroupCommand);
    expect(world.mocks.targetSageMaker).not.toHaveReceivedCommand(CreateModelPackageCommand);
    expect(world.mocks.targetSageMaker).not.toHaveReceivedCommand(UpdateModelPackageCommand);
    expect(world.mocks.s3).not.toHaveReceivedAnyCommand();
    expect(world.mocks.ecr).not.toHaveReceivedAnyCommand();
  });

  it('fails when the only approved package is rejected, after rejecting its copy', async () => {
    const world = promoteWorld();
    const v1 = world.addSourceVersion('Approved', 'churn/v1');
    const first = await world.run();
    v1.ModelApprovalStatus = 'Rejected';

    await expect(world.run()).rejects.toThrow(/No approved model package/);

    expect(world.target.find(first.targetModelPackageArn)?.ModelApprovalStatus).toBe('Rejected');
  });

  it('fails when a copy fails midway, registers nothing, and the next run completes the job', async () => {
    // GIVEN the copy of one artifact is denied once
    const world = promoteWorld();
    world.addSourceVersion('Approved', 'churn/v1');
    world.mocks.s3.on(CopyObjectCommand, { Key: 'churn/v1/sample-payload.tar.gz' }).rejectsOnce(awsError('AccessDenied', 'Access Denied', 403));

    // WHEN
    await expect(world.run({ copy: { concurrency: 1 } })).rejects.toThrow(/Access denied/);

    // THEN nothing is registered
    expect(world.mocks.targetSageMaker).not.toHaveReceivedCommand(CreateModelPackageCommand);
    expect(world.mocks.targetSageMaker).not.toHaveReceivedCommand(CreateModelPackageGroupCommand);

    // WHEN the next run starts
    world.s3.install(world.mocks.s3);
    const report = await world.run();

    // THEN it copies only what was missing and registers the package
    expect(report.status).toBe('promoted');
    expect(report.copy.skipped.length).toBeGreaterThan(0);
    expect(report.copy.copied.length + report.copy.skipped.length).toBe(11);
    expect(world.target.packages).toHaveLength(1);
  });

  it('fails when a source-account image cannot be pulled, before copying or registering anything', async () => {
    const world = promoteWorld();
    world.addSourceVersion('Approved', 'churn/v1');
    world.mocks.ecr.on(BatchGetImageCommand).rejects(awsError('AccessDeniedException', 'denied', 400));

    await expect(world.run()).rejects.toThrow(ContainerImageNotPullableError);

    expect(world.mocks.s3).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(world.mocks.s3).not.toHaveReceivedCommand(CreateMultipartUploadCommand);
    expect(world.mocks.targetSageMaker).not.toHaveReceivedCommand(CreateModelPackageCommand);
  });

  it('uses an existing target group without creating or tagging it', async () => {
    const world = promoteWorld();
    world.target.addGroup('churn-prod');
    world.addSourceVersion('Approved', 'churn/v1');

    const report = await world.run();

    expect(report.createdModelPackageGroup).toBe(false);
    expect(world.mocks.targetSageMaker).not.toHaveReceivedCommand(CreateModelPackageGroupCommand);
    expect(world.mocks.targetSageMaker).toHaveReceivedCommandWith(ListModelPackagesCommand, { ModelPackageGroupName: 'churn-prod' });
  });

  it('moves no object byte through the process for a 6 GB artifact set', async () => {
    // GIVEN a package whose artifacts total about 6 GB (a 5.5 GiB model above the multipart threshold)
    const world = promoteWorld();
    world.addSourceVersion('Approved', 'churn/v1');
    world.s3.put('s3://source-artifacts/churn/v1/model.tar.gz', { size: 5.5 * 1024 ** 3 });

    // WHEN
    const report = await world.run();

    // THEN only copy commands were sent: S3 moved the bytes
    const sent = world.mocks.s3.calls().map((c) => c.args[0].constructor.name);
    expect(sent.filter((name) => /GetObject|PutObject|UploadPart(?!Copy)/.test(name.replace('Command', '')))).toEqual([]);
    expect(report.copy.bytesCopiedServerSide).toBeGreaterThan(6 * 1000 ** 3);
    expect(world.mocks.s3).toHaveReceivedCommand(HeadObjectCommand);
  });
});

describe('buildCreateModelPackageInput', () => {
  const source = {
    ...fullModelPackageFields('churn/v3'),
    ModelPackageArn: `arn:aws:sagemaker:eu-west-1:${SOURCE_ACCOUNT}:model-package/churn/3`,
    ModelPackageName: 'churn',
    ModelPackageGroupName: 'churn',
    ModelPackageVersion: 3,
    CreationTime: new Date(),
    ModelPackageStatus: 'Completed' as const,
    ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
    SecurityConfig: { KmsKeyId: `arn:aws:kms:eu-west-1:${SOURCE_ACCOUNT}:key/source` },
    $metadata: {},
  };
  const options = { targetGroupName: 'churn-prod', targetBucket: 'target-artifacts', targetAccount: TARGET_ACCOUNT, promotedBy: 'stack' };

  it('drops read-only fields and the ETags of the source objects', () => {
    const input = buildCreateModelPackageInput(source, options) as Record<string, unknown>;

    for (const field of ['ModelPackageArn', 'ModelPackageName', 'ModelPackageVersion', 'CreationTime', 'ModelPackageStatus', 'ModelPackageStatusDetails', 'CreatedBy', 'LastModifiedTime', 'ApprovalDescription', '$metadata']) {
      expect(input).not.toHaveProperty(field);
    }
    expect(JSON.stringify(input)).not.toMatch(/"(ETag|ModelDataETag|ManifestEtag)"/);
    expect(input).toMatchObject({
      ModelPackageRegistrationType: 'Registered',
      ModelCard: { ModelCardStatus: 'Draft' },
      MetadataProperties: { ProjectId: 'p-abc' },
      AdditionalInferenceSpecifications: [{ Name: 'cpu', Containers: [{ ModelDataUrl: 's3://target-artifacts/churn/v3/model.tar.gz' }] }],
    });
    expect(input).not.toHaveProperty('Tags');
  });

  it('leaves behind a validation specification whose role belongs to the source account', () => {
    expect(buildCreateModelPackageInput(source, options)).not.toHaveProperty('ValidationSpecification');
    const own = { ...source, ValidationSpecification: { ...source.ValidationSpecification!, ValidationRole: `arn:aws:iam::${TARGET_ACCOUNT}:role/validation` } };
    expect(buildCreateModelPackageInput(own, options).ValidationSpecification).toMatchObject({
      ValidationRole: `arn:aws:iam::${TARGET_ACCOUNT}:role/validation`,
      ValidationProfiles: [expect.objectContaining({ ProfileName: 'smoke' })],
    });
  });

  it('encrypts the package with the target key when the source package is encrypted', () => {
    expect(buildCreateModelPackageInput(source, { ...options, kmsKeyArn: KMS_KEY }).SecurityConfig).toEqual({ KmsKeyId: KMS_KEY });
    expect(buildCreateModelPackageInput(source, options).SecurityConfig).toEqual(source.SecurityConfig);
  });

  it('derives a stable, valid idempotency token', () => {
    const token = clientTokenFor(source.ModelPackageArn, TARGET_ACCOUNT, 'churn-prod');
    expect(token).toMatch(/^[a-f0-9-]{36}$/);
    expect(clientTokenFor(source.ModelPackageArn, TARGET_ACCOUNT, 'churn-prod')).toBe(token);
    expect(clientTokenFor(source.ModelPackageArn, TARGET_ACCOUNT, 'churn-dev')).not.toBe(token);
  });
});
