/**
 * Promote benchmarks, measured with in-memory AWS clients that count what crosses the wire:
 *  (a) SageMaker calls to find the latest approved package in a group of 10,000 versions;
 *  (b) artifact bytes passing through the build host when promoting a 6 GB artifact set.
 */
import { copyArtifacts, latestApprovedModelPackage } from '@sagemaker-mlops/registry';

const GiB = 1024 ** 3;

interface Command {
  constructor: { name: string };
  input: Record<string, any>;
}

/** A model registry holding `versions` packages, every third approved, and a call counter. */
function fakeRegistry(versions: number) {
  const packages = Array.from({ length: versions }, (_, i) => ({
    ModelPackageArn: `arn:aws:sagemaker:eu-west-1:000000000000:model-package/bench/${i + 1}`,
    ModelPackageVersion: i + 1,
    CreationTime: new Date(Date.UTC(2024, 0, 1) + i * 60_000),
    ModelApprovalStatus: (i + 1) % 3 === 0 || i === versions - 1 ? 'Approved' : 'PendingManualApproval',
  }));
  const calls: string[] = [];
  return {
    calls,
    async send(command: Command) {
      calls.push(command.constructor.name);
      const input = command.input;
      if (command.constructor.name === 'ListModelPackagesCommand') {
        const filtered = packages
          .filter((p) => !input.ModelApprovalStatus || p.ModelApprovalStatus === input.ModelApprovalStatus)
          .sort((a, b) => (input.SortOrder === 'Descending' ? -1 : 1) * (a.CreationTime.getTime() - b.CreationTime.getTime()));
        const start = Number(input.NextToken ?? 0);
        const size = input.MaxResults ?? 10;
        const page = filtered.slice(start, start + size);
        return { ModelPackageSummaryList: page, NextToken: start + size < filtered.length ? String(start + size) : undefined };
      }
      if (command.constructor.name === 'DescribeModelPackageCommand') {
        return packages.find((p) => p.ModelPackageArn === input.ModelPackageName);
      }
      throw new Error(`unexpected ${command.constructor.name}`);
    },
  };
}

/** An S3 that holds the artifact set and counts every body byte sent or received. */
function fakeS3(objects: Record<string, number>) {
  let bodyBytes = 0;
  let serverSideBytes = 0;
  const calls: Record<string, number> = {};
  return {
    get bodyBytes() {
      return bodyBytes;
    },
    get serverSideBytes() {
      return serverSideBytes;
    },
    calls,
    async send(command: Command) {
      const name = command.constructor.name;
      calls[name] = (calls[name] ?? 0) + 1;
      const input = command.input;
      switch (name) {
        case 'HeadObjectCommand': {
          const size = input.Bucket === 'source' ? objects[input.Key] : undefined;
          if (size === undefined) throw Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
          return { ContentLength: size, ETag: `"${input.Key}"`, ContentType: 'application/octet-stream', Metadata: {} };
        }
        case 'ListObjectsV2Command':
          return { Contents: [], KeyCount: 0 };
        case 'CopyObjectCommand':
          serverSideBytes += objects[decodeURIComponent(String(input.CopySource)).replace(/^source\//, '')] ?? 0;
          return { CopyObjectResult: { ETag: '"copy"' } };
        case 'CreateMultipartUploadCommand':
          return { UploadId: 'upload' };
        case 'UploadPartCopyCommand': {
          const [, from, to] = /bytes=(\d+)-(\d+)/.exec(input.CopySourceRange)!;
          serverSideBytes += Number(to) - Number(from) + 1;
          return { CopyPartResult: { ETag: `"part-${input.PartNumber}"` } };
        }
        case 'CompleteMultipartUploadCommand':
          return {};
        case 'GetObjectCommand':
        case 'PutObjectCommand':
        case 'UploadPartCommand':
          // Any of these would move artifact bytes through this host.
          bodyBytes += Number(input.ContentLength ?? objects[input.Key] ?? 0);
          return {};
        default:
          throw new Error(`unexpected ${name}`);
      }
    },
  };
}

export interface BenchRow {
  readonly measure: string;
  readonly reference: string;
  readonly ours: string;
}

export async function promoteBenchmarks(): Promise<BenchRow[]> {
  const registry = fakeRegistry(10_000);
  const latest = await latestApprovedModelPackage(registry, 'bench');
  if (latest.ModelPackageVersion !== 10_000) throw new Error(`expected version 10000, got ${latest.ModelPackageVersion}`);

  // The reference's correct alternative (endpoint-deploy's build.py): every page of approved packages, then the first.
  const fullScan = Math.ceil(Math.ceil(10_000 / 3) / 100) + 1;

  const artifacts = {
    'models/churn/model.tar.gz': 5.5 * GiB,
    'models/churn/evaluation.json': 0.25 * GiB,
    'models/churn/baseline/statistics.json': 0.25 * GiB,
  };
  const s3 = fakeS3(artifacts);
  await copyArtifacts({
    s3,
    uris: Object.keys(artifacts).map((k) => `s3://source/${k}`),
    targetBucket: 'target',
    sourceAccount: '000000000000',
  });
  const total = Object.values(artifacts).reduce((a, b) => a + b, 0);
  const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;
  return [
    {
      measure: 'SageMaker calls to find the latest approved of 10,000 versions',
      reference: `1 (but it returns the oldest approved: no SortOrder); a correct full scan takes ${fullScan}`,
      ours: `${registry.calls.length} (${registry.calls.join(', ')}), newest approved`,
    },
    {
      measure: `artifact bytes through the build host, ${gb(total)} artifact set`,
      reference: `>= ${gb(2 * total)} (download, zip, re-upload, then a BucketDeployment Lambda)`,
      ours: `${s3.bodyBytes} bytes; ${gb(s3.serverSideBytes)} copied server-side (${s3.calls.UploadPartCopyCommand ?? 0} UploadPartCopy, ${s3.calls.CopyObjectCommand ?? 0} CopyObject)`,
    },
  ];
}
