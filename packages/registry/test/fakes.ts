// In-memory stand-ins for the S3 and SageMaker APIs, installed on aws-sdk-client-mock mocks, so tests
// exercise real behaviour (pagination, sort order, idempotency) instead of canned single responses.
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
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DeleteModelPackageCommand,
  DeleteModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackagesCommand,
  ListTagsCommand,
  SageMakerClient,
  UpdateModelPackageCommand,
  type CreateModelPackageInput,
  type DescribeModelPackageCommandOutput,
  type Tag,
} from '@aws-sdk/client-sagemaker';
import type { AwsStub } from 'aws-sdk-client-mock';

export const SOURCE_ACCOUNT = '444444444444';
export const TARGET_ACCOUNT = '111111111111';
export const REGION = 'eu-west-1';
export const GIB = 1024 ** 3;

/** An SDK-shaped service error. */
export function awsError(name: string, message = name, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
}

export const noSleep = async (): Promise<void> => undefined;

// ---------------------------------------------------------------------------------------------- S3

export interface FakeObject {
  size: number;
  etag: string;
  contentType?: string;
  metadata?: Record<string, string>;
  sse?: { ServerSideEncryption?: string; SSEKMSKeyId?: string; BucketKeyEnabled?: boolean };
}

type S3Mock = AwsStub<any, any, any>;

/** A bucket/key store behind HeadObject, ListObjectsV2, CopyObject and the multipart copy calls. */
export class FakeS3 {
  readonly objects = new Map<string, FakeObject>();
  private uploads = new Map<string, { bucket: string; key: string; parts: Map<number, number>; attrs: any }>();
  private nextUpload = 0;
  /** Keys listed per ListObjectsV2 page, to exercise pagination. */
  pageSize = 1000;
  /** Default encryption per bucket (GetBucketEncryption); a bucket not listed has SSE-S3, as every bucket does by default. */
  readonly bucketEncryption = new Map<string, { SSEAlgorithm: string; KMSMasterKeyID?: string } | 'none'>();

  put(uri: string, object: Partial<FakeObject> & { size: number }): void {
    this.objects.set(uri, { etag: `"etag-${uri.length}-${object.size}"`, contentType: 'application/octet-stream', ...object });
  }

  get(uri: string): FakeObject | undefined {
    return this.objects.get(uri);
  }

  install(mock: S3Mock): void {
    mock.on(HeadObjectCommand).callsFake((input) => {
      const object = this.objects.get(`s3://${input.Bucket}/${input.Key}`);
      if (object === undefined) {
        throw awsError('NotFound', 'Not Found', 404);
      }
      return {
        ContentLength: object.size,
        ETag: object.etag,
        ContentType: object.contentType,
        Metadata: object.metadata ?? {},
      };
    });
    mock.on(GetBucketEncryptionCommand).callsFake((input) => {
      const encryption = this.bucketEncryption.get(input.Bucket!) ?? { SSEAlgorithm: 'AES256' };
      if (encryption === 'none') {
        throw awsError('ServerSideEncryptionConfigurationNotFoundError', 'The server side encryption configuration was not found', 404);
      }
      return { ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: encryption, BucketKeyEnabled: true }] } };
    });
    mock.on(ListObjectsV2Command).callsFake((input) => {
      const prefix = `s3://${input.Bucket}/${input.Prefix ?? ''}`;
      const keys = [...this.objects.keys()].filter((uri) => uri.startsWith(prefix)).sort();
      const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
      const page = keys.slice(start, start + this.pageSize);
      const more = start + this.pageSize < keys.length;
      return {
        Contents: page.map((uri) => ({ Key: uri.slice(`s3://${input.Bucket}/`.length), Size: this.objects.get(uri)!.size })),
        IsTruncated: more,
        NextContinuationToken: more ? String(start + this.pageSize) : undefined,
      };
    });
    mock.on(CopyObjectCommand).callsFake((input) => {
      const source = this.source(input.CopySource!, input.CopySourceIfMatch);
      if (source.size > 5 * GIB) {
        throw awsError('InvalidRequest', 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120');
      }
      this.objects.set(`s3://${input.Bucket}/${input.Key}`, {
        size: source.size,
        etag: source.etag,
        contentType: input.ContentType,
        metadata: input.Metadata,
        sse: { ServerSideEncryption: input.ServerSideEncryption, SSEKMSKeyId: input.SSEKMSKeyId, BucketKeyEnabled: input.BucketKeyEnabled },
      });
      return { CopyObjectResult: { ETag: source.etag } };
    });
    mock.on(CreateMultipartUploadCommand).callsFake((input) => {
      const id = `upload-${++this.nextUpload}`;
      this.uploads.set(id, { bucket: input.Bucket!, key: input.Key!, parts: new Map(), attrs: input });
      return { UploadId: id, Bucket: input.Bucket, Key: input.Key };
    });
    mock.on(UploadPartCopyCommand).callsFake((input) => {
      const upload = this.uploads.get(input.UploadId!);
      if (upload === undefined) {
        throw awsError('NoSuchUpload', 'The specified upload does not exist', 404);
      }
      this.source(input.CopySource!, input.CopySourceIfMatch);
      const [, start, end] = /^bytes=(\d+)-(\d+)$/.exec(input.CopySourceRange!)!;
      upload.parts.set(input.PartNumber!, Number(end) - Number(start) + 1);
      return { CopyPartResult: { ETag: `"part-${input.PartNumber}"` } };
    });
    mock.on(CompleteMultipartUploadCommand).callsFake((input) => {
      const upload = this.uploads.get(input.UploadId!)!;
      const size = (input.MultipartUpload?.Parts ?? []).reduce((sum: number, p: any) => sum + upload.parts.get(p.PartNumber)!, 0);
      this.objects.set(`s3://${upload.bucket}/${upload.key}`, {
        size,
        etag: `"multipart-${input.MultipartUpload?.Parts?.length}"`,
        contentType: upload.attrs.ContentType,
        metadata: upload.attrs.Metadata,
        sse: {
          ServerSideEncryption: upload.attrs.ServerSideEncryption,
          SSEKMSKeyId: upload.attrs.SSEKMSKeyId,
          BucketKeyEnabled: upload.attrs.BucketKeyEnabled,
        },
      });
      this.uploads.delete(input.UploadId!);
      return { ETag: `"multipart"` };
    });
    mock.on(AbortMultipartUploadCommand).callsFake((input) => {
      this.uploads.delete(input.UploadId!);
      return {};
    });
  }

  get openUploads(): number {
    return this.uploads.size;
  }

  private source(copySource: string, ifMatch: string | undefined): FakeObject {
    const uri = `s3://${decodeURIComponent(copySource)}`;
    const object = this.objects.get(uri);
    if (object === undefined) {
      throw awsError('NoSuchKey', 'The specified key does not exist.', 404);
    }
    if (ifMatch !== undefined && ifMatch !== object.etag) {
      throw awsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412);
    }
    return object;
  }
}

export function s3Mock(): { client: S3Client } {
  return { client: new S3Client({ region: REGION }) };
}

// ------------------------------------------------------------------------------------- SageMaker

export interface FakePackage extends Partial<DescribeModelPackageCommandOutput> {
  ModelPackageArn: string;
  ModelPackageGroupName: string;
  CreationTime: Date;
}

/** One account's model registry behind the SageMaker model package calls. */
export class FakeRegistry {
  readonly groups = new Map<string, { arn: string; tags: Tag[]; description?: string }>();
  readonly packages: FakePackage[] = [];
  /** Page size of ListModelPackages; the approval filter is applied after paging, as empty pages show. */
  pageSize = 100;
  private clock = Date.UTC(2026, 0, 1);

  constructor(
    readonly account: string,
    readonly region = REGION,
  ) {}

  groupArn(name: string): string {
    return `arn:aws:sagemaker:${this.region}:${this.account}:model-package-group/${name}`;
  }

  addGroup(name: string, tags: Tag[] = []): string {
    const arn = this.groupArn(name);
    this.groups.set(name, { arn, tags });
    return arn;
  }

  addPackage(group: string, fields: Partial<DescribeModelPackageCommandOutput> = {}): FakePackage {
    const version = this.packages.filter((p) => p.ModelPackageGroupName === group).length + 1;
    const pkg: FakePackage = {
      ModelPackageName: group,
      ModelPackageVersion: version,
      ModelPackageStatus: 'Completed',
      ModelApprovalStatus: 'PendingManualApproval',
      ...fields,
      ModelPackageArn: `arn:aws:sagemaker:${this.region}:${this.account}:model-package/${group}/${version}`,
      ModelPackageGroupName: group,
      CreationTime: fields.CreationTime ?? new Date((this.clock += 60_000)),
    };
    this.packages.push(pkg);
    return pkg;
  }

  find(arn: string): FakePackage | undefined {
    return this.packages.find((p) => p.ModelPackageArn === arn);
  }

  private groupName(nameOrArn: string): string {
    return nameOrArn.startsWith('arn:') ? nameOrArn.split('/').pop()! : nameOrArn;
  }

  install(mock: AwsStub<any, any, any>): void {
    mock.on(DescribeModelPackageGroupCommand).callsFake((input) => {
      const name = this.groupName(input.ModelPackageGroupName!);
      const group = this.groups.get(name);
      if (group === undefined) {
        throw awsError('ValidationException', `ModelPackageGroup ${name} does not exist.`);
      }
      return { ModelPackageGroupName: name, ModelPackageGroupArn: group.arn, ModelPackageGroupStatus: 'Completed' };
    });
    mock.on(CreateModelPackageGroupCommand).callsFake((input) => {
      const arn = this.addGroup(input.ModelPackageGroupName!, input.Tags ?? []);
      this.groups.get(input.ModelPackageGroupName!)!.description = input.ModelPackageGroupDescription;
      return { ModelPackageGroupArn: arn };
    });
    mock.on(DeleteModelPackageGroupCommand).callsFake((input) => {
      const name = this.groupName(input.ModelPackageGroupName!);
      if (this.packages.some((p) => p.ModelPackageGroupName === name)) {
        throw awsError('ConflictException', 'Model package group has model packages');
      }
      this.groups.delete(name);
      return {};
    });
    mock.on(ListTagsCommand).callsFake((input) => {
      const group = [...this.groups.values()].find((g) => g.arn === input.ResourceArn);
      return { Tags: group?.tags ?? [] };
    });
    mock.on(ListModelPackagesCommand).callsFake((input) => {
      const name = this.groupName(input.ModelPackageGroupName!);
      const descending = input.SortOrder === 'Descending';
      const all = this.packages
        .filter((p) => p.ModelPackageGroupName === name)
        .sort((a, b) => (a.CreationTime.getTime() - b.CreationTime.getTime()) * (descending ? -1 : 1));
      const size = Math.min(input.MaxResults ?? 10, this.pageSize);
      const start = input.NextToken ? Number(input.NextToken) : 0;
      const page = all
        .slice(start, start + size)
        .filter((p) => input.ModelApprovalStatus === undefined || p.ModelApprovalStatus === input.ModelApprovalStatus);
      return {
        ModelPackageSummaryList: page.map((p) => ({
          ModelPackageArn: p.ModelPackageArn,
          ModelPackageGroupName: p.ModelPackageGroupName,
          ModelPackageVersion: p.ModelPackageVersion,
          CreationTime: p.CreationTime,
          ModelPackageStatus: p.ModelPackageStatus,
          ModelApprovalStatus: p.ModelApprovalStatus,
        })),
        NextToken: start + size < all.length ? String(start + size) : undefined,
      };
    });
    mock.on(DescribeModelPackageCommand).callsFake((input) => {
      const pkg = this.find(input.ModelPackageName!);
      if (pkg === undefined) {
        throw awsError('ValidationException', `Model Package ${input.ModelPackageName} does not exist.`);
      }
      return structuredClone(pkg);
    });
    mock.on(UpdateModelPackageCommand).callsFake((input) => {
      const pkg = this.find(input.ModelPackageArn!)!;
      pkg.ModelApprovalStatus = input.ModelApprovalStatus ?? pkg.ModelApprovalStatus;
      pkg.ApprovalDescription = input.ApprovalDescription ?? pkg.ApprovalDescription;
      return { ModelPackageArn: pkg.ModelPackageArn };
    });
    mock.on(CreateModelPackageCommand).callsFake((input: CreateModelPackageInput) => {
      const name = input.ModelPackageGroupName!;
      if (!this.groups.has(name)) {
        throw awsError('ValidationException', `Model Package Group ${name} does not exist.`);
      }
      // botocore's sagemaker model, CreateModelPackageInput.Tags: with ModelPackageGroupName "you cannot supply a tag argument".
      if (input.Tags !== undefined) {
        throw awsError('ValidationException', 'Tags cannot be specified for a model package that belongs to a model package group.');
      }
      // botocore's sagemaker model: CustomerMetadataMap has at most 50 entries.
      if (Object.keys(input.CustomerMetadataProperties ?? {}).length > 50) {
        throw awsError('ValidationException', "Value at 'customerMetadataProperties' failed to satisfy constraint: Map must have length less than or equal to 50");
      }
      if (input.SourceUri !== undefined && input.InferenceSpecification !== undefined) {
        throw awsError('ValidationException', 'SourceUri and InferenceSpecification cannot be specified together.');
      }
      const { ClientToken: _token, ModelPackageGroupName: _group, ...fields } = input;
      return { ModelPackageArn: this.addPackage(name, fields as Partial<DescribeModelPackageCommandOutput>).ModelPackageArn };
    });
    mock.on(DeleteModelPackageCommand).callsFake((input) => {
      const index = this.packages.findIndex((p) => p.ModelPackageArn === input.ModelPackageName);
      this.packages.splice(index, 1);
      return {};
    });
  }
}

export function sageMakerClient(region = REGION): SageMakerClient {
  return new SageMakerClient({ region });
}

// ------------------------------------------------------------------------------------- Fixtures

const BUCKET = 'source-artifacts';
const INFERENCE_IMAGE = `${SOURCE_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/churn-inference:1.0`;
const XGBOOST_IMAGE = `141502667606.dkr.ecr.${REGION}.amazonaws.com/sagemaker-xgboost:1.7-1`;

/** The fields of a realistic, fully populated model package (as DescribeModelPackage returns them). */
export function fullModelPackageFields(prefix = 'churn/v3'): Partial<DescribeModelPackageCommandOutput> {
  const uri = (key: string) => `s3://${BUCKET}/${prefix}/${key}`;
  const json = (key: string) => ({ ContentType: 'application/json', S3Uri: uri(key) });
  return {
    ModelPackageDescription: 'Churn classifier',
    ModelPackageRegistrationType: 'Registered',
    ModelApprovalStatus: 'Approved',
    ApprovalDescription: 'Looks good',
    ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
    CreatedBy: { UserProfileName: 'data-scientist' },
    LastModifiedTime: new Date(Date.UTC(2026, 0, 2)),
    InferenceSpecification: {
      Containers: [
        {
          Image: INFERENCE_IMAGE,
          ImageDigest: 'sha256:0123',
          ModelDataUrl: uri('model.tar.gz'),
          ModelDataETag: '"abc"',
          Environment: { SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: uri('sourcedir.tar.gz') },
        },
        {
          Image: XGBOOST_IMAGE,
          ModelDataSource: {
            S3DataSource: { S3Uri: uri('llm/'), S3DataType: 'S3Prefix', CompressionType: 'None', ETag: '"def"' },
          },
        },
      ],
      SupportedContentTypes: ['text/csv'],
      SupportedResponseMIMETypes: ['text/csv'],
      SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large'],
      SupportedTransformInstanceTypes: ['ml.m5.large'],
    },
    AdditionalInferenceSpecifications: [
      { Name: 'cpu', Containers: [{ Image: INFERENCE_IMAGE, ModelDataUrl: uri('model.tar.gz') }] },
    ],
    ModelMetrics: {
      ModelQuality: { Statistics: json('evaluation/statistics.json') },
      ModelDataQuality: { Statistics: json('data-quality/statistics.json'), Constraints: json('data-quality/constraints.json') },
      Explainability: { Report: json('explainability/analysis.json') },
    },
    DriftCheckBaselines: {
      ModelQuality: { Constraints: json('baselines/model-quality-constraints.json') },
      ModelDataQuality: { Statistics: json('baselines/data-quality-statistics.json') },
    },
    SamplePayloadUrl: uri('sample-payload.tar.gz'),
    ValidationSpecification: {
      ValidationRole: `arn:aws:iam::${SOURCE_ACCOUNT}:role/validation`,
      ValidationProfiles: [
        {
          ProfileName: 'smoke',
          TransformJobDefinition: {
            TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri('validation-input/') } } },
            TransformOutput: { S3OutputPath: uri('validation-output/') },
            TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
          },
        },
      ],
    },
    MetadataProperties: { ProjectId: 'p-abc', GeneratedBy: 'pipeline-execution' },
    CustomerMetadataProperties: { team: 'risk' },
    Domain: 'MACHINE_LEARNING',
    Task: 'CLASSIFICATION',
    ModelLifeCycle: { Stage: 'Staging', StageStatus: 'Approved' },
    SkipModelValidation: 'None',
    ModelCard: { ModelCardStatus: 'Draft', ModelCardContent: '{"model_overview":{}}' },
  };
}

/** The objects that {@link fullModelPackageFields} references (`llm/` and `validation-input/` are prefixes). */
export function putFullModelPackageObjects(s3: FakeS3, prefix = 'churn/v3'): void {
  const uri = (key: string) => `s3://${BUCKET}/${prefix}/${key}`;
  s3.put(uri('model.tar.gz'), { size: 300 * 1024 ** 2, contentType: 'application/x-tar' });
  s3.put(uri('sourcedir.tar.gz'), { size: 10_000 });
  s3.put(uri('llm/config.json'), { size: 1_000, contentType: 'application/json' });
  s3.put(uri('llm/weights-00001.safetensors'), { size: 2 * GIB });
  for (const key of [
    'evaluation/statistics.json',
    'data-quality/statistics.json',
    'data-quality/constraints.json',
    'explainability/analysis.json',
    'baselines/model-quality-constraints.json',
    'baselines/data-quality-statistics.json',
  ]) {
    s3.put(uri(key), { size: 2_000, contentType: 'application/json' });
  }
  s3.put(uri('sample-payload.tar.gz'), { size: 5_000 });
  s3.put(uri('validation-input/part-0.csv'), { size: 4_000, contentType: 'text/csv' });
}
