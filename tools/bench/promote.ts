/**
 * Promote benchmarks, measured with in-memory AWS clients that count what crosses the wire:
 *  (a) SageMaker calls to find the latest approved package in a group of 10,000 versions;
 *  (b) artifact bytes passing through the build host when promoting a 6 GB artifact set.
 */
import { copyArtifacts, latestApprovedModelPackage } from '@sagemaker-mlops/registry';
import { BENCH_ACCOUNT, fakeRegistry, fakeS3 } from './fixtures/aws-fakes';

const GiB = 1024 ** 3;

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
    sourceAccount: BENCH_ACCOUNT,
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
