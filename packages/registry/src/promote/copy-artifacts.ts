import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetBucketEncryptionCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  UploadPartCopyCommand,
  type CompletedPart,
  type HeadObjectCommandOutput,
  type ServerSideEncryptionRule,
} from '@aws-sdk/client-s3';
import type { AwsClient } from '../aws-client';
import { isNotFound, send } from '../private/aws';
import { mapWithConcurrency } from '../private/concurrency';
import { errorNameOf, type AwsCallContext, type RetryOptions } from '../private/retry';
import { copySourceOf, formatS3Uri, parseS3Uri, type S3Location } from '../private/s3-uri';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
/** S3 limits: CopyObject up to 5 GiB; parts 5 MiB..5 GiB; at most 10,000 parts. */
const MAX_SINGLE_COPY_BYTES = 5 * GIB;
const MIN_PART_BYTES = 5 * MIB;
const MAX_PART_BYTES = 5 * GIB;
const MAX_PARTS = 10_000;

/** The object metadata key holding the ETag of the source object a target object was copied from. */
export const PROMOTED_SOURCE_ETAG_METADATA_KEY = 'promoted-source-etag';

/** Options of {@link copyArtifacts}. */
export interface CopyArtifactsOptions {
  /** An S3 client (or anything with its `send`); its region is the target bucket's. */
  readonly s3: AwsClient;
  /** The `s3://` URIs to copy; a URI that is not an object (or ends with `/`) is a prefix. */
  readonly uris: readonly string[];
  /** The bucket receiving the objects, under the same keys. */
  readonly targetBucket: string;
  /** The account that must own every source bucket (`ExpectedSourceBucketOwner`). */
  readonly sourceAccount: string;
  /**
   * The account that must own the target bucket (`ExpectedBucketOwner`).
   *
   * @default - the target bucket owner is not checked
   */
  readonly targetAccount?: string;
  /**
   * KMS key to encrypt the copies with (SSE-KMS with an S3 Bucket Key).
   *
   * @default - the target bucket's default encryption
   */
  readonly kmsKeyArn?: string;
  /**
   * How many objects, and how many parts of one object, are copied at the same time.
   *
   * @default 8
   */
  readonly concurrency?: number;
  /**
   * Objects larger than this are copied with a multipart upload (UploadPartCopy); at most 5 GiB,
   * the CopyObject limit.
   *
   * @default 5 GiB
   */
  readonly multipartThresholdBytes?: number;
  /**
   * Size of one UploadPartCopy range (raised if an object would need more than 10,000 parts).
   *
   * @default 512 MiB
   */
  readonly partSizeBytes?: number;
  /**
   * How throttling and transient errors are retried.
   *
   * @default - 5 attempts, exponential backoff from 200 ms with jitter
   */
  readonly retry?: RetryOptions;
  /**
   * Receives one line per copied or skipped object.
   *
   * @default - silent
   */
  readonly log?: (message: string) => void;
}

/** One object handled by {@link copyArtifacts}. */
export interface ArtifactCopy {
  /** `s3://<source bucket>/<key>`. */
  readonly sourceUri: string;
  /** `s3://<target bucket>/<key>`. */
  readonly targetUri: string;
  /** Object size in bytes. */
  readonly sizeBytes: number;
  /** How the object was handled. */
  readonly method: 'CopyObject' | 'UploadPartCopy' | 'skipped';
}

/** What {@link copyArtifacts} did. */
export interface CopyArtifactsResult {
  /** Objects copied by this run. */
  readonly copied: ArtifactCopy[];
  /** Objects already in the target bucket from an earlier run (same source ETag and size). */
  readonly skipped: ArtifactCopy[];
  /** Bytes S3 copied inside S3 on our request; none of them passed through this process. */
  readonly bytesCopiedServerSide: number;
}

interface SourceObject {
  readonly location: S3Location;
  readonly sourceUri: string;
  head?: HeadObjectCommandOutput;
}

/**
 * Copies every object referenced by `uris` into `targetBucket`, same key, server-side only.
 *
 * A URI naming an object is copied; a URI naming no object is a prefix and every object under it is
 * copied (a prefix without objects is an error). Objects up to `multipartThresholdBytes` use
 * CopyObject; larger ones a multipart upload whose parts are UploadPartCopy ranges copied in
 * parallel, aborted on failure. No GetObject or PutObject is ever sent: object bytes never pass
 * through this process.
 *
 * Idempotent: each copy records the source ETag in its metadata, and an object whose target already
 * carries the same source ETag and size is skipped, so a run after a partial failure only copies
 * what is missing.
 */
export async function copyArtifacts(options: CopyArtifactsOptions): Promise<CopyArtifactsResult> {
  const concurrency = options.concurrency ?? 8;
  const threshold = options.multipartThresholdBytes ?? MAX_SINGLE_COPY_BYTES;
  const partSize = options.partSizeBytes ?? 512 * MIB;
  if (!(threshold >= 0 && threshold <= MAX_SINGLE_COPY_BYTES)) {
    throw new Error(`multipartThresholdBytes must be between 0 and 5 GiB (the CopyObject limit), got ${threshold}`);
  }
  if (!(partSize >= MIN_PART_BYTES && partSize <= MAX_PART_BYTES)) {
    throw new Error(`partSizeBytes must be between 5 MiB and 5 GiB (the UploadPartCopy limits), got ${partSize}`);
  }
  if (options.kmsKeyArn === undefined) {
    await checkTargetDefaultEncryption(options);
  }
  const context = new CopyContext(options, concurrency, threshold, partSize);

  const expanded = await mapWithConcurrency(options.uris, concurrency, (uri) => context.resolve(uri));
  const objects = context.deduplicate(expanded.flat());
  const results = await mapWithConcurrency(objects, concurrency, (object) => context.copy(object));
  return {
    copied: results.filter((r) => r.method !== 'skipped'),
    skipped: results.filter((r) => r.method === 'skipped'),
    bytesCopiedServerSide: results.filter((r) => r.method !== 'skipped').reduce((sum, r) => sum + r.sizeBytes, 0),
  };
}

/**
 * Fails at once when the target bucket encrypts new objects with a customer managed KMS key that the
 * copies would use implicitly. Writing an SSE-KMS object needs kms:GenerateDataKey on its key (S3 User
 * Guide, "Using server-side encryption with AWS KMS keys (SSE-KMS)", permissions), which the promote
 * role is only granted for `kms_key_arn`: without this check every copy fails on AccessDenied.
 * SSE-S3 and the AWS managed key `aws/s3` need no grant. Reading the configuration needs
 * s3:GetEncryptionConfiguration (botocore's s3 model, GetBucketEncryption).
 */
async function checkTargetDefaultEncryption(options: CopyArtifactsOptions): Promise<void> {
  let rules: ServerSideEncryptionRule[];
  try {
    const output = await send(
      options.s3,
      new GetBucketEncryptionCommand({ Bucket: options.targetBucket, ExpectedBucketOwner: options.targetAccount }),
      {
        action: 's3:GetEncryptionConfiguration',
        resource: `s3://${options.targetBucket}`,
        account: options.targetAccount ?? 'owning the target bucket',
        expectedBucketOwner: options.targetAccount,
      },
      options.retry,
    );
    rules = output.ServerSideEncryptionConfiguration?.Rules ?? [];
  } catch (error) {
    // Buckets created before S3 encrypted by default may have no configuration at all.
    if (errorNameOf(error) === 'ServerSideEncryptionConfigurationNotFoundError') {
      return;
    }
    throw error;
  }
  for (const rule of rules) {
    const byDefault = rule.ApplyServerSideEncryptionByDefault;
    const key = byDefault?.KMSMasterKeyID;
    if (byDefault?.SSEAlgorithm?.startsWith('aws:kms') === true && key !== undefined && !/(^|:)alias\/aws\/s3$/.test(key)) {
      throw new Error(
        `The target bucket ${options.targetBucket} encrypts new objects by default with the customer managed KMS key ${key}, ` +
          'and no KMS key is configured for the promotion, so the copies would be denied (writing them needs kms:GenerateDataKey on that key). ' +
          `Set the promote module's parameter kms_key_arn (KMS_KEY_ARN for the promote tool) to ${key}: the copies are then encrypted ` +
          'with it and the module grants the promote role its use.',
      );
    }
  }
}

class CopyContext {
  private readonly targetAccountLabel: string;

  constructor(
    private readonly options: CopyArtifactsOptions,
    private readonly concurrency: number,
    private readonly threshold: number,
    private readonly partSize: number,
  ) {
    this.targetAccountLabel = options.targetAccount ?? 'owning the target bucket';
  }

  async resolve(uri: string): Promise<SourceObject[]> {
    const location = parseS3Uri(uri);
    if (location.key === '') {
      throw new Error(`Refusing to copy the whole bucket ${uri}: a model artifact URI must name an object or a key prefix`);
    }
    if (!location.key.endsWith('/')) {
      try {
        const head = await this.headSource(location);
        return [{ location, sourceUri: uri, head }];
      } catch (error) {
        if (!isNotFound(error)) {
          throw error;
        }
      }
    }
    const objects = await this.listPrefix(location);
    if (objects.length === 0) {
      throw new Error(
        `${uri} is neither an object nor a prefix holding objects in account ${this.options.sourceAccount}; ` +
          'the model package references an artifact that does not exist (re-register the source package with valid URIs)',
      );
    }
    return objects;
  }

  deduplicate(objects: SourceObject[]): SourceObject[] {
    const byKey = new Map<string, SourceObject>();
    for (const object of objects) {
      const existing = byKey.get(object.location.key);
      if (existing === undefined) {
        byKey.set(object.location.key, object);
      } else if (existing.location.bucket !== object.location.bucket) {
        throw new Error(
          `${existing.sourceUri} and ${object.sourceUri} would both be copied to ` +
            `${formatS3Uri({ bucket: this.options.targetBucket, key: object.location.key })}; ` +
            'artifacts from different buckets must not share a key',
        );
      } else {
        existing.head ??= object.head;
      }
    }
    return [...byKey.values()];
  }

  async copy(object: SourceObject): Promise<ArtifactCopy> {
    const head = object.head ?? (await this.headSource(object.location));
    const size = head.ContentLength ?? 0;
    const etag = unquote(head.ETag);
    const target = { bucket: this.options.targetBucket, key: object.location.key };
    const base = { sourceUri: object.sourceUri, targetUri: formatS3Uri(target), sizeBytes: size };

    const existing = await this.headTarget(target);
    if (
      existing !== undefined &&
      etag !== undefined &&
      existing.Metadata?.[PROMOTED_SOURCE_ETAG_METADATA_KEY] === etag &&
      existing.ContentLength === size
    ) {
      this.options.log?.(`skipped ${base.targetUri} (already copied from ETag ${etag})`);
      return { ...base, method: 'skipped' };
    }
    if (etag === undefined) {
      throw new Error(`S3 returned no ETag for ${object.sourceUri}; cannot copy it safely`);
    }
    const method = size > this.threshold ? await this.multipartCopy(object, head, etag, size) : await this.singleCopy(object, head, etag);
    this.options.log?.(`copied ${object.sourceUri} -> ${base.targetUri} (${size} bytes, ${method})`);
    return { ...base, method };
  }

  private async singleCopy(object: SourceObject, head: HeadObjectCommandOutput, etag: string): Promise<'CopyObject'> {
    await send(
      this.options.s3,
      new CopyObjectCommand({
        Bucket: this.options.targetBucket,
        Key: object.location.key,
        CopySource: copySourceOf(object.location),
        // A source overwritten between HeadObject and the copy fails the copy instead of mixing versions.
        CopySourceIfMatch: quote(etag),
        ExpectedSourceBucketOwner: this.options.sourceAccount,
        ExpectedBucketOwner: this.options.targetAccount,
        MetadataDirective: 'REPLACE',
        ...this.objectAttributes(head, etag),
      }),
      this.copyContext(object),
      this.options.retry,
    );
    return 'CopyObject';
  }

  private async multipartCopy(
    object: SourceObject,
    head: HeadObjectCommandOutput,
    etag: string,
    size: number,
  ): Promise<'UploadPartCopy'> {
    const key = object.location.key;
    const target = { Bucket: this.options.targetBucket, Key: key, ExpectedBucketOwner: this.options.targetAccount };
    const created = await send(
      this.options.s3,
      new CreateMultipartUploadCommand({ ...target, ...this.objectAttributes(head, etag) }),
      this.copyContext(object),
      this.options.retry,
    );
    const uploadId = created.UploadId;
    if (uploadId === undefined) {
      throw new Error(`S3 returned no UploadId for the multipart copy of ${object.sourceUri}`);
    }
    try {
      const partSize = Math.max(this.partSize, Math.ceil(size / MAX_PARTS));
      const ranges = Array.from({ length: Math.ceil(size / partSize) }, (_, i) => ({
        partNumber: i + 1,
        start: i * partSize,
        end: Math.min(size, (i + 1) * partSize) - 1,
      }));
      const parts = await mapWithConcurrency(ranges, this.concurrency, async (range): Promise<CompletedPart> => {
        const result = await send(
          this.options.s3,
          new UploadPartCopyCommand({
            ...target,
            UploadId: uploadId,
            PartNumber: range.partNumber,
            CopySource: copySourceOf(object.location),
            CopySourceRange: `bytes=${range.start}-${range.end}`,
            CopySourceIfMatch: quote(etag),
            ExpectedSourceBucketOwner: this.options.sourceAccount,
          }),
          this.copyContext(object),
          this.options.retry,
        );
        return { PartNumber: range.partNumber, ETag: result.CopyPartResult?.ETag };
      });
      await send(
        this.options.s3,
        new CompleteMultipartUploadCommand({ ...target, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
        this.copyContext(object),
        this.options.retry,
      );
    } catch (error) {
      try {
        await send(
          this.options.s3,
          new AbortMultipartUploadCommand({ ...target, UploadId: uploadId }),
          { action: 's3:AbortMultipartUpload', resource: formatS3Uri({ bucket: this.options.targetBucket, key }), account: this.targetAccountLabel },
          this.options.retry,
        );
      } catch {
        // The copy error is the one to report; a failed abort leaves parts that a lifecycle rule
        // (AbortIncompleteMultipartUpload) removes.
      }
      throw error;
    }
    return 'UploadPartCopy';
  }

  private objectAttributes(head: HeadObjectCommandOutput, etag: string) {
    const kms = this.options.kmsKeyArn;
    return {
      ContentType: head.ContentType,
      ContentEncoding: head.ContentEncoding,
      ContentDisposition: head.ContentDisposition,
      ContentLanguage: head.ContentLanguage,
      CacheControl: head.CacheControl,
      Metadata: { ...head.Metadata, [PROMOTED_SOURCE_ETAG_METADATA_KEY]: etag },
      ...(kms !== undefined ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: kms, BucketKeyEnabled: true } : {}),
    };
  }

  private headSource(location: S3Location): Promise<HeadObjectCommandOutput> {
    return send(
      this.options.s3,
      new HeadObjectCommand({ Bucket: location.bucket, Key: location.key, ExpectedBucketOwner: this.options.sourceAccount }),
      {
        // Without s3:ListBucket S3 answers 403 instead of 404 for a prefix, so both are needed.
        action: 's3:GetObject and s3:ListBucket',
        resource: formatS3Uri(location),
        account: this.options.sourceAccount,
        expectedBucketOwner: this.options.sourceAccount,
      },
      this.options.retry,
    );
  }

  private async headTarget(location: S3Location): Promise<HeadObjectCommandOutput | undefined> {
    try {
      return await send(
        this.options.s3,
        new HeadObjectCommand({ Bucket: location.bucket, Key: location.key, ExpectedBucketOwner: this.options.targetAccount }),
        { action: 's3:GetObject and s3:ListBucket', resource: formatS3Uri(location), account: this.targetAccountLabel, expectedBucketOwner: this.options.targetAccount },
        this.options.retry,
      );
    } catch (error) {
      if (isNotFound(error)) {
        return undefined;
      }
      throw error;
    }
  }

  private async listPrefix(prefix: S3Location): Promise<SourceObject[]> {
    const objects: SourceObject[] = [];
    let token: string | undefined;
    do {
      const page = await send(
        this.options.s3,
        new ListObjectsV2Command({
          Bucket: prefix.bucket,
          Prefix: prefix.key,
          ContinuationToken: token,
          ExpectedBucketOwner: this.options.sourceAccount,
        }),
        { action: 's3:ListBucket', resource: formatS3Uri(prefix), account: this.options.sourceAccount, expectedBucketOwner: this.options.sourceAccount },
        this.options.retry,
      );
      for (const item of page.Contents ?? []) {
        if (item.Key !== undefined) {
          const location = { bucket: prefix.bucket, key: item.Key };
          objects.push({ location, sourceUri: formatS3Uri(location) });
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects;
  }

  private copyContext(object: SourceObject): AwsCallContext {
    const target = formatS3Uri({ bucket: this.options.targetBucket, key: object.location.key });
    return {
      action:
        's3:GetObject (+ kms:Decrypt for an encrypted source) on the source and s3:PutObject' +
        (this.options.kmsKeyArn !== undefined ? ' (+ kms:GenerateDataKey on the target key)' : '') +
        ' on the target',
      resource: `${object.sourceUri} -> ${target}`,
      account: `${this.options.sourceAccount} (source) / ${this.targetAccountLabel} (target)`,
      expectedBucketOwner:
        `${this.options.sourceAccount} (source bucket)` +
        (this.options.targetAccount !== undefined ? ` or ${this.options.targetAccount} (target bucket)` : ''),
    };
  }
}

function unquote(etag: string | undefined): string | undefined {
  return etag?.replace(/^"|"$/g, '');
}

function quote(etag: string): string {
  return `"${etag}"`;
}
