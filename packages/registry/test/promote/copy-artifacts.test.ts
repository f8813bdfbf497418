import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetBucketEncryptionCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { AccessDeniedError, AwsRequestRefusedError } from '../../src/errors';
import { copyArtifacts, type CopyArtifactsOptions } from '../../src/promote/copy-artifacts';
import { awsError, FakeS3, GIB, noSleep, REGION, SOURCE_ACCOUNT, TARGET_ACCOUNT } from '../fakes';

const KMS_KEY = `arn:aws:kms:${REGION}:${TARGET_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ALLOWED_COMMANDS = new Set([
  'GetBucketEncryptionCommand',
  'HeadObjectCommand',
  'ListObjectsV2Command',
  'CopyObjectCommand',
  'CreateMultipartUploadCommand',
  'UploadPartCopyCommand',
  'CompleteMultipartUploadCommand',
  'AbortMultipartUploadCommand',
]);

function setup() {
  const client = new S3Client({ region: REGION });
  const mock = mockClient(client);
  const s3 = new FakeS3();
  s3.install(mock);
  const options = (uris: string[], extra: Partial<CopyArtifactsOptions> = {}): CopyArtifactsOptions => ({
    s3: client,
    uris,
    targetBucket: 'target-artifacts',
    sourceAccount: SOURCE_ACCOUNT,
    targetAccount: TARGET_ACCOUNT,
    retry: { sleep: noSleep },
    ...extra,
  });
  return { client, mock, s3, options };
}

describe('copyArtifacts', () => {
  it('copies one object server-side with CopyObject, SSE-KMS and the source ETag recorded', async () => {
    // GIVEN
    const { mock, s3, options } = setup();
    s3.put('s3://source-artifacts/churn/model.tar.gz', { size: 1000, etag: '"abc"', contentType: 'application/x-tar', metadata: { stage: 'train' } });

    // WHEN
    const result = await copyArtifacts(options(['s3://source-artifacts/churn/model.tar.gz'], { kmsKeyArn: KMS_KEY }));

    // THEN
    expect(mock).toHaveReceivedCommandWith(CopyObjectCommand, {
      Bucket: 'target-artifacts',
      Key: 'churn/model.tar.gz',
      CopySource: 'source-artifacts/churn/model.tar.gz',
      CopySourceIfMatch: '"abc"',
      ExpectedSourceBucketOwner: SOURCE_ACCOUNT,
      ExpectedBucketOwner: TARGET_ACCOUNT,
      MetadataDirective: 'REPLACE',
      ContentType: 'application/x-tar',
      Metadata: { stage: 'train', 'promoted-source-etag': 'abc' },
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY,
      BucketKeyEnabled: true,
    });
    expect(mock).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: 'source-artifacts', ExpectedBucketOwner: SOURCE_ACCOUNT });
    expect(result).toEqual({
      copied: [
        {
          sourceUri: 's3://source-artifacts/churn/model.tar.gz',
          targetUri: 's3://target-artifacts/churn/model.tar.gz',
          sizeBytes: 1000,
          method: 'CopyObject',
        },
      ],
      skipped: [],
      bytesCopiedServerSide: 1000,
    });
  });

  it('leaves encryption to the bucket default when no KMS key is given', async () => {
    const { mock, s3, options } = setup();
    s3.put('s3://source-artifacts/a.json', { size: 10 });

    await copyArtifacts(options(['s3://source-artifacts/a.json']));

    const input = mock.commandCalls(CopyObjectCommand)[0].args[0].input;
    expect(input.ServerSideEncryption).toBeUndefined();
    expect(input.SSEKMSKeyId).toBeUndefined();
  });

  it('fails when the target bucket encrypts with a customer managed key and no KMS key is given, before copying, naming the key and kms_key_arn', async () => {
    // GIVEN a target bucket whose default encryption is a customer managed key
    const { mock, s3, options } = setup();
    s3.put('s3://source-artifacts/a.json', { size: 10 });
    s3.bucketEncryption.set('target-artifacts', { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KMS_KEY });

    // WHEN / THEN
    await expect(copyArtifacts(options(['s3://source-artifacts/a.json']))).rejects.toThrow(
      new RegExp(`target-artifacts.*customer managed KMS key ${KMS_KEY}.*kms_key_arn \\(KMS_KEY_ARN for the promote tool\\) to ${KMS_KEY}`),
    );
    expect(mock).toHaveReceivedCommandWith(GetBucketEncryptionCommand, { Bucket: 'target-artifacts', ExpectedBucketOwner: TARGET_ACCOUNT });
    expect(mock).not.toHaveReceivedCommand(HeadObjectCommand);
    expect(mock).not.toHaveReceivedCommand(CopyObjectCommand);
  });

  it('copies into a bucket whose default encryption is SSE-S3, the AWS managed key, or none', async () => {
    for (const encryption of [{ SSEAlgorithm: 'AES256' }, { SSEAlgorithm: 'aws:kms' }, { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/aws/s3' }, 'none'] as const) {
      const { s3, options } = setup();
      s3.put('s3://source-artifacts/a.json', { size: 10 });
      s3.bucketEncryption.set('target-artifacts', encryption);

      const result = await copyArtifacts(options(['s3://source-artifacts/a.json']));

      expect(result.copied).toHaveLength(1);
    }
  });

  it('does not read the bucket default encryption when a KMS key is given', async () => {
    const { mock, s3, options } = setup();
    s3.put('s3://source-artifacts/a.json', { size: 10 });
    s3.bucketEncryption.set('target-artifacts', { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KMS_KEY });

    await copyArtifacts(options(['s3://source-artifacts/a.json'], { kmsKeyArn: KMS_KEY }));

    expect(mock).not.toHaveReceivedCommand(GetBucketEncryptionCommand);
    expect(s3.get('s3://target-artifacts/a.json')?.sse?.SSEKMSKeyId).toBe(KMS_KEY);
  });

  it('URL-encodes the copy source key', async () => {
    const { mock, s3, options } = setup();
    s3.put('s3://source-artifacts/runs/run 1+2/model.tar.gz', { size: 10 });

    await copyArtifacts(options(['s3://source-artifacts/runs/run 1+2/model.tar.gz']));

    expect(mock).toHaveReceivedCommandWith(CopyObjectCommand, {
      Key: 'runs/run 1+2/model.tar.gz',
      CopySource: 'source-artifacts/runs/run%201%2B2/model.tar.gz',
    });
  });

  it('expands a URI that is no object into every object under the prefix, following pagination', async () => {
    // GIVEN five objects under a prefix without trailing slash, listed two per page
    const { mock, s3, options } = setup();
    for (let i = 0; i < 5; i++) {
      s3.put(`s3://source-artifacts/churn/llm/shard-${i}.safetensors`, { size: 100 + i });
    }
    s3.put('s3://source-artifacts/churn/other.txt', { size: 1 });
    s3.pageSize = 2;

    // WHEN
    const result = await copyArtifacts(options(['s3://source-artifacts/churn/llm']));

    // THEN
    expect(mock).toHaveReceivedCommandTimes(ListObjectsV2Command, 3);
    expect(mock).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'source-artifacts', Prefix: 'churn/llm', ExpectedBucketOwner: SOURCE_ACCOUNT });
    expect(mock).toHaveReceivedNthCommandWith(ListObjectsV2Command, 2, { ContinuationToken: '2' });
    expect(result.copied.map((c) => c.targetUri).sort()).toEqual(
      [0, 1, 2, 3, 4].map((i) => `s3://target-artifacts/churn/llm/shard-${i}.safetensors`),
    );
    expect(s3.get('s3://target-artifacts/churn/other.txt')).toBeUndefined();
    expect(result.bytesCopiedServerSide).toBe(100 + 101 + 102 + 103 + 104);
  });

  it('treats a URI ending with a slash as a prefix even when a folder marker object exists', async () => {
    // GIVEN a console-created folder marker at the prefix itself
    const { mock, s3, options } = setup();
    s3.put('s3://source-artifacts/churn/llm/', { size: 0 });
    s3.put('s3://source-artifacts/churn/llm/config.json', { size: 10 });

    // WHEN
    const result = await copyArtifacts(options(['s3://source-artifacts/churn/llm/']));

    // THEN the objects under it are copied, not just the empty marker
    expect(mock).toHaveReceivedCommandWith(ListObjectsV2Command, { Prefix: 'churn/llm/' });
    expect(result.copied.map((c) => c.targetUri)).toEqual([
      's3://target-artifacts/churn/llm/',
      's3://target-artifacts/churn/llm/config.json',
    ]);
  });

  it('copies a 20 GiB object with 40 parallel UploadPartCopy ranges, never through the process', async () => {
    // GIVEN
    const { mock, s3, options } = setup();
    const size = 20 * GIB;
    s3.put('s3://source-artifacts/churn/big/model.tar.gz', { size, etag: '"big"', contentType: 'application/x-tar' });

    // WHEN
    const result = await copyArtifacts(options(['s3://source-artifacts/churn/big/model.tar.gz'], { kmsKeyArn: KMS_KEY }));

    // THEN
    const part = 512 * 1024 ** 2;
    expect(mock).toHaveReceivedCommandWith(CreateMultipartUploadCommand, {
      Bucket: 'target-artifacts',
      Key: 'churn/big/model.tar.gz',
      ContentType: 'application/x-tar',
      Metadata: { 'promoted-source-etag': 'big' },
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY,
      BucketKeyEnabled: true,
    });
    const parts = mock.commandCalls(UploadPartCopyCommand).map((c) => c.args[0].input);
    expect(parts).toHaveLength(40);
    const ranges = parts.sort((a, b) => a.PartNumber! - b.PartNumber!).map((p) => p.CopySourceRange);
    expect(ranges[0]).toBe(`bytes=0-${part - 1}`);
    expect(ranges[1]).toBe(`bytes=${part}-${2 * part - 1}`);
    expect(ranges[39]).toBe(`bytes=${39 * part}-${size - 1}`);
    expect(parts.every((p) => p.ExpectedSourceBucketOwner === SOURCE_ACCOUNT && p.CopySourceIfMatch === '"big"')).toBe(true);
    const complete = mock.commandCalls(CompleteMultipartUploadCommand)[0].args[0].input;
    expect(complete.MultipartUpload!.Parts!.map((p) => p.PartNumber)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(s3.get('s3://target-artifacts/churn/big/model.tar.gz')!.size).toBe(size);
    expect(mock).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(mock.calls().every((call) => ALLOWED_COMMANDS.has(call.args[0].constructor.name))).toBe(true);
    expect(result.bytesCopiedServerSide).toBe(size);
    expect(result.copied[0].method).toBe('UploadPartCopy');
  });

  it('copies an object of exactly the threshold with CopyObject', async () => {
    const { mock, s3, options } = setup();
    s3.put('s3://source-artifacts/five.bin', { size: 5 * GIB });

    await copyArtifacts(options(['s3://source-artifacts/five.bin']));

    expect(mock).toHaveReceivedCommandTimes(CopyObjectCommand, 1);
    expect(mock).not.toHaveReceivedCommand(CreateMultipartUploadCommand);
  });

  it('fails when a part cannot be copied, and aborts the multipart upload', async () => {
    // GIVEN part 7 is denied
    const { mock, s3, options } = setup();
    s3.put('s3://source-artifacts/big.bin', { size: 10 * GIB });
    mock
      .on(UploadPartCopyCommand, { PartNumber: 7 })
      .rejects(awsError('AccessDenied', 'Access Denied', 403));

    // WHEN / THEN
    await expect(copyArtifacts(options(['s3://source-artifacts/big.bin'], { concurrency: 4 }))).rejects.toThrow(AccessDeniedError);
    expect(mock).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { Bucket: 'target-artifacts', Key: 'big.bin', UploadId: 'upload-1' });
    expect(mock).not.toHaveReceivedCommand(CompleteMultipartUploadCommand);
    expect(s3.openUploads).toBe(0);
    expect(s3.get('s3://target-artifacts/big.bin')).toBeUndefined();
  });

  it('skips objects already copied from the same source ETag and size', async () => {
    // GIVEN a first run completed
    const { mock, s3, options } = setup();
    s3.put('s3://source-artifacts/churn/model.tar.gz', { size: 1000 });
    s3.put('s3://source-artifacts/churn/big.bin', { size: 6 * GIB });
    const uris = ['s3://source-artifacts/churn/model.tar.gz', 's3://source-artifacts/churn/big.bin'];
    await copyArtifacts(options(uris));
    mock.resetHistory();

    // WHEN
    const second = await copyArtifacts(options(uris));

    // THEN
    expect(second.copied).toEqual([]);
    expect(second.skipped.map((s) => s.targetUri).sort()).toEqual(['s3://target-artifacts/churn/big.bin', 's3://target-artifacts/churn/model.tar.gz']);
    expect(second.bytesCopiedServerSide).toBe(0);
    expect(mock).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(mock).not.toHaveReceivedCommand(CreateMultipartUploadCommand);
  });

  it('copies again an object whose source changed since the last run', async () => {
    const { mock, s3, options } = setup();
    s3.put('s3://source-artifacts/m.tar.gz', { size: 1000, etag: '"v1"' });
    await copyArtifacts(options(['s3://source-artifacts/m.tar.gz']));
    s3.put('s3://source-artifacts/m.tar.gz', { size: 1000, etag: '"v2"' });
    mock.resetHistory();

    const result = await copyArtifacts(options(['s3://source-artifacts/m.tar.gz']));

    expect(result.copied).toHaveLength(1);
    expect(s3.get('s3://target-artifacts/m.tar.gz')!.metadata).toEqual({ 'promoted-source-etag': 'v2' });
  });

  it('completes a partial copy on the next run, copying only what is missing', async () => {
    // GIVEN a first run where one object fails
    const { mock, s3, options } = setup();
    for (const key of ['a', 'b', 'c']) {
      s3.put(`s3://source-artifacts/${key}.json`, { size: 10 });
    }
    const uris = ['a', 'b', 'c'].map((key) => `s3://source-artifacts/${key}.json`);
    mock.on(CopyObjectCommand, { Key: 'b.json' }).rejectsOnce(awsError('AccessDenied', 'Access Denied', 403));
    await expect(copyArtifacts(options(uris, { concurrency: 1 }))).rejects.toThrow(/Access denied/);
    s3.install(mock);
    mock.resetHistory();

    // WHEN
    const result = await copyArtifacts(options(uris));

    // THEN
    expect(result.copied.map((c) => c.targetUri)).toEqual(['s3://target-artifacts/b.json', 's3://target-artifacts/c.json']);
    expect(result.skipped.map((c) => c.targetUri)).toEqual(['s3://target-artifacts/a.json']);
  });

  it('retries a throttled copy, then succeeds', async () => {
    const { mock, s3, options } = setup();
    s3.put('s3://source-artifacts/a.json', { size: 10 });
    mock.on(CopyObjectCommand).rejectsOnce(awsError('SlowDown', 'Please reduce your request rate.', 503)).callsFake((input) => {
      s3.put(`s3://${input.Bucket}/${input.Key}`, { size: 10, metadata: input.Metadata });
      return {};
    });

    const result = await copyArtifacts(options(['s3://source-artifacts/a.json']));

    expect(mock).toHaveReceivedCommandTimes(CopyObjectCommand, 2);
    expect(result.copied).toHaveLength(1);
  });

  it('fails when a prefix holds no object', async () => {
    const { s3, options } = setup();
    s3.put('s3://source-artifacts/churn/other.txt', { size: 1 });

    await expect(copyArtifacts(options(['s3://source-artifacts/churn/missing/']))).rejects.toThrow(
      /s3:\/\/source-artifacts\/churn\/missing\/ is neither an object nor a prefix holding objects in account 444444444444/,
    );
  });

  it('fails when the source object is denied, naming the action and the source account', async () => {
    const { mock, options } = setup();
    mock.on(HeadObjectCommand).rejects(awsError('Forbidden', 'Forbidden', 403));

    const error = await copyArtifacts(options(['s3://source-artifacts/a.json'])).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as AccessDeniedError).message).toMatch(/s3:GetObject and s3:ListBucket on s3:\/\/source-artifacts\/a\.json \(account 444444444444\)/);
    // a bucket of another owner gets the same 403 under the bucket owner condition
    expect((error as AccessDeniedError).message).toMatch(/not owned by account 444444444444 \(the request's ExpectedBucketOwner/);
  });

  it('fails when the source object is archived, saying so rather than access denied', async () => {
    const { mock, s3, options } = setup();
    s3.put('s3://source-artifacts/a.json', { size: 10 });
    mock.on(CopyObjectCommand).rejects(awsError('ObjectNotInActiveTierError', 'The source object of the COPY operation is not in the active tier', 403));

    const error = await copyArtifacts(options(['s3://source-artifacts/a.json'])).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AwsRequestRefusedError);
    expect((error as Error).message).toMatch(/s3:\/\/source-artifacts\/a\.json .*archive.*RestoreObject/);
  });

  it('fails when two buckets hold artifacts under the same key', async () => {
    const { s3, options } = setup();
    s3.put('s3://bucket-a/model.tar.gz', { size: 1 });
    s3.put('s3://bucket-b/model.tar.gz', { size: 1 });

    await expect(copyArtifacts(options(['s3://bucket-a/model.tar.gz', 's3://bucket-b/model.tar.gz']))).rejects.toThrow(/must not share a key/);
  });

  it('fails when asked to copy a whole bucket', async () => {
    const { options } = setup();
    await expect(copyArtifacts(options(['s3://source-artifacts/']))).rejects.toThrow(/Refusing to copy the whole bucket/);
  });

  it('fails when the part size is outside the S3 limits', async () => {
    const { options } = setup();
    await expect(copyArtifacts(options([], { partSizeBytes: 1024 }))).rejects.toThrow(/partSizeBytes must be between 5 MiB and 5 GiB/);
  });
});
